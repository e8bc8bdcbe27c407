package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrp4j.daemon.LauncherTest.vrrp4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.daemon.LauncherTest.Result;
import org.vrrp4j.testkit.Tutorial;

/**
 * {@code vrrp4j check --strict} refuses (exit 2) what vrrp4j does not run as keepalived would, each at its
 * file:line; plain {@code check} says loudly, in a block of its own, when the file holds keepalived's load
 * balancer, which stopping keepalived would take down.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckStrictTest {
    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth1
                virtual_router_id 51
                priority 100
                virtual_ipaddress {
                    198.18.1.100
                }
            }
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void strictPassesAFileThatUsesOnlySupportedKeywords() throws Exception {
        Path conf = write("clean.conf", "global_defs {\n    router_id r1\n}\n" + INSTANCE);
        Result r = vrrp4j("check", "--strict", "-q", "-f", conf.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("strict:").doesNotContain("LOAD BALANCER");
    }

    @Test
    void strictExitsTwoListingEveryIgnoredUnsupportedAndUnknownKeywordWithFileAndLine() throws Exception {
        Path conf = write("mixed.conf", """
                global_defs {
                    vrrp_garp_interval 0.001
                    smtp_server 198.18.0.25
                    frobnicate yes
                }
                """ + INSTANCE.replace("    priority 100\n", "    priority 100\n    garp_lower_prio_delay 2\n    use_vmac 00:00:5e:00:01:33\n"));
        Result plain = vrrp4j("check", "-q", "-f", conf.toString());
        assertThat(plain.exit()).as("without --strict the same file is valid: " + plain.err()).isZero();
        assertThat(plain.err()).doesNotContain("strict:");

        Result r = vrrp4j("check", "--strict", "-q", "-f", conf.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(CheckCommand.EXIT_NOT_STRICT);
        assertThat(r.err()).contains("strict: 5 line(s)")
                .contains("strict: " + conf + ":2: ignored: 'vrrp_garp_interval' in global_defs")
                .contains("strict: " + conf + ":3: unsupported: 'smtp_server' in global_defs")
                .contains("strict: " + conf + ":4: unknown: unknown keyword 'frobnicate' in global_defs")
                .contains("strict: " + conf + ":10: ignored: 'garp_lower_prio_delay' in vrrp_instance")
                .contains("strict: " + conf + ":11: unsupported: use_vmac with a MAC address");
    }

    @Test
    void strictDoesNotCountWhatVrrp4jAdjustsExactlyAsKeepalivedDoes() throws Exception {
        // a VRRPv2 advert_int of 1.5 s is rounded by keepalived too: a warning, but no difference
        Path conf = write("adjusted.conf", INSTANCE.replace("    priority 100\n", "    priority 100\n    advert_int 1.5\n"));
        Result r = vrrp4j("check", "--strict", "-q", "-f", conf.toString());
        assertThat(r.err()).contains("warning: " + conf + ":5: ").contains("rounded");
        assertThat(r.exit()).as(r.err()).isZero();
    }

    @Test
    void anInvalidFileExitsOneEvenWithStrict() throws Exception {
        Path conf = write("broken.conf", INSTANCE.replace("virtual_router_id 51", "virtual_router_id 300")
                + "global_defs {\n    smtp_server 198.18.0.25\n}\n");
        Result r = vrrp4j("check", "--strict", "-f", conf.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(conf + ":3:");
    }

    @Test
    void theSeedTutorialsFileIsStrictlyClean() throws Exception {
        Path conf = write("keepalived.conf", Tutorial.keepalivedConf(1));
        Result r = vrrp4j("check", "--strict", "-q", "-f", conf.toString());
        assertThat(r.exit()).as(r.err()).isZero();
    }

    @Test
    void plainCheckSaysLoudlyThatTheLoadBalancerWillNotRunAndStillExitsZero() throws Exception {
        Path conf = write("lvs.conf", INSTANCE + """
                virtual_server_group WEB {
                    198.18.1.100 80
                }
                virtual_server 198.18.1.100 80 {
                    delay_loop 6
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 198.18.2.1 80 {
                        weight 1
                        TCP_CHECK {
                            connect_timeout 3
                        }
                    }
                }
                """);
        Result r = vrrp4j("check", "-f", conf.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("VI_1");
        String err = r.err();
        assertThat(err).contains("LOAD BALANCER NOT RUN").contains("Conflicts=keepalived.service")
                .contains("!!   " + conf + ":9: virtual_server_group")
                .contains("!!   " + conf + ":12: virtual_server");
        // its own block, after the ordinary warnings, not one warning line among many
        int notice = err.indexOf("LOAD BALANCER NOT RUN");
        assertThat(err.lastIndexOf("warning: ")).isLessThan(notice);
        assertThat(err.substring(0, notice)).endsWith("!".repeat(78) + System.lineSeparator() + "!! ");

        Result strict = vrrp4j("check", "--strict", "-q", "-f", conf.toString());
        assertThat(strict.exit()).isEqualTo(CheckCommand.EXIT_NOT_STRICT);
        assertThat(strict.err()).contains("LOAD BALANCER NOT RUN")
                .contains("strict: " + conf + ":12: unsupported: 'virtual_server' is not supported");
    }

    @Test
    void aFileWithoutLoadBalancerGetsNoNotice() throws Exception {
        Path conf = write("vrrp-only.conf", INSTANCE + "static_routes {\n    198.18.5.0/24 dev eth1\n}\n");
        Result r = vrrp4j("check", "-q", "-f", conf.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("'static_routes' is not supported").doesNotContain("LOAD BALANCER");
    }
}
