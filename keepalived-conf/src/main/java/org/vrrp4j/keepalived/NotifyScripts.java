package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.BlockCursor.error;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vrrp4j.keepalived.ConfigLexer.Line;

/**
 * The {@code notify*} keywords of one instance or sync group, which become one {@code exec} provider block.
 * keepalived keeps the first of a repeated keyword.
 */
final class NotifyScripts {
    private final String owner;
    private final String duplicateSuffix;
    private final Map<String, String> scripts = new LinkedHashMap<>();
    private SourceLocation first;

    /**
     * @param owner           {@code vrrp_instance NAME} or {@code vrrp_sync_group NAME}, for warnings
     * @param duplicateSuffix appended to the warning about a repeated keyword
     */
    NotifyScripts(String owner, String duplicateSuffix) {
        this.owner = owner;
        this.duplicateSuffix = duplicateSuffix;
    }

    void read(Line l, BlockCursor c) throws ConfigFileException {
        String script = notifyScript(l, c);
        String kw = l.keyword();
        if (scripts.containsKey(kw)) {
            c.warn(l, kw + " is already set for " + owner + "; this one is ignored" + duplicateSuffix);
        } else {
            scripts.put(kw, script);
            if (first == null) {
                first = l.where();
            }
        }
    }

    boolean isEmpty() {
        return scripts.isEmpty();
    }

    /** Keyword to command line, in file order. */
    Map<String, String> scripts() {
        return scripts;
    }

    /** The first notify keyword's line. */
    SourceLocation first() {
        return first;
    }

    /**
     * A notify keyword's command line, as keepalived's {@code notify_script_init} reads it: the line is
     * re-split with quotes and escapes, the first argument is the command line (quote it to pass
     * arguments), optional second and third arguments are the user and group to run it as.
     */
    private static String notifyScript(Line l, BlockCursor c) throws ConfigFileException {
        List<String> w = ConfigLexer.quotedEscapedWords(l.text(), l.where());
        if (w.size() < 2 || w.get(1).isBlank()) {
            throw error(l, l.keyword() + " needs a script");
        }
        if (w.size() > 2) {
            c.warn(l, ConfigWarning.Kind.UNSUPPORTED, l.keyword() + ": running the script as another user (" + String.join(" ", w.subList(2, w.size()))
                    + ") is not supported by vrrp4j; it runs as global_defs' script_user. Quote the command line to pass arguments");
        }
        return w.get(1);
    }
}
