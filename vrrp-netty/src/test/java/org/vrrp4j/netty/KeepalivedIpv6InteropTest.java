package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * vrrp4j and keepalived 2.2.7 over VRRPv3/IPv6 on a link-local-only link, in both roles each way:
 * {@code vrrp_version 3}, virtual addresses fe80::1:1/64 (link-local first, RFC 9568 §5.2.9) and
 * 2001:db8::100/64; multicast and unicast peers (2001:db8::1 and ::2). keepalived's log must show it
 * accepted our adverts (no invalid/checksum lines).
 */
class KeepalivedIpv6InteropTest extends KeepalivedBesideNode {

    @BeforeEach
    void lab() throws Exception {
        namespaces("vt", "s6");
        lab.linkIpv6(k, v);
    }

    private static String keepalivedConf(int priority, boolean unicast) {
        return keepalivedConf(priority, unicast, "0.1");
    }

    /** VI_6 for keepalived with {@code advert_int} as keepalived writes it (seconds). */
    private static String keepalivedConf(int priority, boolean unicast, String advertInt) {
        String peers = unicast ? """
                    unicast_src_ip 2001:db8::1
                    unicast_peer {
                        2001:db8::2
                    }
                """ : "";
        return """
                global_defs {
                    vrrp_version 3
                }
                vrrp_instance VI_6 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 102
                    priority %d
                    advert_int %s
                %s    virtual_ipaddress {
                        fe80::1:1/64
                        2001:db8::100/64
                    }
                }
                """.formatted(priority, advertInt, peers);
    }

    private VrrpNode vrrp4j(int priority, boolean unicast) throws Exception {
        return vrrp4j(priority, unicast, Duration.ofMillis(100));
    }

    private VrrpNode vrrp4j(int priority, boolean unicast, Duration advert) throws Exception {
        VirtualRouterConfig.Builder b = Ipv6NodeTest.v6("VI_6", 102, priority).advertInterval(advert);
        if (unicast) {
            b.unicastSource(InetAddress.ofLiteral("2001:db8::2")).addUnicastPeer(InetAddress.ofLiteral("2001:db8::1"));
        }
        VirtualRouterConfig cfg = b.build();
        return NetnsLab.inside(v, () -> VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> to.name())).build());
    }

    private void assertKeepalivedAcceptedEverything() throws Exception {
        String log = keepalived.logText().toLowerCase(java.util.Locale.ROOT);
        assertThat(log).doesNotContain("invalid").doesNotContain("checksum").doesNotContain("bogus")
                .doesNotContain("mismatch").doesNotContain("error");
    }

    /** Either virtual address on eth0: while they are being removed one may still be there without the other. */
    private static boolean anyVip(String ns) throws Exception {
        String out = NetnsLab.run("ip", "-n", ns, "-6", "addr", "show", "dev", "eth0");
        return out.contains("fe80::1:1/64") || out.contains("2001:db8::100/64");
    }

    /** Unicast peers need addresses to send to: 2001:db8::1 (keepalived) and ::2 (vrrp4j). */
    private void unicastAddresses() throws Exception {
        NetnsLab.run("ip", "-n", k, "addr", "add", "2001:db8::1/64", "dev", "eth0");
        NetnsLab.run("ip", "-n", v, "addr", "add", "2001:db8::2/64", "dev", "eth0");
    }

    @Test
    void keepalivedMasterVrrp4jBackupThenFailoverBothWays() throws Exception {
        keepalivedMasterVrrp4jBackup(false);
    }

    @Test
    void vrrp4jMasterKeepalivedBackupThenHandOver() throws Exception {
        vrrp4jMasterKeepalivedBackup(false);
    }

    @Test
    void unicastKeepalivedMasterVrrp4jBackup() throws Exception {
        unicastAddresses();
        keepalivedMasterVrrp4jBackup(true);
    }

    @Test
    void unicastVrrp4jMasterKeepalivedBackup() throws Exception {
        unicastAddresses();
        vrrp4jMasterKeepalivedBackup(true);
    }

    private void keepalivedMasterVrrp4jBackup(boolean unicast) throws Exception {
        Duration slow = Duration.ofSeconds(3);
        InetAddress llK = NetnsLab.linkLocal(k);
        keepalived.start(k, keepalivedConf(255, unicast)); // the owner goes master at once
        int at = keepalived.awaitLog("Entering MASTER STATE", 0, slow);
        node = vrrp4j(254, unicast);
        events.await(slow, "BACKUP");
        Thread.sleep(500);
        RouterStatus s = node.status().getFirst();
        assertThat(s.state()).isEqualTo(State.BACKUP);
        assertThat(s.counters().advertisementsReceived()).as("vrrp4j accepts keepalived's IPv6 adverts").isPositive();
        assertThat(s.counters().droppedTotal()).as("and drops none: %s", s.counters().drops()).isZero();
        assertThat(s.master()).as("keepalived sends from its link-local (unicast: its unicast_src_ip)")
                .contains(unicast ? InetAddress.ofLiteral("2001:db8::1") : llK);
        assertThat(Ipv6NodeTest.hasVips(k)).isTrue();
        assertThat(Ipv6NodeTest.hasVips(v)).isFalse();

        keepalived.kill(); // crash: vrrp4j takes over after Master_Down_Interval
        events.await(slow, "MASTER");
        assertThat(Ipv6NodeTest.hasVips(v)).isTrue();

        // keepalived's crash left its addresses behind; a restarted keepalived takes them over again
        keepalived.start(k, keepalivedConf(255, unicast)); // back: it preempts (owner), vrrp4j steps down
        keepalived.awaitLog("Entering MASTER STATE", at, slow);
        events.await(slow, "BACKUP");
        // keepalived's 100 ms adverts can stall past Master_Down_Interval on a loaded machine right after its
        // start, and vrrp4j then rightly takes over for a moment: the end state is what must hold
        long end = System.nanoTime() + slow.toNanos();
        while ((node.status().getFirst().state() != State.BACKUP || anyVip(v)) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(node.status().getFirst().state()).isEqualTo(State.BACKUP);
        assertThat(Ipv6NodeTest.hasVips(v)).as("a backup holds no virtual address").isFalse();
        assertKeepalivedAcceptedEverything();
    }

    private void vrrp4jMasterKeepalivedBackup(boolean unicast) throws Exception {
        // 1 s adverts: with 100 ms a silent take-over could come 261 ms after the stop, too close to Skew_Time
        // (61 ms) to tell the two apart with a margin for a loaded machine
        ProtocolTimes times = new ProtocolTimes(org.vrrp4j.core.packet.VrrpVersion.V3, 100, Duration.ofSeconds(1));
        Duration slow = times.silentTakeOverBound().plusSeconds(2); // a start-up's Master_Down_Interval, and a process start
        node = vrrp4j(200, unicast, times.advert());
        keepalived.start(k, keepalivedConf(100, unicast, "1"));
        events.await(slow, "MASTER");
        int at = keepalived.awaitLog("Entering BACKUP STATE", 0, slow);
        Thread.sleep(times.masterDown().toMillis() + 500); // past keepalived's Master_Down_Interval: it stays backup
        assertThat(keepalived.logText().indexOf("Entering MASTER STATE", at)).as("keepalived accepted our adverts").isNegative();
        assertThat(Ipv6NodeTest.hasVips(v)).isTrue();
        assertThat(Ipv6NodeTest.hasVips(k)).isFalse();
        long t0 = System.nanoTime();
        node.close(); // priority 0: keepalived takes over after its Skew_Time
        node = null;
        keepalived.awaitLog("Entering MASTER STATE", at, slow);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).as("hand-over on priority 0: Skew_Time, before any silent take-over").isLessThan(times.priorityZeroBound());
        assertThat(Ipv6NodeTest.hasVips(v)).isFalse();
        assertKeepalivedAcceptedEverything();
    }
}
