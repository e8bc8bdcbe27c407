package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.keepalived.ConfigWarning.Kind;

/**
 * Each warning says whether vrrp4j does less than keepalived with the line (what {@code check --strict}
 * refuses) or the same, and which keyword it is about (what {@code check} looks for to name the load
 * balancer).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigWarningKindTest {
    @TempDir
    Path dir;

    private List<ConfigWarning> warnings(String text) throws Exception {
        Path f = dir.resolve("k.conf");
        Files.writeString(f, text);
        return KeepalivedConfigReader.read(f, n -> "h").warnings();
    }

    @Test
    void unknownUnsupportedIgnoredAndAdjustedAreTold() throws Exception {
        List<ConfigWarning> w = warnings("""
                global_defs {
                    frobnicate 1
                    smtp_server 198.18.0.25
                    script_user nobody
                }
                virtual_server 198.18.0.10 80 {
                    real_server 198.18.0.11 80 {
                        TCP_CHECK {
                            connect_timeout 3
                        }
                    }
                }
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 7
                    advert_int 1.5
                    virtual_ipaddress {
                        198.18.0.100/32 dev eth1 home
                    }
                }
                """);
        assertThat(w).extracting(ConfigWarning::line, ConfigWarning::kind, ConfigWarning::keyword).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, Kind.UNKNOWN_KEYWORD, "frobnicate"),
                org.assertj.core.groups.Tuple.tuple(3, Kind.UNSUPPORTED, "smtp_server"),
                org.assertj.core.groups.Tuple.tuple(6, Kind.UNSUPPORTED, "virtual_server"),
                org.assertj.core.groups.Tuple.tuple(18, Kind.UNSUPPORTED, "198.18.0.100/32"),
                org.assertj.core.groups.Tuple.tuple(16, Kind.ADJUSTED, ""));
        assertThat(w).filteredOn(x -> x.kind().differsFromKeepalived()).hasSize(4);
        assertThat(w.get(2).message()).isEqualTo("'virtual_server' is not supported by vrrp4j; ignored");
    }

    @Test
    void theOldThreeArgumentFormIsAnAdjustmentWithoutKeyword() {
        ConfigWarning w = new ConfigWarning(Path.of("f"), 3, "m");
        assertThat(w.kind()).isEqualTo(Kind.ADJUSTED);
        assertThat(w.keyword()).isEmpty();
        assertThat(w).hasToString("f:3: m");
    }
}
