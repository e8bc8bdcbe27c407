package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.BlockCursor.error;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vrrp4j.keepalived.ConfigLexer.Line;

/**
 * The {@code notify*} keywords of one instance or sync group, which become one {@code exec} provider block.
 * keepalived keeps the first of a repeated keyword. A keyword's own user ({@code notify_master SCRIPT USER
 * [GROUP]}) becomes the block's key {@code KEYWORD_user} ({@code USER} or {@code USER:GROUP}, the shape of
 * {@link GlobalDefs#scriptUser()}), which the daemon resolves as it resolves {@code script_user}.
 */
final class NotifyScripts {
    private final String owner;
    private final String duplicateSuffix;
    /** The suffix of the key that holds a notify keyword's own user. */
    static final String USER_SUFFIX = "_user";

    private final Map<String, String> scripts = new LinkedHashMap<>();
    private final Map<String, SourceLocation> lines = new LinkedHashMap<>();
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
        List<String> w = ConfigLexer.quotedEscapedWords(l.text(), l.where());
        String script = notifyScript(l, w);
        String user = user(l, w, c);
        String kw = l.keyword();
        if (scripts.containsKey(kw)) {
            c.warn(l, kw + " is already set for " + owner + "; this one is ignored" + duplicateSuffix);
        } else {
            scripts.put(kw, script);
            if (user != null) {
                scripts.put(kw + USER_SUFFIX, user);
            }
            lines.put(kw, l.where());
            if (first == null) {
                first = l.where();
            }
        }
    }

    boolean isEmpty() {
        return scripts.isEmpty();
    }

    /** Keyword to command line, in file order, each followed by {@code KEYWORD_user} when it names a user. */
    Map<String, String> scripts() {
        return scripts;
    }

    /** Each notify keyword's line, for {@link SourceLocations} ({@code ... providers[I] KEYWORD}). */
    Map<String, SourceLocation> lines() {
        return lines;
    }

    /** The first notify keyword's line. */
    SourceLocation first() {
        return first;
    }

    /**
     * A notify keyword's command line, as keepalived's {@code notify_script_init} reads it: the line is
     * re-split with quotes and escapes, the first argument is the command line (quote it to pass
     * arguments).
     */
    private static String notifyScript(Line l, List<String> w) throws ConfigFileException {
        if (w.size() < 2 || w.get(1).isBlank()) {
            throw error(l, l.keyword() + " needs a script");
        }
        return w.get(1);
    }

    /**
     * The optional second and third arguments, the user and group to run the script as (keepalived 2.2.7:
     * the group defaults to the user's primary group; words after the group are ignored). Whether the user
     * exists is decided where scripts run (the daemon), as for {@code script_user}.
     *
     * @return {@code USER}, {@code USER:GROUP}, or null when the line names no user
     */
    private static String user(Line l, List<String> w, BlockCursor c) throws ConfigFileException {
        if (w.size() < 3) {
            return null;
        }
        String user = w.get(2);
        String group = w.size() > 3 ? w.get(3) : null;
        checkName(l, user, "user");
        if (group != null) {
            checkName(l, group, "group");
        }
        if (w.size() > 4) {
            c.warn(l, ConfigWarning.Kind.ADJUSTED, l.keyword() + ": words after the user and group are ignored (as keepalived does): "
                    + String.join(" ", w.subList(4, w.size())) + ". Quote the command line to pass arguments");
        }
        return group == null ? user : user + ":" + group;
    }

    private static void checkName(Line l, String name, String what) throws ConfigFileException {
        if (name.isBlank() || name.contains(":") || name.chars().anyMatch(Character::isWhitespace)) {
            throw error(l, l.keyword() + ": '" + name + "' is not a " + what + " name");
        }
    }
}
