package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * A sync group on real links: node a's VI_1 (eth0) and VI_2 (eth1) in one group, b the backup of both,
 * each link a switch of its own.
 * Overlapping member faults (a's eth0 down, then eth1; eth0 back while eth1 is still down) keep the whole
 * group in FAULT until the last clears, as keepalived does. Needs root (namespaces).
 */
@Timeout(60)
class SyncGroupNodeTest {
    private static final Duration FIVE_S = Duration.ofSeconds(5);
    private NetnsLab lab;
    private String a;
    private String b;
    private VrrpNode nodeA;
    private VrrpNode nodeB;
    private final StateEvents events = new StateEvents();
    private final List<String> aEvents = new CopyOnWriteArrayList<>();

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("vt");
        // two switches, not veth pairs: a's link going down must not take b's carrier with it
        String sw0 = lab.addSwitch("s0");
        String sw1 = lab.addSwitch("s1");
        a = lab.add("a");
        b = lab.add("b");
        lab.attach(sw0, a, "198.18.1.1/24");
        lab.attach(sw0, b, "198.18.1.2/24");
        attachEth1(sw1, a, "198.18.2.1/24");
        attachEth1(sw1, b, "198.18.2.2/24");
    }

    /** {@link NetnsLab#attach} for a host's second interface, eth1. */
    private static void attachEth1(String sw, String ns, String cidr) throws Exception {
        String port = "q" + Integer.toHexString(ns.hashCode() & 0xfffffff);
        NetnsLab.run("ip", "-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth1", "netns", ns);
        NetnsLab.run("ip", "-n", sw, "link", "set", port, "master", "br0");
        NetnsLab.run("ip", "-n", sw, "link", "set", port, "up");
        NetnsLab.run("ip", "-n", ns, "addr", "add", cidr, "dev", "eth1");
        NetnsLab.run("ip", "-n", ns, "link", "set", "eth1", "up");
        awaitLink(ns, "eth1", "state UP");
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

    private static VirtualRouterConfig router(String name, String ifname, int vrid, int priority, String vip) {
        return VirtualRouterConfig.builder().name(name).interfaceName(ifname).vrid(vrid).priority(priority)
                .advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral(vip)).build();
    }

    private VrrpNode node(String ns, String name, int priority) throws Exception {
        return NetnsLab.inside(ns, () -> VrrpNode.builder()
                .addRouter(router("VI_1", "eth0", 1, priority, "198.18.1.100"))
                .addRouter(router("VI_2", "eth1", 2, priority, "198.18.2.100"))
                .syncGroup("G", List.of("VI_1", "VI_2"))
                .gratuitousArp(1, Duration.ZERO).warmUp(false)
                .listener(events.listener((router, to, reason) -> name + " " + router + " " + to + " " + reason))
                .listener(new NodeListener() {
                    @Override
                    public void stateChanged(String router, State from, State to, TransitionReason reason) {
                        if (name.equals("a")) {
                            aEvents.add(router + " " + to);
                        }
                    }
                }).build());
    }

    private static void awaitLink(String ns, String ifname, String state) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!NetnsLab.run("ip", "-n", ns, "link", "show", ifname).contains(state)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(ifname + " in " + ns + " is not '" + state + "' within 5 s");
            }
            Thread.sleep(20);
        }
    }

    private List<State> statesOfA() {
        return nodeA.status().stream().map(RouterStatus::state).toList();
    }

    @Test
    void overlappingMemberFaultsKeepTheWholeGroupInFaultUntilTheLastClears() throws Exception {
        nodeA = node(a, "a", 200);
        nodeB = node(b, "b", 100);
        events.await(FIVE_S, "a VI_1 MASTER", "a VI_2 MASTER", "b VI_1 BACKUP", "b VI_2 BACKUP");

        NetnsLab.run("ip", "-n", a, "link", "set", "eth0", "down");
        events.await(FIVE_S, "a VI_1 FAULT LINK_DOWN", "a VI_2 FAULT SYNC_GROUP", "b VI_1 MASTER", "b VI_2 MASTER");
        NetnsLab.run("ip", "-n", a, "link", "set", "eth1", "down"); // VI_2's own fault too
        awaitLink(a, "eth1", "state DOWN");
        // the link event comes a moment after the kernel's state; the node shows nothing for it (already FAULT)
        Thread.sleep(300);

        aEvents.clear();
        NetnsLab.run("ip", "-n", a, "link", "set", "eth0", "up"); // VI_1's own fault clears; VI_2's does not
        awaitLink(a, "eth0", "state UP");
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500); // > Master_Down_Interval (~0.35 s)
        while (System.nanoTime() < end) {
            assertThat(statesOfA()).as("the group stays in FAULT while VI_2's link is down").containsOnly(State.FAULT);
            Thread.sleep(100);
        }
        assertThat(aEvents).as("no member of a left FAULT").isEmpty();

        NetnsLab.run("ip", "-n", a, "link", "set", "eth1", "up");
        events.await(FIVE_S, "a VI_1 BACKUP", "a VI_2 BACKUP");
        events.await(FIVE_S, "a VI_1 MASTER", "a VI_2 MASTER", "b VI_1 BACKUP", "b VI_2 BACKUP"); // a preempts
        assertThat(NetnsLab.run("ip", "-n", a, "-4", "addr")).contains("198.18.1.100/32").contains("198.18.2.100/32");
        assertThat(NetnsLab.run("ip", "-n", b, "-4", "addr")).doesNotContain("198.18.1.100/32").doesNotContain("198.18.2.100/32");
    }
}
