package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.AddressScope;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * keepalived 2.2.7 beside vrrp4j with IPv6 virtual addresses that are all global, as deployed files have
 * them (no link-local first, RFC 9568 §5.2.9). keepalived warns "the first IPv6 VIP address should be
 * link local" and sends the list as written; a vrrp4j that dropped those adverts became a second master.
 * Here each side stays backup under the other's master, both ways.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepalivedGlobalOnlyIpv6InteropTest extends KeepalivedBesideNode {
    private static final InetAddress VIP1 = InetAddress.ofLiteral("2001:db8::100");
    private static final InetAddress VIP2 = InetAddress.ofLiteral("2001:db8::101");

    @BeforeEach
    void lab() throws Exception {
        namespaces("vg", "g6");
        lab.linkIpv6(k, v);
    }

    private static String keepalivedConf(int priority) {
        return """
                global_defs {
                    vrrp_version 3
                }
                vrrp_instance VI_G {
                    state BACKUP
                    interface eth0
                    virtual_router_id 103
                    priority %d
                    advert_int 0.1
                    virtual_ipaddress {
                        2001:db8::100/64
                        2001:db8::101/64
                    }
                }
                """.formatted(priority);
    }

    /** The same instance for vrrp4j: the addresses as the file lists them, no strict switch. */
    private VrrpNode vrrp4j(int priority) throws Exception {
        VirtualRouterConfig cfg = VirtualRouterConfig.builder().name("VI_G").interfaceName("eth0").vrid(103)
                .priority(priority).advertInterval(Duration.ofMillis(100))
                .addVirtualAddress(new VirtualAddress(VIP1, 64, Optional.empty(), Optional.empty(), AddressScope.GLOBAL))
                .addVirtualAddress(new VirtualAddress(VIP2, 64, Optional.empty(), Optional.empty(), AddressScope.GLOBAL))
                .build();
        assertThat(cfg.globalAddressFirst()).isTrue();
        return NetnsLab.inside(v, () -> VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> to.name())).build());
    }

    private static boolean hasVips(String ns) throws Exception {
        String out = NetnsLab.run("ip", "-n", ns, "-6", "addr", "show", "dev", "eth0");
        boolean one = out.contains("2001:db8::100/64");
        boolean two = out.contains("2001:db8::101/64");
        if (one != two) {
            throw new AssertionError("one virtual address without the other in " + ns + ":\n" + out);
        }
        return one;
    }

    private void assertKeepalivedWarnedAndAcceptedOurAdverts() throws Exception {
        String log = keepalived.logText();
        assertThat(log).as("the premise: keepalived runs the file with its warning")
                .contains("should be link local");
        String lower = log.toLowerCase(java.util.Locale.ROOT);
        assertThat(lower).doesNotContain("invalid").doesNotContain("checksum").doesNotContain("bogus")
                .doesNotContain("mismatch").doesNotContain("not present");
    }

    @Test
    void keepalivedMasterVrrp4jBackupStaysBackup() throws Exception {
        Duration slow = Duration.ofSeconds(5);
        keepalived.start(k, keepalivedConf(200));
        int at = keepalived.awaitLog("Entering MASTER STATE", 0, slow);
        node = vrrp4j(100);
        events.await(slow, "BACKUP");
        Thread.sleep(1000); // about three Master_Down_Intervals of 0.1 s adverts
        RouterStatus s = node.status().getFirst();
        assertThat(s.state()).as("no second master").isEqualTo(State.BACKUP);
        assertThat(s.counters().masterTransitions()).isZero();
        assertThat(s.counters().ipv6GlobalFirstLists()).as("keepalived's global-first lists, counted")
                .isGreaterThanOrEqualTo(5);
        assertThat(s.counters().advertisementsReceived()).isEqualTo(s.counters().ipv6GlobalFirstLists());
        assertThat(s.counters().droppedTotal()).as("none dropped: %s", s.counters().drops()).isZero();
        assertThat(s.master()).contains(NetnsLab.linkLocal(k));
        assertThat(hasVips(k)).isTrue();
        assertThat(hasVips(v)).isFalse();
        assertThat(keepalived.logText().indexOf("Entering BACKUP STATE", at)).as("keepalived stayed master").isNegative();
        assertKeepalivedWarnedAndAcceptedOurAdverts();

        keepalived.kill(); // and the backup still takes over when the master goes
        events.await(slow, "MASTER");
        assertThat(hasVips(v)).isTrue();
    }

    @Test
    void vrrp4jMasterKeepalivedBackupStaysBackup() throws Exception {
        Duration slow = Duration.ofSeconds(5);
        node = vrrp4j(200);
        events.await(slow, "MASTER");
        keepalived.start(k, keepalivedConf(100));
        int at = keepalived.awaitLog("Entering BACKUP STATE", 0, slow);
        Thread.sleep(1000);
        assertThat(keepalived.logText().indexOf("Entering MASTER STATE", at))
                .as("keepalived accepted our global-first adverts").isNegative();
        assertThat(node.status().getFirst().state()).isEqualTo(State.MASTER);
        assertThat(hasVips(v)).isTrue();
        assertThat(hasVips(k)).isFalse();
        assertKeepalivedWarnedAndAcceptedOurAdverts();

        node.close(); // priority 0: keepalived takes over at once
        node = null;
        keepalived.awaitLog("Entering MASTER STATE", at, slow);
        assertThat(hasVips(k)).isTrue();
    }
}
