package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * RFC 9568 Accept_Mode (keepalived's {@code accept} / {@code no_accept}) on real namespaces: a client on the
 * LAN pings the virtual address. A non-owner master with accept mode off does not answer (its nftables table
 * drops the echo), with accept mode on it does, and an owner always does; IPv6 Neighbor Discovery for the
 * address still works with accept mode off. The table is the node's own, gone after a graceful stop, left by
 * a crash and replaced by the next start.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@Requires({Prerequisite.NETNS, Prerequisite.NFT})
class AcceptModeTest {
    private static final String VIP = "198.18.1.100";
    private static final String TABLE = "vrrp4j-eth0-4-51";
    private NetnsLab lab;
    private String a;
    private String b;
    private String client;
    private VrrpNode nodeA;
    private VrrpNode nodeB;
    private final StateEvents events = new StateEvents();

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("am");
        a = lab.addHost("a", "198.18.1.1/24");
        b = lab.addHost("b", "198.18.1.2/24");
        client = lab.addHost("c", "198.18.1.9/24");
        for (String ns : new String[] {a, b, client}) {
            NetnsLab.awaitOperUp(ns);
        }
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

    static VirtualRouterConfig router(int priority, boolean accept) {
        return VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(51).priority(priority)
                .advertInterval(Duration.ofMillis(100)).acceptMode(accept)
                .addVirtualAddress(InetAddress.ofLiteral(VIP)).build();
    }

    private VrrpNode node(String ns, String name, VirtualRouterConfig cfg) throws Exception {
        return NetnsLab.inside(ns, () -> VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> name + " " + to)).build());
    }

    /** An ICMP echo from the client to {@code address}: whether an answer came within a second. */
    static boolean ping(String client, String address) throws Exception {
        for (int i = 0; i < 3; i++) { // a first echo may wait for ARP/ND resolution
            if (NetnsLab.inside(client, () -> InetAddress.ofLiteral(address).isReachable(1000))) {
                return true;
            }
        }
        return false;
    }

    private static String tables(String ns) throws Exception {
        return NetnsLab.run("ip", "netns", "exec", ns, "nft", "list", "tables");
    }

    @Test
    void aNonOwnerMasterWithoutAcceptModeDropsPacketsToTheAddressAndWithItAnswers() throws Exception {
        nodeA = node(a, "a", router(200, false));
        nodeB = node(b, "b", router(100, false));
        events.await(Duration.ofSeconds(5), "a MASTER");
        assertThat(NetnsLab.run("ip", "-n", a, "-4", "addr", "show", "dev", "eth0")).contains(VIP + "/32");
        assertThat(ping(client, "198.18.1.1")).as("the master's own address answers").isTrue();
        assertThat(ping(client, VIP)).as("no_accept: the master does not accept packets to the VIP").isFalse();
        assertThat(NetnsLab.run("ip", "-n", client, "neigh", "show", VIP)).as("ARP for the VIP is still answered")
                .contains("lladdr");
        assertThat(tables(a)).contains("table inet " + TABLE);
        assertThat(NetnsLab.run("ip", "netns", "exec", a, "nft", "list", "table", "inet", TABLE))
                .contains("198.18.1.100").contains("ip daddr @vips drop");

        // a graceful stop deletes the table; with accept mode on, the new master answers
        nodeA.close();
        nodeA = null;
        assertThat(tables(a)).doesNotContain(TABLE);
        events.await(Duration.ofSeconds(5), "b MASTER");
        nodeA = node(a, "a", router(200, true));
        events.await(Duration.ofSeconds(5), "a MASTER");
        assertThat(tables(a)).as("accept mode on: no table").doesNotContain(TABLE);
        assertThat(ping(client, VIP)).as("accept: the master answers").isTrue();
    }

    @Test
    void theOwnerAlwaysAnswersWhateverItsAcceptMode() throws Exception {
        nodeA = node(a, "a", router(255, false));
        events.await(Duration.ofSeconds(5), "a MASTER");
        assertThat(tables(a)).doesNotContain(TABLE);
        assertThat(ping(client, VIP)).isTrue();
    }

    @Test
    void aCrashLeavesTheTableAndTheNextStartReplacesIt() throws Exception {
        // what a crashed run with another address list left: the start must not keep its elements
        NetnsLab.run("ip", "netns", "exec", a, "nft", "add table inet " + TABLE + "; add set inet " + TABLE
                + " vips { type ipv4_addr; elements = { 198.18.1.222 }; }");
        NetnsLab.run("ip", "netns", "exec", a, "nft", "add table inet unrelated");
        nodeA = node(a, "a", router(200, false));
        events.await(Duration.ofSeconds(5), "a MASTER");
        String table = NetnsLab.run("ip", "netns", "exec", a, "nft", "list", "table", "inet", TABLE);
        assertThat(table).contains("198.18.1.100").doesNotContain("198.18.1.222");
        nodeA.crash();
        nodeA = null;
        assertThat(tables(a)).as("kill -9 leaves the table").contains(TABLE);
        nodeA = node(a, "a", router(200, false));
        events.await(Duration.ofSeconds(5), "a MASTER");
        assertThat(ping(client, VIP)).isFalse();
        nodeA.close();
        nodeA = null;
        assertThat(tables(a)).doesNotContain(TABLE).as("what is not the node's stays").contains("table inet unrelated");
    }

    @Test
    void ipv6NeighborDiscoveryPassesWhileEchoesToTheAddressAreDropped() throws Exception {
        for (String ns : new String[] {a, b, client}) {
            NetnsLab.linkLocal(ns);
        }
        VirtualRouterConfig v6 = Ipv6NodeTest.v6("VI_6", 61, 200).acceptMode(false).build();
        nodeA = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(v6).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> "a " + to)).build());
        events.await(Duration.ofSeconds(5), "a MASTER");
        String vip = Ipv6NodeTest.VIP_DOC.getHostAddress();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!NetnsLab.run("ip", "-n", a, "-6", "addr", "show", "dev", "eth0").contains("2001:db8::100/64")
                || NetnsLab.run("ip", "-n", a, "-6", "addr", "show", "dev", "eth0").contains("tentative")) {
            assertThat(System.nanoTime()).as("the VIP is usable").isLessThan(end);
            Thread.sleep(50);
        }
        NetnsLab.run("ip", "-n", client, "-6", "addr", "add", "2001:db8::9/64", "dev", "eth0", "nodad");
        assertThat(ping(client, vip)).as("no_accept: echoes to the IPv6 VIP are dropped").isFalse();
        assertThat(NetnsLab.run("ip", "-n", client, "-6", "neigh", "show", vip))
                .as("the Neighbor Solicitation for the VIP was answered (RFC 9568 §6.1)").contains("lladdr");
        assertThat(tables(a)).contains("table inet vrrp4j-eth0-6-61");

        // a unicast Neighbor Solicitation to the VIP itself (neighbour unreachability detection) passes too:
        // the entry is made stale, a datagram starts the probe (after delay_first_probe_time), the NA answers it
        lab.ip(client, "-6", "neigh", "change", vip, "lladdr", mac(a), "dev", "eth0", "nud", "stale");
        NetnsLab.run("ip", "netns", "exec", client, "sysctl", "-q", "-w", "net.ipv6.neigh.eth0.delay_first_probe_time=1");
        NetnsLab.inside(client, () -> {
            try (java.net.DatagramSocket u = new java.net.DatagramSocket()) {
                u.send(new java.net.DatagramPacket(new byte[1], 1, InetAddress.ofLiteral(vip), 9));
            }
            return null;
        });
        String state = "";
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8); !state.contains("REACHABLE")
                && System.nanoTime() < until; Thread.sleep(100)) {
            state = lab.ip(client, "-6", "neigh", "show", vip, "dev", "eth0");
        }
        assertThat(state).as("the unicast probe to the VIP was answered").contains("REACHABLE");
    }

    private static String mac(String ns) throws Exception {
        String link = NetnsLab.run("ip", "-n", ns, "link", "show", "eth0");
        int at = link.indexOf("link/ether ") + "link/ether ".length();
        return link.substring(at, at + 17);
    }
}
