package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.keepalived.Keyword.Block;
import org.vrrp4j.keepalived.Keyword.Support;

/**
 * The keyword table is what the reader does: every keyword it lists as read reaches its block's reader,
 * every keyword read but not acted on is warned about at its line with the table's note, every
 * unsupported one is warned about and skipped.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeywordsTest {
    /** A valid line for each keyword the product ignores: the warning must come with the value read. */
    private static final Map<String, String> IGNORED_SAMPLES = Map.ofEntries(
            Map.entry("vrrp_garp_interval", "vrrp_garp_interval 0.01"),
            Map.entry("virtual_ipaddress_excluded", "virtual_ipaddress_excluded {\n198.18.0.99\n}"),
            Map.entry("garp_master_delay", "garp_master_delay 1"),
            Map.entry("garp_master_repeat", "garp_master_repeat 2"),
            Map.entry("garp_master_refresh", "garp_master_refresh 30"),
            Map.entry("garp_master_refresh_repeat", "garp_master_refresh_repeat 2"),
            Map.entry("garp_lower_prio_delay", "garp_lower_prio_delay 2"),
            Map.entry("garp_lower_prio_repeat", "garp_lower_prio_repeat 2"));
    // script_user, enable_script_security and vrrp_script's user are applied now (the daemon's ScriptUsers)

    @TempDir
    Path tmp;

    private int files;

    /** A file with {@code line} at line 3, inside a block of kind {@code block} (or at the top level). */
    private Path fileWith(Block block, String line) throws Exception {
        String instance = "vrrp_instance VI_K {\n    interface eth0\n    virtual_router_id 1\n"
                + "    virtual_ipaddress {\n        198.18.0.1\n    }\n}\n";
        String text = switch (block) {
            case TOP_LEVEL -> "# line 1\n# line 2\n" + line + "\n";
            case GLOBAL_DEFS -> "# line 1\nglobal_defs {\n" + line + "\n}\n";
            case VRRP_INSTANCE -> "# line 1\nvrrp_instance VI_K {\n" + line
                    + "\n    interface eth0\n    virtual_router_id 1\n    virtual_ipaddress {\n        198.18.0.1\n    }\n}\n";
            case AUTHENTICATION -> "vrrp_instance VI_K {\nauthentication {\n" + line
                    + "\n}\n    interface eth0\n    virtual_router_id 1\n    virtual_ipaddress {\n        198.18.0.1\n    }\n}\n";
            case VRRP_SCRIPT -> "# line 1\nvrrp_script chk {\n" + line + "\nscript /bin/true\n}\n";
            case VRRP_SYNC_GROUP -> "# line 1\nvrrp_sync_group SG {\n" + line + "\ngroup {\nVI_K\n}\n}\n" + instance;
            case ANYWHERE -> throw new IllegalArgumentException("the lexer reads " + line);
        };
        Path f = tmp.resolve("k" + files++ + ".conf");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void theTableIsUnmodifiableAndEachKeywordIsListedOncePerBlock() {
        List<Keyword> all = Keywords.all();
        assertThatThrownBy(() -> all.add(all.getFirst())).isInstanceOf(UnsupportedOperationException.class);
        Set<String> seen = new HashSet<>();
        for (Keyword k : all) {
            assertThat(seen.add(k.block() + " " + k.name())).as(k.toString()).isTrue();
            assertThat(Keywords.find(k.block(), k.name())).contains(k);
        }
        assertThat(Keywords.find(Block.VRRP_INSTANCE, "frobnicate")).isEmpty();
        assertThat(Keywords.find(Block.GLOBAL_DEFS, "priority")).isEmpty();
        assertThat(all).filteredOn(k -> k.support() == Support.IGNORED)
                .allSatisfy(k -> assertThat(k.note()).isNotBlank());
        assertThatThrownBy(() -> new Keyword("x", Block.GLOBAL_DEFS, Support.IGNORED, " "))
                .isInstanceOf(IllegalArgumentException.class);
        // what the brief of this table promised: the settings nothing acts on are listed as such
        assertThat(Keywords.find(Block.VRRP_INSTANCE, "garp_lower_prio_delay")).map(Keyword::support).contains(Support.IGNORED);
        assertThat(Keywords.find(Block.VRRP_INSTANCE, "no_accept")).as("enforced through nftables")
                .map(Keyword::support).contains(Support.SUPPORTED);
        assertThat(Keywords.find(Block.VRRP_INSTANCE, "priority")).map(Keyword::support).contains(Support.SUPPORTED);
        assertThat(Keywords.find(Block.TOP_LEVEL, "virtual_server")).map(Keyword::support).contains(Support.UNSUPPORTED);
        assertThat(Keywords.find(Block.ANYWHERE, "include")).map(Keyword::support).contains(Support.SUPPORTED);
    }

    @Test
    void everyKeywordTheTableSaysIsReadReachesItsReader() throws Exception {
        for (Keyword k : Keywords.all()) {
            if (k.support() == Support.UNSUPPORTED || k.block() == Block.ANYWHERE) {
                continue;
            }
            // with no value most keywords are refused; what matters is that the reader got the line
            Path f = fileWith(k.block(), k.name());
            try {
                KeepalivedConfig c = KeepalivedConfigReader.read(f, n -> "h");
                assertThat(c.warnings()).as(k.toString()).noneMatch(w -> w.message().contains("unknown keyword")
                        || w.message().contains("is not supported"));
            } catch (ConfigFileException e) {
                assertThat(e.rule()).as(k + ": " + e.getMessage()).doesNotContain("internal error");
            }
        }
    }

    @Test
    void everyKeywordReadButNotActedOnIsAWarningAtItsLineWithTheTablesNote() throws Exception {
        List<Keyword> ignored = Keywords.all().stream().filter(k -> k.support() == Support.IGNORED).toList();
        assertThat(ignored).extracting(Keyword::name).containsExactlyInAnyOrderElementsOf(IGNORED_SAMPLES.keySet());
        for (Keyword k : ignored) {
            Path f = fileWith(k.block(), IGNORED_SAMPLES.get(k.name()));
            KeepalivedConfig c = KeepalivedConfigReader.read(f, n -> "h");
            assertThat(c.warnings()).as(k.toString()).anySatisfy(w -> {
                assertThat(w.file()).isEqualTo(f);
                assertThat(w.line()).isEqualTo(3);
                assertThat(w.message()).isEqualTo("'" + k.name() + "' in " + k.block().keyword()
                        + " is read but vrrp4j does not act on it: " + k.note());
            });
        }
    }

    @Test
    void everyUnsupportedKeywordIsSkippedWithItsBlockAndAWarningAtItsLine() throws Exception {
        for (Keyword k : Keywords.all()) {
            if (k.support() != Support.UNSUPPORTED) {
                continue;
            }
            // with a block of its own that would not read as anything else
            Path f = fileWith(k.block(), k.name() + " {\nanything at all 1 2 3\n}");
            KeepalivedConfig c = KeepalivedConfigReader.read(f, n -> "h");
            String in = k.block() == Block.TOP_LEVEL ? "" : " in " + k.block().keyword();
            assertThat(c.warnings()).as(k.toString()).singleElement().satisfies(w -> {
                assertThat(w.line()).isEqualTo(3);
                assertThat(w.message()).isEqualTo("'" + k.name() + "'" + in + " is not supported by vrrp4j; ignored");
            });
        }
    }

    @Test
    void aKeywordUnknownInItsBlockIsAWarningEvenWhenAnotherBlockKnowsIt() throws Exception {
        Path f = fileWith(Block.VRRP_SCRIPT, "priority 100");
        KeepalivedConfig c = KeepalivedConfigReader.read(f, n -> "h");
        assertThat(c.warnings()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(3);
            assertThat(w.message()).isEqualTo("unknown keyword 'priority' in vrrp_script; ignored");
        });
        ConfigFileException e = catchThrowableOfType(ConfigFileException.class,
                () -> KeepalivedConfigReader.read(fileWith(Block.VRRP_SCRIPT, "vrrp_instance X"), n -> "h"));
        assertThat(e.rule()).startsWith("unbalanced braces: the block of 'vrrp_script chk' is not closed before");
    }
}
