package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.testkit.lab.NetnsLab;

/** Link down → FAULT (through rtnetlink notifications), the backup takes over; link up → normal again. */
class LinkFaultTest {
    private static final String VIP = "198.18.1.100";
    private NetnsLab lab;
    private String a;
    private String b;
    private VrrpNode nodeA;
    private VrrpNode nodeB;
    private static final Duration FIVE_S = Duration.ofSeconds(5);
    private final StateEvents events = new StateEvents();

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("vt");
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
        return NetnsLab.inside(ns, () -> VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> name + " " + to + " " + reason)).build());
    }

    private boolean hasVip(String ns) throws Exception {
        return NetnsLab.run("ip", "-n", ns, "-4", "addr", "show", "dev", "eth0").contains(VIP + "/32");
    }

    @Test
    void theMastersLinkGoesDownAndComesBack() throws Exception {
        nodeA = node(a, "a", 200);
        nodeB = node(b, "b", 100);
        events.await(FIVE_S, "a MASTER");
        NetnsLab.run("ip", "-n", a, "link", "set", "eth0", "down");
        events.await(FIVE_S, "a FAULT LINK_DOWN");
        events.await(FIVE_S, "b MASTER");
        assertThat(hasVip(b)).isTrue();
        assertThat(nodeA.status().getFirst().state()).isEqualTo(State.FAULT);
        NetnsLab.run("ip", "-n", a, "link", "set", "eth0", "up");
        events.await(FIVE_S, "a BACKUP FAULT_CLEARED");
        events.await(FIVE_S, "a MASTER", "b BACKUP"); // a preempts (higher priority); two loops: either event may come first
        assertThat(hasVip(a)).isTrue();
        assertThat(hasVip(b)).isFalse();
    }
}
