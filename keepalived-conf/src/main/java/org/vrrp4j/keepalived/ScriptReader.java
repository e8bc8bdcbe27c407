package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.BlockCursor.error;
import static org.vrrp4j.keepalived.Values.arg;
import static org.vrrp4j.keepalived.Values.atLeastOne;
import static org.vrrp4j.keepalived.Values.signed;
import static org.vrrp4j.keepalived.Values.unsigned;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vrrp4j.keepalived.ConfigLexer.Line;
import org.vrrp4j.keepalived.Keyword.Block;

/** {@code vrrp_script NAME { ... }}: a check command that instances track. */
final class ScriptReader {
    private final BlockCursor c;
    private final SourceLocations.Builder locations;
    private final Map<String, VrrpScript> scripts = new LinkedHashMap<>();
    private final Map<String, SourceLocation> where = new HashMap<>();

    ScriptReader(BlockCursor c, SourceLocations.Builder locations) {
        this.c = c;
        this.locations = locations;
    }

    /** The scripts read so far by name, in file order. */
    Map<String, VrrpScript> scripts() {
        return scripts;
    }

    void read(Line opener) throws ConfigFileException {
        if (opener.size() != 2) {
            throw error(opener, "vrrp_script needs exactly one name");
        }
        String name = opener.words().get(1);
        if (scripts.containsKey(name)) {
            throw error(opener, "vrrp_script " + name + " is already defined at " + where.get(name));
        }
        String script = null;
        long interval = 1;
        Long timeout = null;
        int weight = 0;
        int rise = 1;
        int fall = 1;
        String user = null;
        c.openBlock(opener);
        Line l;
        while ((l = c.nextKeyword(opener, Block.VRRP_SCRIPT)) != null) {
            switch (l.keyword()) {
                case "script" -> {
                    List<String> w = ConfigLexer.quotedEscapedWords(l.text(), l.where());
                    if (w.size() < 2 || w.get(1).isBlank()) {
                        throw error(l, "script needs a command");
                    }
                    if (w.size() > 2) {
                        c.warn(l, "script: words after the command are ignored (as keepalived does); "
                                + "quote the whole command line to pass arguments");
                    }
                    script = w.get(1);
                }
                case "interval" -> interval = atLeastOne(l, "interval", c);
                case "timeout" -> timeout = atLeastOne(l, "timeout", c);
                case "weight" -> {
                    weight = signed(l, 1, -253, 253, "'weight'");
                    if (l.size() > 2) {
                        throw error(l, "weight option '" + l.words().get(2) + "' is not supported by vrrp4j");
                    }
                }
                case "rise" -> rise = unsigned(l, 1, 1, Integer.MAX_VALUE);
                case "fall" -> fall = unsigned(l, 1, 1, Integer.MAX_VALUE);
                case "user" -> user = arg(l, 1) + (l.size() > 2 ? ":" + l.words().get(2) : "");
                default -> throw BlockCursor.notInSwitch(l, Block.VRRP_SCRIPT);
            }
        }
        if (script == null) {
            throw error(opener, "vrrp_script " + name + " has no 'script' (required)");
        }
        where.put(name, opener.where());
        locations.script(name, opener.where());
        scripts.put(name, new VrrpScript(name, script, Duration.ofSeconds(interval),
                Duration.ofSeconds(timeout == null ? interval : timeout), weight, rise, fall, Optional.ofNullable(user)));
    }
}
