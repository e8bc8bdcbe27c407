package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.BlockCursor.error;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.vrrp4j.keepalived.ConfigLexer.Line;
import org.vrrp4j.keepalived.Keyword.Block;

/**
 * The top level of the reader: hands each top-level block to its reader, then completes the instances and
 * sync groups once everything they refer to is known. keepalived 2.2.7's {@code global_parser.c} and
 * {@code vrrp_parser.c} semantics (defaults, ranges, what is adjusted with a warning) for the keywords
 * vrrp4j supports; {@link Keywords} says which those are. Where keepalived merely logs a bad value and
 * carries on with a default, vrrp4j refuses the file: a configuration that does not mean what it says is
 * not started.
 */
final class ConfigParser {
    private final Path file;
    private final Function<String, String> env;

    ConfigParser(Path file, Function<String, String> env) {
        this.file = file;
        this.env = env;
    }

    KeepalivedConfig parse() throws ConfigFileException {
        List<ConfigWarning> warnings = new ArrayList<>();
        BlockCursor c = new BlockCursor(file, ConfigLexer.lex(file, warnings,
                GlobalDefsReader.configId(env)), warnings);
        SourceLocations.Builder locations = new SourceLocations.Builder();
        GlobalDefsReader global = new GlobalDefsReader(c, locations);
        InstanceReader instances = new InstanceReader(c, global, locations);
        ScriptReader scripts = new ScriptReader(c, locations);
        SyncGroupReader groups = new SyncGroupReader(c, locations);
        while (!c.atEnd()) {
            Line l = c.next();
            if (l.isOpen()) {
                throw error(l, "unbalanced braces: '{' without a keyword before it");
            }
            if (l.isClose()) {
                throw error(l, "unbalanced braces: '}' without a matching '{'");
            }
            if (!c.isRead(l, Block.TOP_LEVEL)) {
                continue;
            }
            switch (l.keyword()) {
                case "global_defs" -> global.read(l);
                case "vrrp_instance" -> instances.read(l);
                case "vrrp_script" -> scripts.read(l);
                case "vrrp_sync_group" -> groups.read(l);
                default -> throw BlockCursor.notInSwitch(l, Block.TOP_LEVEL);
            }
        }

        GlobalDefs globalDefs = global.build(env);
        InstanceCompletion completion = new InstanceCompletion(c, global.version(), global.ipv4Checksum(),
                scripts.scripts(), locations);
        List<Instance> built = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (InstanceDraft d : instances.drafts()) {
            built.add(completion.complete(d));
            names.add(d.name);
        }
        List<SyncGroup> syncGroups = groups.complete(names);
        return new KeepalivedConfig(globalDefs, built, scripts.scripts(), syncGroups, locations.build(), warnings);
    }
}
