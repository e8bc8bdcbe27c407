package org.vrrp4j.keepalived;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Something in the file that vrrp4j read but does not act on, or changed as keepalived would
 * (an unknown keyword, an unsupported option, a truncated password...). keepalived logs the same
 * situations and starts anyway; so does vrrp4j.
 *
 * @param file    the file
 * @param line    1-based line
 * @param message what was ignored or changed, and why; never contains a secret
 * @param kind    whether vrrp4j does less than keepalived here ({@code vrrp4j check --strict} refuses those)
 *                or the same as keepalived
 * @param keyword the keyword of the line the warning is about, or empty
 */
public record ConfigWarning(Path file, int line, String message, Kind kind, String keyword) {
    public ConfigWarning {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(keyword, "keyword");
    }

    /** A warning about something vrrp4j adjusts as keepalived does (no keyword). */
    public ConfigWarning(Path file, int line, String message) {
        this(file, line, message, Kind.ADJUSTED, "");
    }

    /** What a warning means for someone switching from keepalived. */
    public enum Kind {
        /** A keyword neither keepalived 2.2.7 as vrrp4j knows it nor vrrp4j's extension: skipped. */
        UNKNOWN_KEYWORD,
        /** A keepalived keyword or option that vrrp4j does not implement: skipped, keepalived would act on it. */
        UNSUPPORTED,
        /** A keyword vrrp4j reads and validates but does not act on (keepalived does). */
        IGNORED,
        /** A value adjusted, or a situation noted, the way keepalived does it too: no difference from keepalived. */
        ADJUSTED;

        /** Whether vrrp4j does less with the line than keepalived would: what {@code check --strict} refuses. */
        public boolean differsFromKeepalived() {
            return this != ADJUSTED;
        }
    }

    /** {@code file:line: message}. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
