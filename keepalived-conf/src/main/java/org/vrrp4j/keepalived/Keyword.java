package org.vrrp4j.keepalived;

import java.util.Objects;

/**
 * One keepalived.conf keyword as vrrp4j's reader treats it: an entry of {@link Keywords#all()}.
 *
 * @param name    the keyword as written in the file
 * @param block   where it may appear
 * @param support what the reader does with it
 * @param note    for {@link Support#IGNORED}, why it has no effect (the warning says this); otherwise a
 *                short remark, or empty
 */
public record Keyword(String name, Block block, Support support, String note) {
    public Keyword {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(support, "support");
        Objects.requireNonNull(note, "note");
        if (support == Support.IGNORED && note.isBlank()) {
            throw new IllegalArgumentException(name + ": an ignored keyword needs a note saying why");
        }
    }

    /** Where a keyword appears. */
    public enum Block {
        /** Outside any block. */
        TOP_LEVEL("top level"),
        /** Anywhere, also inside blocks ({@code include}). */
        ANYWHERE("anywhere"),
        GLOBAL_DEFS("global_defs"),
        VRRP_INSTANCE("vrrp_instance"),
        /** The {@code authentication} block of a {@code vrrp_instance}. */
        AUTHENTICATION("authentication"),
        VRRP_SCRIPT("vrrp_script"),
        VRRP_SYNC_GROUP("vrrp_sync_group");

        private final String keyword;

        Block(String keyword) {
            this.keyword = keyword;
        }

        /** The block's keyword as written in the file ({@code top level} and {@code anywhere} for the others). */
        public String keyword() {
            return keyword;
        }
    }

    /** What the reader does with a keyword. */
    public enum Support {
        /** Read, validated and acted on. */
        SUPPORTED,
        /**
         * Read and validated (a bad value is an error), kept in the values, but vrrp4j does not act on it:
         * the reader warns at the keyword's line.
         */
        IGNORED,
        /** A keepalived keyword vrrp4j does not implement: skipped (with its block) with a warning. */
        UNSUPPORTED
    }
}
