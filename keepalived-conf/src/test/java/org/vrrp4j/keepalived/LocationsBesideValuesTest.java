package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values carry no source locations: the same configuration at other lines of another file reads into
 * equal values, and only {@link KeepalivedConfig#locations()} (and the warnings) tell them apart. The
 * daemon's reload relies on this to keep instances that only moved.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocationsBesideValuesTest {
    private static final String SHIFT = "# two comment lines shift\n# every line of the original by two\n";

    @TempDir
    Path tmp;

    @Test
    void theSameBlocksMovedToOtherLinesOfAnotherFileAreEqualValues() throws Exception {
        List<Path> files;
        try (var s = Files.list(Corpus.dir())) {
            // include-main.conf includes relative to its directory, which a copy elsewhere does not have
            files = s.filter(p -> p.toString().endsWith(".conf") && !p.getFileName().toString().startsWith("include"))
                    .sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(12);
        for (Path f : files) {
            Path moved = tmp.resolve("moved-" + f.getFileName());
            Files.writeString(moved, SHIFT + Files.readString(f));
            KeepalivedConfig a = KeepalivedConfigReader.read(f, n -> "testhost");
            KeepalivedConfig b = KeepalivedConfigReader.read(moved, n -> "testhost");

            assertThat(b.global()).as(f.toString()).isEqualTo(a.global());
            assertThat(b.instances()).as(f.toString()).isEqualTo(a.instances());
            assertThat(b.scripts()).as(f.toString()).isEqualTo(a.scripts());
            assertThat(b.syncGroups()).as(f.toString()).isEqualTo(a.syncGroups());
            for (int k = 0; k < a.instances().size(); k++) {
                assertThat(b.instances().get(k).hashCode()).isEqualTo(a.instances().get(k).hashCode());
            }

            // the locations moved with the lines, key by key
            assertThat(a.locations().asMap()).as(f.toString()).isNotEmpty();
            assertThat(b.locations().asMap().keySet()).isEqualTo(a.locations().asMap().keySet());
            for (Map.Entry<String, SourceLocation> e : a.locations().asMap().entrySet()) {
                assertThat(b.locations().asMap().get(e.getKey())).as(f + " " + e.getKey())
                        .isEqualTo(new SourceLocation(moved, e.getValue().line() + 2));
            }
            assertThat(b.warnings()).extracting(ConfigWarning::line)
                    .isEqualTo(a.warnings().stream().map(w -> w.line() + 2).toList());
            assertThat(b).isNotEqualTo(a);
        }
    }

    @Test
    void everyInstanceScriptGroupAndProviderBlockHasItsLine() throws Exception {
        KeepalivedConfig c = Corpus.read("failover-provider.conf");
        Path file = Corpus.file("failover-provider.conf");
        SourceLocations at = c.locations();
        assertThat(at.instance("VI_F")).contains(new SourceLocation(file, 1));
        // the netcup block, then the exec block the notify script became, at its first notify line
        assertThat(at.instanceProvider("VI_F", 0)).contains(new SourceLocation(file, 9));
        assertThat(at.instanceProvider("VI_F", 1)).contains(new SourceLocation(file, 18));
        assertThat(at.instanceProvider("VI_F", 2)).isEmpty();
        assertThat(at.instanceKeyword("VI_F", "virtual_router_id")).contains(new SourceLocation(file, 4));
        assertThat(at.instanceKeyword("VI_F", "priority")).contains(new SourceLocation(file, 5));
        assertThat(at.instanceKeyword("VI_F", "advert_int")).isEmpty();
        assertThat(at.instance("VI_NONE")).isEmpty();

        KeepalivedConfig g = Corpus.read("sync-group.conf");
        Path gf = Corpus.file("sync-group.conf");
        assertThat(g.locations().syncGroup("SG_1")).contains(new SourceLocation(gf, 1));
        assertThat(g.locations().syncGroupProvider("SG_1", 0)).contains(new SourceLocation(gf, 6));
        assertThat(g.locations().instance("VI_A")).contains(new SourceLocation(gf, 11));

        KeepalivedConfig t = Corpus.read("track.conf");
        assertThat(t.locations().script("chk_disk")).contains(new SourceLocation(Corpus.file("track.conf"), 11));
        assertThat(SourceLocations.NONE.asMap()).isEmpty();
    }
}
