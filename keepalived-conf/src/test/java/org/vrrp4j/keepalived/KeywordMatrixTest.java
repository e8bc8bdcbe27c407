package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.keepalived.Keyword.Block;
import org.vrrp4j.keepalived.Keyword.Support;

/**
 * {@code docs/keywords.md} is the rendering of {@link Keywords#all()}, the table the reader itself consults:
 * this test fails when the file differs. {@code -Dvrrp4j.rewrite=true} regenerates it (review the diff);
 * under {@code CI=true} that is refused, so CI can never bless its own output.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeywordMatrixTest {
    /** The module runs its tests in its own directory; the docs are the project's. */
    private static final Path MATRIX = Path.of("..", "docs", "keywords.md");

    @Test
    void docsKeywordsMdIsTheRenderingOfTheReadersTable() throws Exception {
        String rendered = render(Keywords.all());
        if (rewriteRequested(Boolean.getBoolean("vrrp4j.rewrite"), System.getenv("CI"))) {
            Files.writeString(MATRIX, rendered, StandardCharsets.UTF_8);
        }
        assertThat(MATRIX).as("docs/keywords.md is missing: run this test with -Dvrrp4j.rewrite=true").exists();
        assertThat(Files.readString(MATRIX, StandardCharsets.UTF_8))
                .as("docs/keywords.md differs from Keywords.all(): regenerate it with the command in its header and review")
                .isEqualTo(rendered);
    }

    @Test
    void everyKeywordIsARowOfItsBlocksTableAndTheLoadBalancerIsUnsupported() {
        String md = render(Keywords.all());
        for (Keyword k : Keywords.all()) {
            assertThat(md).contains("| `" + k.name() + "` | " + k.support().name().toLowerCase(java.util.Locale.ROOT));
        }
        for (String lvs : List.of("virtual_server", "virtual_server_group", "real_server", "vrrp_track_process",
                "bfd_instance", "static_ipaddress", "static_routes")) {
            assertThat(Keywords.find(Block.TOP_LEVEL, lvs)).as(lvs).map(Keyword::support).contains(Support.UNSUPPORTED);
        }
        assertThat(md).contains("## vrrp_instance").contains("## top level");
    }

    @Test
    void rewritingIsRefusedUnderCi() {
        assertThatThrownBy(() -> rewriteRequested(true, "true")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CI=true");
        assertThat(rewriteRequested(true, null)).isTrue();
        assertThat(rewriteRequested(false, "true")).isFalse();
    }

    static boolean rewriteRequested(boolean rewrite, String ci) {
        if (rewrite && "true".equalsIgnoreCase(ci)) {
            throw new IllegalStateException("-Dvrrp4j.rewrite=true is refused when CI=true: docs/keywords.md is "
                    + "regenerated on a developer's machine and the diff reviewed, never by CI");
        }
        return rewrite;
    }

    /** The matrix: one table per block, keywords in alphabetical order. */
    static String render(List<Keyword> all) {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                # keepalived.conf keywords in vrrp4j

                <!-- Generated from org.vrrp4j.keepalived.Keywords.all() by KeywordMatrixTest in keepalived-conf;
                     do not edit: change the table, then regenerate and review the diff:
                     ./mvnw -B -q -pl keepalived-conf -am verify -Dtest=KeywordMatrixTest
                       -Dsurefire.failIfNoSpecifiedTests=false -Dvrrp4j.rewrite=true -->

                What vrrp4j's reader does with each keepalived 2.2.7 keyword it knows, by block. This is the
                table the reader consults for every line, so it cannot drift from what `vrrp4j check` says.

                - **supported**: read, validated and acted on as keepalived does.
                - **ignored**: read and validated (a bad value is an error) but not acted on; `vrrp4j check`
                  warns at its line with the note below.
                - **unsupported**: a keepalived keyword vrrp4j does not implement: skipped with its block and
                  a warning at its line.

                A keyword not listed in its block is *unknown*: skipped with a warning, as keepalived does.
                `vrrp4j check --strict` exits 2 when a file uses anything ignored, unsupported or unknown, and
                lists each use as `file:line`. keepalived's load balancer (`virtual_server`,
                `virtual_server_group`) is not run by vrrp4j: see
                [migrating from keepalived](migrating-from-keepalived.md).
                """);
        for (Block b : Block.values()) {
            List<Keyword> rows = all.stream().filter(k -> k.block() == b)
                    .sorted(Comparator.comparing(Keyword::name)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            long supported = rows.stream().filter(k -> k.support() == Support.SUPPORTED).count();
            sb.append("\n## ").append(b.keyword()).append("\n\n")
                    .append(supported).append(" of ").append(rows.size()).append(" keywords supported.\n\n")
                    .append("| keyword | support | note |\n|---|---|---|\n");
            for (Keyword k : rows) {
                sb.append("| `").append(k.name()).append("` | ")
                        .append(k.support().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                        .append(k.note().replace("|", "\\|")).append(" |\n");
            }
        }
        return sb.toString();
    }
}
