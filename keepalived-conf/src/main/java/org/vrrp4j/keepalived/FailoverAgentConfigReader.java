package org.vrrp4j.keepalived;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vrrp4j.keepalived.ConfigLexer.Line;

/**
 * Reads the failover.conf of {@code vrrp4j failover-agent}, the bridge for people who keep keepalived:
 * <pre>
 * failover_provider netcup {
 *     instance VI_1          # or: group G1 (a vrrp_sync_group)
 *     api rest
 *     ...                    # the provider's keys, as inside a vrrp_instance
 * }
 * </pre>
 * The syntax is keepalived's ({@code #}/{@code !} comments, quoting, {@code include} with globs). Unlike a
 * keepalived.conf, the file is vrrp4j's own, so anything else at the top level is an error, not a warning.
 * Every error is a {@link ConfigFileException} with {@code file:line}: a block without {@code instance} or
 * {@code group}, with both, with an empty or multi-word name. The provider's own keys are checked when the
 * provider is created (an unknown provider type or key, a bad value).
 */
public final class FailoverAgentConfigReader {
    /** The keys that say what a block follows; every other key is the provider's. */
    public static final String INSTANCE = "instance";
    /** See {@link #INSTANCE}. */
    public static final String GROUP = "group";

    private FailoverAgentConfigReader() {
    }

    /**
     * Reads {@code file} and the files it includes.
     *
     * @throws ConfigFileException for any problem, with {@code file:line}; nothing else is thrown
     */
    public static FailoverAgentConfig read(Path file) throws ConfigFileException {
        Objects.requireNonNull(file, "file");
        try {
            return parse(file);
        } catch (ConfigFileException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new ConfigFileException(file, 0, "internal error while reading the configuration ("
                    + e.getClass().getName() + ")");
        }
    }

    private static FailoverAgentConfig parse(Path file) throws ConfigFileException {
        List<ConfigWarning> warnings = new ArrayList<>();
        BlockCursor c = new BlockCursor(file, ConfigLexer.lex(file, warnings), warnings);
        List<FailoverAgentConfig.Binding> bindings = new ArrayList<>();
        while (!c.atEnd()) {
            Line l = c.next();
            if (l.isOpen()) {
                throw BlockCursor.error(l, "unbalanced braces: '{' without a keyword before it");
            }
            if (l.isClose()) {
                throw BlockCursor.error(l, "unbalanced braces: '}' without a matching '{'");
            }
            if (!l.keyword().equals("failover_provider")) {
                throw BlockCursor.error(l, "unknown keyword '" + l.keyword() + "': a failover.conf holds only "
                        + "'failover_provider TYPE { instance NAME ... }' blocks"
                        + (Keywords.find(Keyword.Block.TOP_LEVEL, l.keyword()).isPresent() ? " (this looks like a keepalived.conf)" : ""));
            }
            bindings.add(binding(l, ProviderBlockReader.readWithLines(l, c)));
        }
        return new FailoverAgentConfig(bindings, warnings);
    }

    private static FailoverAgentConfig.Binding binding(Line opener, ProviderBlockReader.WithLines read)
            throws ConfigFileException {
        ProviderBlock block = read.block();
        String type = block.type();
        boolean hasInstance = block.values().containsKey(INSTANCE);
        boolean hasGroup = block.values().containsKey(GROUP);
        if (hasInstance && hasGroup) {
            throw new ConfigFileException(read.keyLines().get(GROUP), "failover_provider " + type
                    + ": both 'instance' (line " + read.keyLines().get(INSTANCE).line()
                    + ") and 'group': a block follows one instance or one sync group");
        }
        if (!hasInstance && !hasGroup) {
            throw BlockCursor.error(opener, "failover_provider " + type
                    + ": says neither 'instance NAME' nor 'group NAME' (which keepalived instance or sync group "
                    + "it follows)");
        }
        String key = hasInstance ? INSTANCE : GROUP;
        String name = block.values().get(key);
        SourceLocation at = read.keyLines().get(key);
        if (name.isBlank() || name.strip().contains(" ")) {
            throw new ConfigFileException(at, "failover_provider " + type + ": '" + key
                    + "' needs exactly one name, e.g. '" + key + (hasInstance ? " VI_1'" : " G1'"));
        }
        Map<String, String> values = new LinkedHashMap<>(block.values());
        values.remove(key);
        return new FailoverAgentConfig.Binding(name.strip(), hasGroup, new ProviderBlock(type, values), opener.where(), at);
    }
}
