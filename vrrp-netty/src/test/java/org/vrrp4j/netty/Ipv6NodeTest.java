package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.config.AddressScope;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Two vrrp4j nodes over IPv6 (VRRPv3, ff02::12, link-local sources) in two namespaces joined by a veth
 * pair that carries link-local addresses only: election, crash and hand-over, preemption, and the
 * virtual addresses (a link-local first, then one from 2001:db8::/32) on the master only.
 */
class Ipv6NodeTest {
    static final InetAddress VIP_LL = InetAddress.ofLiteral("fe80::1:1");
    static final InetAddress VIP_DOC = InetAddress.ofLiteral("2001:db8::100");
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
        lab.linkIpv6(a, b);
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

    /** keepalived's {@code fe80::1:1/64} and {@code 2001:db8::100/64}. */
    static VirtualRouterConfig.Builder v6(String name, int vrid, int priority) {
        return VirtualRouterConfig.builder().name(name).interfaceName("eth0").vrid(vrid).priority(priority)
                .advertInterval(Duration.ofMillis(100))
                .addVirtualAddress(new VirtualAddress(VIP_LL, 64, Optional.empty(), Optional.empty(), AddressScope.LINK))
                .addVirtualAddress(new VirtualAddress(VIP_DOC, 64, Optional.empty(), Optional.empty(), AddressScope.GLOBAL));
    }

    private VrrpNode node(String ns, String name, int priority) throws Exception {
        return node(ns, name, priority, Duration.ofMillis(100));
    }

    /** b's protocol times with 1 s adverts: long enough to tell a hand-over on priority 0 from a silent take-over. */
    private static final ProtocolTimes B_TIMES = new ProtocolTimes(org.vrrp4j.core.packet.VrrpVersion.V3, 100, Duration.ofSeconds(1));

    private VrrpNode node(String ns, String name, int priority, Duration interval) throws Exception {
        VirtualRouterConfig cfg = v6("VI_6", 61, priority).advertInterval(interval).build();
        return NetnsLab.inside(ns, () -> VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> name + " " + to)).build());
    }

    /** Both virtual addresses on eth0 (`ip -6 addr`), and nothing of them otherwise. */
    static boolean hasVips(String ns) throws Exception {
        String out = NetnsLab.run("ip", "-n", ns, "-6", "addr", "show", "dev", "eth0");
        boolean ll = out.contains("fe80::1:1/64");
        boolean doc = out.contains("2001:db8::100/64");
        if (ll != doc) {
            throw new AssertionError("one virtual address without the other in " + ns + ":\n" + out);
        }
        return ll;
    }

    @Test
    void electionFailoverHandoverAndPreemptionWithTheVipsOnTheMasterOnly() throws Exception {
        InetAddress llA = NetnsLab.linkLocal(a);
        nodeA = node(a, "a", 200, B_TIMES.advert());
        nodeB = node(b, "b", 100, B_TIMES.advert());
        events.await(B_TIMES.silentTakeOverBound(), "a MASTER"); // a waits its own Master_Down_Interval first
        Thread.sleep(B_TIMES.advert().toMillis() + 200); // an advert heard as master
        RouterStatus sb = nodeB.status().getFirst();
        assertThat(sb.state()).isEqualTo(State.BACKUP);
        assertThat(sb.master()).as("adverts leave from the interface's own link-local").contains(llA);
        assertThat(sb.counters().advertisementsReceived()).isPositive();
        assertThat(sb.counters().droppedTotal()).as("drops: %s", sb.counters().drops()).isZero();
        assertThat(nodeA.status().getFirst().sendErrors()).isZero();
        assertThat(hasVips(a)).isTrue();
        assertThat(hasVips(b)).isFalse();
        assertThat(NetnsLab.run("ip", "-n", a, "-6", "addr", "show", "dev", "eth0", "to", "2001:db8::100/128"))
                .as("added without DAD, as keepalived does").contains("nodad");

        // the master crashes (no priority 0): b takes over after Master_Down_Interval
        long t0 = System.nanoTime();
        nodeA.crash();
        events.await(B_TIMES.silentTakeOverBound(), "b MASTER");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no sooner than Master_Down_Interval after a's last advert")
                .isGreaterThanOrEqualTo(B_TIMES.earliestSilentTakeOver());
        assertThat(hasVips(b)).isTrue();

        // a returns with the higher priority and preempts; what its crash left behind goes first
        NetnsLab.run("ip", "-n", a, "-6", "addr", "del", "fe80::1:1/64", "dev", "eth0");
        NetnsLab.run("ip", "-n", a, "-6", "addr", "del", "2001:db8::100/64", "dev", "eth0");
        nodeA = node(a, "a", 200, B_TIMES.advert());
        events.await(B_TIMES.silentTakeOverBound(), "a MASTER", "b BACKUP");
        assertThat(hasVips(a)).isTrue();
        assertThat(hasVips(b)).isFalse();
        assertThat(nodeB.status().getFirst().master()).as("a's own link-local, not its virtual fe80::1:1").contains(llA);

        // a planned stop hands over within Skew_Time plus the margin, below any silent take-over
        long t1 = System.nanoTime();
        nodeA.close();
        nodeA = null;
        events.await(B_TIMES.silentTakeOverBound(), "b MASTER");
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("priority 0: Skew_Time, not Master_Down_Interval")
                .isLessThan(B_TIMES.priorityZeroBound());
        assertThat(nodeB.status().getFirst().counters().priorityZeroReceived()).as("b heard a's priority 0").isPositive();
        assertThat(hasVips(a)).as("close() removes what the node added").isFalse();
        assertThat(hasVips(b)).isTrue();
        nodeB.close();
        nodeB = null;
        assertThat(hasVips(b)).isFalse();
    }

    @Test
    void theAdvertSourceFollowsTheInterfacesLinkLocal() throws Exception {
        InetAddress llA = NetnsLab.linkLocal(a);
        nodeA = node(a, "a", 200);
        nodeB = node(b, "b", 100);
        events.await(Duration.ofSeconds(5), "a MASTER", "b BACKUP");
        awaitMaster(llA);
        // a new link-local replaces the old one (rtnetlink address notifications): adverts leave from it
        NetnsLab.run("ip", "-n", a, "-6", "addr", "add", "fe80::a:1/64", "dev", "eth0");
        NetnsLab.run("ip", "-n", a, "-6", "addr", "del", llA.getHostAddress() + "/64", "dev", "eth0");
        awaitMaster(InetAddress.ofLiteral("fe80::a:1"));
        assertThat(nodeB.status().getFirst().state()).isEqualTo(State.BACKUP);
        assertThat(nodeA.status().getFirst().sendErrors()).isZero();
    }

    private void awaitMaster(InetAddress expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!nodeB.status().getFirst().master().equals(Optional.of(expected)) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(nodeB.status().getFirst().master()).contains(expected);
    }

    @Test
    void nodesStartedWhileTheLinkLocalIsStillTentativeElectOnceDadEnds() throws Exception {
        NetnsLab other = NetnsLab.create("vt"); // a fresh pair with DAD on: the lab's has it off
        try {
            String c = other.add("c");
            String d = other.add("d");
            other.linkIpv6(c, d, true);
            String tentative = NetnsLab.run("ip", "-n", c, "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link");
            assertThat(tentative).as("DAD still running").contains("tentative");
            String cidr = tentative.strip().split("\\s+")[3];
            InetAddress llC = InetAddress.ofLiteral(cidr.substring(0, cidr.indexOf('/')));
            VrrpNode nodeC = node(c, "c", 200);
            VrrpNode nodeD = node(d, "d", 100);
            try {
                // both go MASTER while nothing can be sent (send errors); once DAD ends the adverts flow and
                // d steps down to c
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!(nodeC.status().getFirst().state() == State.MASTER && nodeD.status().getFirst().state() == State.BACKUP
                        && nodeD.status().getFirst().master().isPresent()) && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(nodeC.status().getFirst().state()).isEqualTo(State.MASTER);
                assertThat(nodeD.status().getFirst().state()).isEqualTo(State.BACKUP);
                assertThat(nodeD.status().getFirst().master()).contains(llC);
                assertThat(nodeC.status().getFirst().sendErrors()).as("the kernel refuses a tentative source").isPositive();
                assertThat(hasVips(c)).isTrue();
                assertThat(hasVips(d)).isFalse();
            } finally {
                nodeC.close();
                nodeD.close();
            }
        } finally {
            other.close();
        }
    }
}
