package org.vrrp4j.daemon;

import org.vrrp4j.testkit.lab.FailoverPairLab;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.testkit.Tutorial;

/**
 * The seed's scenario end to end: s1 and s2 run {@code vrrp4j run} with the seed's own keepalived.conf
 * (the virtual address moved into the test range, the notify scripts replaced by the netcup provider
 * pointed at the stand-in in its own namespace on the lab switch).
 */
class SeedScenarioTest {
    private static final Duration STEP = Duration.ofSeconds(20);
    private FailoverPairLab lab;

    @BeforeEach
    void lab() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        lab = FailoverPairLab.create("v4je2e", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
    }

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    /** The seed's configuration for s{@code n}, with a netcup provider block instead of its notify lines. */
    static String seedWithProvider(int n, String providerBlock) throws Exception {
        String conf = Tutorial.keepalivedConf(n, FailoverPairLab.VIP);
        assertThat(conf).contains(FailoverPairLab.VIP, "notify_master /PATH/TO/YOUR/SCRIPT/to_master.sh");
        return conf.replaceAll("(?m)^\\s*notify_(master|backup|fault) .*$\\n", "")
                .replaceFirst("(?s)\\}\\s*$", java.util.regex.Matcher.quoteReplacement(providerBlock + "}\n"));
    }

    private String rest(int n) throws Exception {
        return lab.fill(seedWithProvider(n, """
                    failover_provider netcup {
                        api rest
                        failover_ip 198.18.200.7
                        server %d
                        api_url ${SCP}/scp-core
                        auth_url ${SCP}/realms/scp
                        token_file ${DIR}/s%d-token
                        task_poll 100ms
                    }
                """.formatted(FailoverPairLab.restServer(n), n)));
    }

    private String soap(int n) throws Exception {
        return soap(lab, n);
    }

    /** s{@code n}'s seed configuration with the netcup SOAP provider pointed at the lab's stand-in. */
    static String soap(FailoverPairLab lab, int n) throws Exception {
        return lab.fill(seedWithProvider(n, """
                    failover_provider netcup {
                        api soap
                        failover_ip 198.18.200.7
                        server %s
                        login 123456
                        password_file ${DIR}/soap-password
                        soap_url ${SOAP}
                        verify_poll 100ms
                    }
                """.formatted(FailoverPairLab.soapServer(n))));
    }

    @Test
    void restKillReturnAndGracefulStop() throws Exception {
        FailoverPairLab.Node s1 = lab.startVrrp4j(1, rest(1), null);
        FailoverPairLab.Node s2 = lab.startVrrp4j(2, rest(2), null);
        s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
        s2.awaitLine("VI_1: \\w+ -> BACKUP", 0, STEP);
        FailoverPairLab.await("routed to s1", STEP, () -> lab.rest().routedServerV4() == FailoverPairLab.restServer(1));
        assertThat(lab.holdsVip(1)).isTrue();
        assertThat(lab.holdsVip(2)).isFalse();

        // kill -9 s1: s2 takes over after Master_Down_Interval and the stand-in routes the IP to s2
        int mark = s2.mark();
        long killed = System.nanoTime();
        s1.kill();
        long master = s2.awaitLine("VI_1: BACKUP -> MASTER", mark, STEP).atNanos();
        // Master_Down_Interval (3 x advert_int 2 s + skew 16 ms) runs from s1's last advert, which left up to
        // one advert_int before the kill
        assertThat(Duration.ofNanos(master - killed)).as("Master_Down_Interval after s1's last advert").isBetween(
                Duration.ofMillis(3_900), Duration.ofMillis(6_600));
        FailoverPairLab.await("routed to s2", STEP, () -> lab.rest().routedServerV4() == FailoverPairLab.restServer(2));
        assertThat(lab.holdsVip(2)).isTrue();

        // s1 returns (a reboot: the address kill -9 left is gone) and preempts with priority 255
        new ProcessBuilder("ip", "-n", lab.host(1), "addr", "del", FailoverPairLab.VIP + "/32", "dev", "eth1").start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS); // bounded: no wait without an end
        mark = s2.mark();
        s1 = lab.startVrrp4j(1, rest(1), null);
        s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
        s2.awaitLine("VI_1: MASTER -> BACKUP", mark, STEP);
        FailoverPairLab.await("routed back to s1", STEP, () -> lab.rest().routedServerV4() == FailoverPairLab.restServer(1));
        assertThat(lab.holdsVip(1)).isTrue();
        assertThat(lab.holdsVip(2)).isFalse();

        // SIGTERM s1: priority 0, so s2 takes over within Skew_Time ((256-254)/256 x 2 s = 16 ms), not 6 s
        mark = s2.mark();
        long term = System.nanoTime();
        int exit = s1.terminate(Duration.ofSeconds(25));
        long handover = s2.awaitLine("VI_1: BACKUP -> MASTER", mark, STEP).atNanos();
        assertThat(exit).as("graceful stop exits 0").isZero();
        assertThat(Duration.ofNanos(handover - term)).as("hand-over on priority 0").isLessThan(Duration.ofMillis(1_500));
        FailoverPairLab.await("routed to s2 again", STEP, () -> lab.rest().routedServerV4() == FailoverPairLab.restServer(2));
        assertThat(lab.holdsVip(1)).as("a graceful stop removes the address").isFalse();
        assertThat(s1.lines()).anySatisfy(l -> assertThat(l.text()).contains("SIGTERM: stopping"));
        assertThat(String.join("\n", s1.lines().stream().map(FailoverPairLab.Node.Line::text).toList()))
                .as("secrets never reach the log").doesNotContain("SECRET", "CUSTOM_P"); // CUSTOM_P: the auth key on the wire
    }

    @Test
    void soapKillMovesTheFailoverIpToS2() throws Exception {
        FailoverPairLab.Node s1 = lab.startVrrp4j(1, soap(1), null);
        FailoverPairLab.Node s2 = lab.startVrrp4j(2, soap(2), null);
        s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
        FailoverPairLab.await("routed to s1", STEP, () -> FailoverPairLab.soapServer(1).equals(lab.soap().routedServer()));
        int mark = s2.mark();
        s1.kill();
        s2.awaitLine("VI_1: BACKUP -> MASTER", mark, STEP);
        FailoverPairLab.await("routed to s2", STEP, () -> FailoverPairLab.soapServer(2).equals(lab.soap().routedServer()));
        assertThat(lab.holdsVip(2)).isTrue();
        assertThat(String.join("\n", s2.lines().stream().map(FailoverPairLab.Node.Line::text).toList()))
                .doesNotContain("webservice-PASSWORD-SECRET");
    }
}
