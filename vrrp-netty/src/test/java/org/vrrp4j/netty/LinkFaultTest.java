package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;

/** Link down → FAULT (through rtnetlink notifications), the backup takes over; link up → normal again. */
class LinkFaultTest {
    private static final String VIP = "198.18.1.100";
    private Netns lab;
    private String a;
    private String b;
    private VrrpNode nodeA;
    private VrrpNode nodeB;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void lab() throws Exception {
        lab = new Netns();
        String sw = lab.addSwitch("sw");
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

    private VrrpNode node(String ns, String name, int priority) throws Exception {
        VirtualRouterConfig cfg = VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(7)
                .priority(priority).advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral(VIP)).build();
        return Netns.inside(ns, () -> VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                .listener(new NodeListener() {
                    @Override
                    public void stateChanged(String router, State from, State to, TransitionReason reason) {
                        events.add(name + " " + to + " " + reason);
                    }
                }).build());
    }

    private void await(String prefix) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            String e = events.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no '" + prefix + "' within 5 s");
            }
            if (e.startsWith(prefix)) {
                return;
            }
        }
    }

    /** Waits for an event starting with each of {@code prefixes}, in any order. */
    private void awaitAll(String... prefixes) throws InterruptedException {
        java.util.List<String> missing = new java.util.ArrayList<>(java.util.List.of(prefixes));
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!missing.isEmpty()) {
            String e = events.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no " + missing + " within 5 s");
            }
            missing.removeIf(e::startsWith);
        }
    }

    private boolean hasVip(String ns) throws Exception {
        return Netns.run("ip", "-n", ns, "-4", "addr", "show", "dev", "eth0").contains(VIP + "/32");
    }

    @Test
    void theMastersLinkGoesDownAndComesBack() throws Exception {
        nodeA = node(a, "a", 200);
        nodeB = node(b, "b", 100);
        await("a MASTER");
        Netns.run("ip", "-n", a, "link", "set", "eth0", "down");
        await("a FAULT LINK_DOWN");
        await("b MASTER");
        assertThat(hasVip(b)).isTrue();
        assertThat(nodeA.status().getFirst().state()).isEqualTo(State.FAULT);
        Netns.run("ip", "-n", a, "link", "set", "eth0", "up");
        await("a BACKUP FAULT_CLEARED");
        awaitAll("a MASTER", "b BACKUP"); // a preempts (higher priority); two loops: either event may come first
        assertThat(hasVip(a)).isTrue();
        assertThat(hasVip(b)).isFalse();
    }
}
