package org.vrrp4j.keepalived;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vrrp4j.keepalived.ConfigLexer.Line;

/**
 * Walks the lexer's logical lines block by block and collects warnings: every block reader moves through
 * the file with this one cursor, so brace errors and "ignored" warnings read the same in every block.
 */
final class BlockCursor {
    /** Keywords that only start top-level blocks: seeing one inside a block means a '}' is missing. */
    private static final Set<String> BLOCK_KEYWORDS = Set.of("global_defs", "vrrp_instance", "vrrp_script",
            "vrrp_sync_group");

    private final Path file;
    private final List<Line> lines;
    private final List<ConfigWarning> warnings;
    private int pos;

    BlockCursor(Path file, List<Line> lines, List<ConfigWarning> warnings) {
        this.file = file;
        this.lines = lines;
        this.warnings = warnings;
    }

    boolean atEnd() {
        return pos >= lines.size();
    }

    Line next() {
        return lines.get(pos++);
    }

    /** Consumes the '{' after {@code kw}. */
    void openBlock(Line kw) throws ConfigFileException {
        if (pos >= lines.size() || !lines.get(pos).isOpen()) {
            throw error(kw, "'" + kw.keyword() + "' needs a block: expected '{'");
        }
        pos++;
    }

    /** The next line of the block {@code opener} opened, or null at its closing brace. */
    Line nextInBlock(Line opener) throws ConfigFileException {
        if (pos >= lines.size()) {
            throw error(opener, "unbalanced braces: the block of '" + opener.text()
                    + "' is not closed ('}' missing) before the end of the file");
        }
        Line l = lines.get(pos++);
        if (l.isClose()) {
            return null;
        }
        if (l.isOpen()) {
            throw error(l, "unexpected '{' (a block needs a keyword before it)");
        }
        return l;
    }

    /** A top-level keyword inside a block means the block's '}' is missing: say so where it is. */
    private static void checkNotTopLevel(Line l, Line opener) throws ConfigFileException {
        if (BLOCK_KEYWORDS.contains(l.keyword())) {
            throw error(opener, "unbalanced braces: the block of '" + opener.text() + "' is not closed before '"
                    + l.text() + "' at " + l.where());
        }
    }

    /** Skips the block that follows the current line, if one does (ignored keywords may have blocks). */
    void skipBlockIfPresent() throws ConfigFileException {
        if (pos >= lines.size() || !lines.get(pos).isOpen()) {
            return;
        }
        Line opener = lines.get(pos++);
        int depth = 1;
        while (depth > 0) {
            if (pos >= lines.size()) {
                throw error(opener, "unbalanced braces: a block opened here is not closed before the end of the file");
            }
            Line l = lines.get(pos++);
            if (l.isOpen()) {
                depth++;
            } else if (l.isClose()) {
                depth--;
            }
        }
    }

    /** The lines of a value block ({@code virtual_ipaddress { ... }}); nested blocks are an error. */
    List<Line> valueBlock(Line kw) throws ConfigFileException {
        openBlock(kw);
        List<Line> out = new ArrayList<>();
        Line l;
        while ((l = nextInBlock(kw)) != null) {
            checkNotTopLevel(l, kw);
            out.add(l);
        }
        return out;
    }

    /**
     * The next line of {@code opener}'s block that the block's reader handles, or null at the closing brace.
     * Lines whose keyword {@link Keywords} does not list as read in {@code block} are warned about
     * (unsupported or unknown) and skipped with their blocks here; keywords read with a warning get it here.
     */
    Line nextKeyword(Line opener, Keyword.Block block) throws ConfigFileException {
        Line l;
        while ((l = nextInBlock(opener)) != null) {
            checkNotTopLevel(l, opener);
            if (isRead(l, block)) {
                return l;
            }
        }
        return null;
    }

    /**
     * Whether the block's reader reads {@code l}; if not, warns (unsupported or unknown keyword) and skips
     * the line's block. Warns about a keyword that is read but not acted on.
     */
    boolean isRead(Line l, Keyword.Block block) throws ConfigFileException {
        Keyword k = Keywords.find(block, l.keyword()).orElse(null);
        String in = block == Keyword.Block.TOP_LEVEL ? "" : " in " + block.keyword();
        if (k == null) {
            warn(l, ConfigWarning.Kind.UNKNOWN_KEYWORD, "unknown keyword '" + l.keyword() + "'" + in + "; ignored");
        } else if (k.support() == Keyword.Support.UNSUPPORTED) {
            warn(l, ConfigWarning.Kind.UNSUPPORTED, "'" + l.keyword() + "'" + in + " is not supported by vrrp4j; ignored");
        } else {
            if (k.support() == Keyword.Support.IGNORED) {
                warn(l, ConfigWarning.Kind.IGNORED, "'" + l.keyword() + "'" + in
                        + " is read but vrrp4j does not act on it: " + k.note());
            }
            return true;
        }
        skipBlockIfPresent();
        return false;
    }

    /** The reader's keyword switch lacks a keyword that {@link Keywords} says it reads: a reader bug. */
    static IllegalStateException notInSwitch(Line l, Keyword.Block block) {
        return new IllegalStateException("the keyword table lists '" + l.keyword() + "' in " + block.keyword()
                + " but its reader has no case for it");
    }

    void warn(Line l, String message) {
        warnAt(l.where(), message);
    }

    /** A warning of {@code kind} about {@code l}'s keyword, at its line. */
    void warn(Line l, ConfigWarning.Kind kind, String message) {
        warnings.add(new ConfigWarning(l.where().file(), l.where().line(), message, kind, l.keyword()));
    }

    /** Warns at {@code at}; null (a keyword that was not given) falls back to line 0 of the top file. */
    void warnAt(SourceLocation at, String message) {
        SourceLocation where = at != null ? at : new SourceLocation(file, 0);
        warnings.add(new ConfigWarning(where.file(), where.line(), message));
    }

    static ConfigFileException error(Line l, String rule) {
        return new ConfigFileException(l.where(), rule);
    }
}
