package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
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
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Three nodes on one switch, on real raw sockets (VRRPv3, advert 100 ms): the election and its order of
 * succession, and equal priorities decided by the primary address (RFC 9568 §6.4.3: a master hearing an
 * equal-priority advert yields when the sender's primary address is greater than its own, and stays master
 * when it is smaller). The addresses are .1, .9 and .130: the highest has its last byte above 127, so a
 * signed byte comparison would crown .9.
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ThreeNodeTest {
    private static final String VIP = "198.18.1.100";
    private static final String[] ADDRESS = {"198.18.1.1", "198.18.1.9", "198.18.1.130"};
    private static final String[] NAME = {"a", "b", "c"};
    /** The longest Master_Down_Interval here (priority 100, 100 ms): 300 + 156/256 × 100 ms = 361 ms; 5 s is that and a loaded machine. */
    private static final Duration WAIT = Duration.ofSeconds(5);
    private NetnsLab lab;
    private final String[] ns = new String[3];
    private final VrrpNode[] nodes = new VrrpNode[3];
    private final StateEvents events = new StateEvents();
    /** Every transition as "name state reason", in arrival order. */
    private final List<String> transitions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("v3n");
        for (int i = 0; i < 3; i++) {
            ns[i] = lab.addHost(NAME[i], ADDRESS[i] + "/24");
            NetnsLab.awaitOperUp(ns[i]);
        }
    }

    @AfterEach
    void cleanup() {
        for (VrrpNode n : nodes) {
            if (n != null) {
                n.close();
            }
        }
        lab.close();
    }

    private VrrpNode node(int i, int priority) throws Exception {
        VirtualRouterConfig cfg = VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(61)
                .priority(priority).advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral(VIP)).build();
        String name = NAME[i];
        return NetnsLab.inside(ns[i], () -> VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> name + " " + to))
                .listener(new NodeListener() {
                    @Override
                    public void stateChanged(String router, State from, State to, TransitionReason reason) {
                        transitions.add(name + " " + from + "->" + to + " " + reason);
                    }
                }).build());
    }

    private boolean hasVip(int i) throws Exception {
        return NetnsLab.run("ip", "-n", ns[i], "-4", "addr", "show", "dev", "eth0").contains(VIP + "/32");
    }

    private State state(int i) {
        return nodes[i].status().getFirst().state();
    }

    /** Exactly node {@code master} is MASTER and holds the VIP; the others are BACKUP without it. */
    private void assertOnlyMaster(int master) throws Exception {
        for (int i = 0; i < 3; i++) {
            if (nodes[i] == null) {
                continue;
            }
            assertThat(state(i)).as(NAME[i]).isEqualTo(i == master ? State.MASTER : State.BACKUP);
            assertThat(hasVip(i)).as(NAME[i] + " holds the VIP").isEqualTo(i == master);
        }
    }

    private void awaitStates(int master) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            boolean ok = true;
            for (int i = 0; i < 3; i++) {
                if (nodes[i] != null && state(i) != (i == master ? State.MASTER : State.BACKUP)) {
                    ok = false;
                }
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no single master " + NAME[master] + " within " + WAIT + "; transitions " + transitions);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void theHighestPriorityIsElectedAndSucceededInPriorityOrder() throws Exception {
        nodes[0] = node(0, 200);
        nodes[1] = node(1, 150);
        nodes[2] = node(2, 100);
        events.await(WAIT, "a MASTER", "b BACKUP", "c BACKUP");
        awaitStates(0);
        Thread.sleep(300); // three adverts: nothing moves
        assertOnlyMaster(0);
        for (int i = 1; i < 3; i++) {
            assertThat(nodes[i].status().getFirst().counters().advertisementsReceived()).as(NAME[i] + " hears a").isPositive();
        }

        // the master crashes: b (150) has the shorter Master_Down_Interval and takes over; c stays backup
        nodes[0].crash();
        nodes[0] = null;
        NetnsLab.run("ip", "-n", ns[0], "addr", "del", VIP + "/32", "dev", "eth0"); // what the crash left
        events.await(WAIT, "b MASTER");
        awaitStates(1);
        assertOnlyMaster(1);
        assertThat(transitions).as("c never became master on the way").doesNotContain("c BACKUP->MASTER MASTER_DOWN_TIMER");

        // then b crashes too: c is the last
        nodes[1].crash();
        nodes[1] = null;
        NetnsLab.run("ip", "-n", ns[1], "addr", "del", VIP + "/32", "dev", "eth0");
        events.await(WAIT, "c MASTER");
        assertOnlyMaster(2);
    }

    @Test
    void equalPrioritiesAreDecidedByTheHigherPrimaryAddressInBothDirections() throws Exception {
        Prerequisites.require(Prerequisite.NFT); // a and b made deaf for a while: the one-way phase below
        // three masters at once: the switch isolates every port, so nobody hears anybody
        List<String> ports = switchPorts();
        assertThat(ports).hasSize(3);
        isolate(ports, true);
        for (int i = 0; i < 3; i++) {
            nodes[i] = node(i, 100);
        }
        events.await(WAIT, "a MASTER", "b MASTER", "c MASTER");
        for (int i = 0; i < 3; i++) {
            assertThat(hasVip(i)).as(NAME[i] + " holds the VIP while alone").isTrue();
        }

        // one direction, alone: a and b cannot hear (VRRP in dropped), c hears their equal-priority adverts from
        // lower addresses (.1, .9 < .130) for ten advert intervals and stays master
        for (int i = 0; i < 2; i++) {
            nft(ns[i], "add table inet deaf\n"
                    + "add chain inet deaf in { type filter hook input priority 0 ; policy accept ; }\n"
                    + "add rule inet deaf in ip protocol vrrp drop");
        }
        transitions.clear();
        long heardBefore = nodes[2].status().getFirst().counters().advertisementsReceived();
        isolate(ports, false);
        Thread.sleep(1_000);
        assertThat(nodes[2].status().getFirst().counters().advertisementsReceived())
                .as("c heard the lower-address masters").isGreaterThan(heardBefore);
        assertThat(nodes[2].status().getFirst().counters().lowerPriorityMasters())
                .as("c took them for losing masters (equal priority, lower address)").isPositive();
        assertThat(transitions).as("c stays master hearing lower addresses; a and b hear nothing yet").isEmpty();
        assertThat(state(2)).isEqualTo(State.MASTER);

        // the other direction: a and b hear c (.130, greater) and yield; c never leaves MASTER
        for (int i = 0; i < 2; i++) {
            nft(ns[i], "delete table inet deaf");
        }
        awaitStates(2);
        Thread.sleep(500); // five adverts: the decision holds
        assertOnlyMaster(2);
        assertThat(transitions).contains("a MASTER->BACKUP " + TransitionReason.HIGHER_PRIORITY_ADVERT,
                "b MASTER->BACKUP " + TransitionReason.HIGHER_PRIORITY_ADVERT);
        assertThat(transitions).as("c never left MASTER").noneMatch(t -> t.startsWith("c "));
    }

    private void isolate(List<String> ports, boolean on) throws Exception {
        for (String p : ports) {
            NetnsLab.run("bridge", "-n", lab.switchNamespace(), "link", "set", "dev", p, "isolated", on ? "on" : "off");
        }
    }

    private static void nft(String ns, String commands) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "nft", "-f", "-").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(commands.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("nft ends").isTrue();
        assertThat(p.exitValue()).as("nft in " + ns + ": " + out).isZero();
    }

    /** The switch's ports (the hosts' veth peers). */
    private List<String> switchPorts() throws Exception {
        List<String> ports = new ArrayList<>();
        for (String line : NetnsLab.run("ip", "-n", lab.switchNamespace(), "-o", "link", "show", "master", "br0").lines().toList()) {
            String name = line.split(":\\s+")[1];
            ports.add(name.contains("@") ? name.substring(0, name.indexOf('@')) : name);
        }
        return ports;
    }
}
