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
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Thirty rapid flaps (down, up, 20 ms apart: faster than a state change settles) of the master's link, a
 * physical one (veth) and a {@code use_vmac} macvlan; afterwards the pair must settle to the right state
 * within Master_Down_Interval and a margin, and stay there: the higher priority the only master, the VIP
 * on its interface only, the backup without it, and the node's link events all handled (no stuck FAULT,
 * no lost link-up).
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LinkFlapTest {
    private static final String VIP = "198.18.1.100";
    private static final int VRID = 73; // 0x49
    private static final int FLAPS = 30;
    /** b's Master_Down_Interval (priority 100, 100 ms adverts) is 361 ms; 5 s is that and a loaded 2-vCPU machine. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private NetnsLab lab;
    private String a;
    private String b;
    private VrrpNode nodeA;
    private VrrpNode nodeB;
    private final List<String> transitions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("vfl");
        String sw = lab.addSwitch("sw"); // a switch: a's link going down must not take b's carrier with it
        a = lab.add("a");
        b = lab.add("b");
        lab.attach(sw, a, "198.18.1.1/24");
        lab.attach(sw, b, "198.18.1.2/24");
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

    private VrrpNode node(String ns, String name, int priority, boolean vmac) throws Exception {
        VirtualRouterConfig cfg = VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(VRID)
                .priority(priority).advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral(VIP)).build();
        return NetnsLab.inside(ns, () -> {
            VrrpNode.Builder builder = VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                    .listener(new NodeListener() {
                        @Override
                        public void stateChanged(String router, State from, State to, TransitionReason reason) {
                            transitions.add(name + " " + from + "->" + to + " " + reason);
                        }
                    });
            if (vmac) {
                builder.virtualMac("VI_1");
            }
            return builder.build();
        });
    }

    private static String addresses(String ns) throws Exception {
        return NetnsLab.run("ip", "-n", ns, "-4", "-o", "addr", "show");
    }

    private static boolean onInterface(String ns, String ifname) throws Exception {
        return NetnsLab.run("ip", "-n", ns, "-4", "addr", "show", "dev", ifname).contains(" " + VIP + "/32");
    }

    @Test
    void thirtyFlapsOfThePhysicalLinkEndWithOneMasterHoldingTheVip() throws Exception {
        startPair(false);
        flap(a, "eth0");
        awaitSettled("eth0");
    }

    @Test
    void thirtyFlapsOfTheVirtualMacEndWithOneMasterHoldingTheVipOnIt() throws Exception {
        startPair(true);
        String vmac = "vrrp." + VRID;
        assertThat(NetnsLab.run("ip", "-n", a, "link", "show", vmac)).contains("00:00:5e:00:01:49");
        flap(a, vmac);
        awaitSettled(vmac);
        assertThat(NetnsLab.run("ip", "-n", a, "-d", "link", "show", vmac)).as("the macvlan is still the node's")
                .contains("link/ether 00:00:5e:00:01:49").contains("macvlan mode private");
    }

    private void startPair(boolean vmac) throws Exception {
        nodeA = node(a, "a", 200, vmac);
        nodeB = node(b, "b", 100, vmac);
        awaitStates(State.MASTER, State.BACKUP, "before the flaps");
    }

    /** Thirty downs and ups of {@code ifname} in {@code ns}, 20 ms apart (1.2 s in all, bounded). */
    private void flap(String ns, String ifname) throws Exception {
        transitions.clear();
        long t0 = System.nanoTime();
        // one ip process reading commands as they come: the pace is the test's, not a process start's
        Process ip = new ProcessBuilder("ip", "-n", ns, "-batch", "-").redirectErrorStream(true).start();
        try (var commands = new java.io.PrintStream(ip.getOutputStream(), true, java.nio.charset.StandardCharsets.US_ASCII)) {
            for (int i = 0; i < FLAPS; i++) {
                commands.println("link set " + ifname + " down");
                Thread.sleep(20);
                commands.println("link set " + ifname + " up");
                Thread.sleep(20);
            }
        }
        String out = new String(ip.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ip.waitFor(10, TimeUnit.SECONDS)).as("ip -batch ends").isTrue();
        assertThat(ip.exitValue()).as("ip -batch: " + out).isZero();
        System.out.printf("LinkFlapTest: %d flaps of %s in %d ms, %d state changes meanwhile%n", FLAPS, ifname,
                (System.nanoTime() - t0) / 1_000_000, transitions.size());
        assertThat(transitions).as("the flaps reached the node").anyMatch(t -> t.startsWith("a ") && t.contains("FAULT"));
    }

    private void awaitStates(State stateA, State stateB, String when) throws Exception {
        long end = System.nanoTime() + SETTLE.toNanos();
        while (nodeA.status().getFirst().state() != stateA || nodeB.status().getFirst().state() != stateB) {
            if (System.nanoTime() > end) {
                throw new AssertionError(when + ": a " + nodeA.status().getFirst().state() + ", b "
                        + nodeB.status().getFirst().state() + " after " + SETTLE + "; transitions " + transitions);
            }
            Thread.sleep(10);
        }
    }

    /** a MASTER with the VIP on {@code ifname} only, b BACKUP without it; and still so a second (ten adverts) later. */
    private void awaitSettled(String ifname) throws Exception {
        awaitStates(State.MASTER, State.BACKUP, "after the flaps");
        long end = System.nanoTime() + SETTLE.toNanos(); // the address follows the state within the loop's turn
        while (!onInterface(a, ifname) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        int seen = transitions.size();
        Thread.sleep(1_000);
        assertThat(transitions.subList(seen, transitions.size())).as("settled: no state change for ten adverts").isEmpty();
        assertThat(nodeA.status().getFirst().state()).isEqualTo(State.MASTER);
        assertThat(nodeB.status().getFirst().state()).isEqualTo(State.BACKUP);
        assertThat(onInterface(a, ifname)).as("a holds the VIP on " + ifname).isTrue();
        assertThat(addresses(a).lines().filter(l -> l.contains(" " + VIP + "/"))).as("a holds the VIP once, on " + ifname + " only")
                .hasSize(1);
        assertThat(addresses(b)).as("b holds no VIP").doesNotContain(" " + VIP + "/");
        assertThat(NetnsLab.run("ip", "-n", a, "link", "show", ifname)).contains("state UP");
    }
}
