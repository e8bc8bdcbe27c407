package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;
import org.vrrp4j.testkit.lab.NetnsLab;

/** Two vrrp4j nodes in two network namespaces joined by a veth pair, on real raw sockets. */
class TwoNodeTest {
    private static final String VIP = "198.18.1.100";
    private NetnsLab lab;
    private String a;
    private String b;
    private VrrpNode nodeA;
    private VrrpNode nodeB;
    private final StateEvents events = new StateEvents();

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("vt");
        a = lab.add("a");
        b = lab.add("b");
        lab.link(a, "198.18.1.1/24", b, "198.18.1.2/24");
    }

    @AfterEach
    void cleanup() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        lab.close();
    }

    private VrrpNode node(String ns, String name, int priority, VrrpVersion version, Duration interval) throws Exception {
        VirtualRouterConfig.Builder cfg = VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(51)
                .priority(priority).version(version).advertInterval(interval)
                .addVirtualAddress(InetAddress.ofLiteral(VIP));
        if (version == VrrpVersion.V2) {
            cfg.authKey(VrrpAuthKey.ofPassword("CUSTOM_PASSWORD"));
        }
        return NetnsLab.inside(ns, () -> VrrpNode.builder().addRouter(cfg.build())
                .gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> name + " " + to)).build());
    }

    private boolean hasVip(String ns) throws Exception {
        return NetnsLab.run("ip", "-n", ns, "-4", "addr", "show", "dev", "eth0").contains(VIP + "/32");
    }

    /** b's protocol times with 1 s adverts: long enough to tell a hand-over on priority 0 from a silent take-over. */
    private static final ProtocolTimes B_TIMES = new ProtocolTimes(VrrpVersion.V3, 100, Duration.ofSeconds(1));

    @Test
    void electionFailoverHandoverAndPreemptionWithTheVipOnTheMasterOnly() throws Exception {
        Duration interval = B_TIMES.advert();
        nodeA = node(a, "a", 200, VrrpVersion.V3, interval);
        nodeB = node(b, "b", 100, VrrpVersion.V3, interval);
        events.await(B_TIMES.silentTakeOverBound(), "a MASTER"); // a waits its own Master_Down_Interval first
        Thread.sleep(interval.toMillis() + 200); // an advert heard as master
        assertThat(nodeB.status().getFirst().state()).isEqualTo(State.BACKUP);
        assertThat(hasVip(a)).isTrue();
        assertThat(hasVip(b)).isFalse();
        assertThat(nodeB.status().getFirst().counters().advertisementsReceived()).isPositive();
        assertThat(nodeB.status().getFirst().counters().droppedTotal()).isZero();

        // the master crashes (no priority 0): b takes over after Master_Down_Interval
        long t0 = System.nanoTime();
        nodeA.crash();
        events.await(B_TIMES.silentTakeOverBound(), "b MASTER");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no sooner than Master_Down_Interval after a's last advert")
                .isGreaterThanOrEqualTo(B_TIMES.earliestSilentTakeOver());
        assertThat(hasVip(b)).isTrue();

        // a returns with the higher priority and preempts
        NetnsLab.run("ip", "-n", a, "addr", "del", VIP + "/32", "dev", "eth0"); // what the crash left behind
        nodeA = node(a, "a", 200, VrrpVersion.V3, interval);
        events.await(B_TIMES.silentTakeOverBound(), "a MASTER", "b BACKUP"); // two loops: either event may come first
        assertThat(hasVip(a)).isTrue();
        assertThat(hasVip(b)).isFalse();

        // a planned stop hands over within Skew_Time (b: 156/256 of 1 s) plus the margin, below any silent take-over
        long t1 = System.nanoTime();
        nodeA.close();
        nodeA = null;
        events.await(B_TIMES.silentTakeOverBound(), "b MASTER");
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("priority 0: Skew_Time, not Master_Down_Interval")
                .isLessThan(B_TIMES.priorityZeroBound());
        assertThat(nodeB.status().getFirst().counters().priorityZeroReceived()).as("b heard a's priority 0").isPositive();
        assertThat(hasVip(a)).as("close() removes what the node added").isFalse();
    }

    @Test
    void vrrpv2WithKeepalivedsPassAuthentication() throws Exception {
        nodeA = node(a, "a", 255, VrrpVersion.V2, Duration.ofSeconds(1));
        nodeB = node(b, "b", 254, VrrpVersion.V2, Duration.ofSeconds(1));
        events.await(Duration.ofSeconds(5), "a MASTER");
        Thread.sleep(2500);
        List<RouterStatus> s = nodeB.status();
        assertThat(s.getFirst().state()).isEqualTo(State.BACKUP);
        assertThat(s.getFirst().counters().advertisementsReceived()).isGreaterThanOrEqualTo(2);
        assertThat(s.getFirst().counters().droppedTotal()).isZero();
    }

    @Test
    void routersAreAddedAndRemovedOnARunningNode() throws Exception {
        Duration interval = B_TIMES.advert();
        nodeA = node(a, "a", 200, VrrpVersion.V3, interval);
        nodeB = node(b, "b", 100, VrrpVersion.V3, interval);
        events.await(B_TIMES.silentTakeOverBound(), "a MASTER");

        // a reload removes VI_1 from a: it hands over as close() would, and its address goes
        long t0 = System.nanoTime();
        assertThat(nodeA.removeRouter("VI_1")).isTrue();
        events.await(B_TIMES.silentTakeOverBound(), "b MASTER");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("priority 0, not Master_Down_Interval")
                .isLessThan(B_TIMES.priorityZeroBound());
        assertThat(hasVip(a)).isFalse();
        assertThat(nodeA.status()).isEmpty();
        assertThat(nodeA.removeRouter("VI_1")).isFalse();

        // ... and adds it back: the interface's socket reopens and a preempts
        nodeA.addRouter(VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(51).priority(200)
                .version(VrrpVersion.V3).advertInterval(interval).addVirtualAddress(InetAddress.ofLiteral(VIP)).build());
        events.await(B_TIMES.silentTakeOverBound(), "a MASTER");
        long end = System.nanoTime() + B_TIMES.silentTakeOverBound().toNanos(); // b's event may come before a's
        while (nodeB.status().getFirst().state() != State.BACKUP && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(nodeB.status().getFirst().state()).isEqualTo(State.BACKUP);
        assertThat(hasVip(a)).isTrue();
        assertThat(hasVip(b)).isFalse();
        assertThatThrownBy(() -> nodeA.addRouter(VirtualRouterConfig.builder().name("VI_2").interfaceName("eth0")
                .vrid(51).addVirtualAddress(InetAddress.ofLiteral("198.18.1.101")).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VRID 51 is already used on eth0");
    }
}
