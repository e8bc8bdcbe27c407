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
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Real kernel faults under a running pair, in namespaces: the master's interface deleted and made again
 * under its name (a new ifindex), and the master's adverts dropped on output by an nftables rule (sendmsg
 * fails with EPERM). Each is awaited as state changes; bounds come from the 100 ms advert interval
 * (Master_Down ~0.4 s) with a wide margin for a loaded machine.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InterfaceFaultsTest {
    private static final String VIP = "198.18.1.100";
    private static final Duration STEP = Duration.ofSeconds(10);
    private NetnsLab lab;
    private String sw;
    private String a;
    private String b;
    private VrrpNode nodeA;
    private VrrpNode nodeB;
    private final StateEvents events = new StateEvents();

    @BeforeEach
    void lab() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        lab = NetnsLab.create("vif");
        sw = lab.addSwitch("sw");
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
        if (lab != null) {
            lab.close();
        }
    }

    private VrrpNode node(String ns, String name, int priority) throws Exception {
        VirtualRouterConfig cfg = VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(9)
                .priority(priority).advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral(VIP)).build();
        return NetnsLab.inside(ns, () -> VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> name + " " + to + " " + reason)).build());
    }

    private boolean hasVip(String ns) throws Exception {
        return NetnsLab.run("ip", "-n", ns, "-4", "addr", "show", "dev", "eth0").contains(VIP + "/32");
    }

    @Test
    void theMastersInterfaceDeletedAndMadeAgainIsPickedUpByName() throws Exception {
        nodeA = node(a, "a", 200);
        nodeB = node(b, "b", 100);
        events.await(STEP, "a MASTER", "b BACKUP");

        NetnsLab.run("ip", "-n", a, "link", "del", "eth0"); // both ends of the veth go
        events.await(STEP, "a FAULT", "b MASTER");

        lab.attach(sw, a, "198.18.1.1/24"); // eth0 again: same name and address, a new ifindex
        events.await(STEP, "a BACKUP");
        events.await(STEP, "a MASTER", "b BACKUP"); // a's adverts reach b again (b gives way), a preempts
        assertThat(hasVip(a)).isTrue();
        assertThat(hasVip(b)).isFalse();
    }

    private VrrpNode virtualMacNode(String ns, String name, int priority) throws Exception {
        VirtualRouterConfig cfg = VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(9)
                .priority(priority).advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral(VIP)).build();
        return NetnsLab.inside(ns, () -> VrrpNode.builder().addRouter(cfg).virtualMac("VI_1").gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> name + " " + to + " " + reason)).build());
    }

    private static String ifindex(String ns, String ifname) throws Exception {
        return NetnsLab.run("ip", "-n", ns, "-o", "link", "show", ifname).split(":")[0].strip();
    }

    private static String sysctl(String ns, String ifname, String name) throws Exception {
        return NetnsLab.run("ip", "netns", "exec", ns, "sysctl", "-n",
                "net.ipv4.conf." + ifname.replace('.', '/') + "." + name).strip();
    }

    /**
     * Issue 11 item 9: {@code use_vmac} and the base interface deleted and made again (a new ifindex). The
     * kernel deletes the macvlan with its base: the router is in FAULT meanwhile (as keepalived); when the
     * base is back, the macvlan is made again on it (same name and MAC, the same ARP settings on both, the
     * netdev filter on the new macvlan), the socket reopened, and the router runs again: master again, the
     * address on the new macvlan, its adverts heard by the peer.
     */
    @Test
    void aVirtualMacsBaseDeletedAndMadeAgainGetsItsMacvlanBack() throws Exception {
        nodeA = virtualMacNode(a, "a", 200);
        nodeB = virtualMacNode(b, "b", 100);
        events.await(STEP, "a MASTER", "b BACKUP");
        String baseBefore = ifindex(a, "eth0");
        String macvlanBefore = ifindex(a, "vrrp.9");

        NetnsLab.run("ip", "-n", a, "link", "del", "eth0"); // the macvlan goes with it
        events.await(STEP, "a FAULT", "b MASTER");
        assertThat(NetnsLab.run("ip", "-n", a, "-o", "link", "show")).doesNotContain("vrrp.9");

        lab.attach(sw, a, "198.18.1.1/24"); // eth0 again: same name and address, a new ifindex
        events.await(STEP, "a BACKUP");
        events.await(STEP, "a MASTER", "b BACKUP"); // a's adverts reach b again (b gives way), a preempts
        assertThat(ifindex(a, "eth0")).isNotEqualTo(baseBefore);
        String macvlan = NetnsLab.run("ip", "-n", a, "-d", "link", "show", "vrrp.9");
        assertThat(macvlan).contains("link/ether 00:00:5e:00:01:09").contains("macvlan mode private").contains("@eth0");
        assertThat(ifindex(a, "vrrp.9")).isNotEqualTo(macvlanBefore);
        assertThat(NetnsLab.run("ip", "-n", a, "-4", "addr", "show", "dev", "vrrp.9")).contains(VIP + "/32");
        assertThat(NetnsLab.run("ip", "-n", b, "-4", "addr", "show", "dev", "vrrp.9")).doesNotContain(VIP);
        assertThat(sysctl(a, "eth0", "arp_ignore")).as("the new base's ARP settings").isEqualTo("1");
        assertThat(sysctl(a, "eth0", "arp_filter")).isEqualTo("1");
        assertThat(sysctl(a, "vrrp.9", "arp_ignore")).as("the new macvlan's").isEqualTo("1");
        long heard = nodeB.status().getFirst().counters().advertisementsReceived();
        long deadline = System.nanoTime() + STEP.toNanos();
        while (nodeB.status().getFirst().counters().advertisementsReceived() < heard + 5 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(nodeB.status().getFirst().counters().advertisementsReceived()).as("adverts flow from the new macvlan")
                .isGreaterThanOrEqualTo(heard + 5);
        assertThat(nodeB.status().getFirst().master()).contains(InetAddress.ofLiteral("198.18.1.1"));
        if (Prerequisite.NFT.unavailableReason() == null) { // the backup-drop filter hooks the new device
            assertThat(NetnsLab.run("ip", "netns", "exec", a, "nft", "list", "table", "netdev", "vrrp4j-eth0-4-9"))
                    .contains("device \"vrrp.9\"");
        }
    }

    /**
     * The same for an IPv6 router: its macvlan needs the new base's link-local, which comes after the base
     * (an address event, DAD): the macvlan is made once it is there.
     */
    @Test
    void anIpv6VirtualMacsBaseDeletedAndMadeAgainGetsItsMacvlanBackOnceTheBaseHasItsLinkLocal() throws Exception {
        NetnsLab.linkLocal(a); // DAD done: the first macvlans take the bases' link-locals
        NetnsLab.linkLocal(b);
        nodeA = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(Ipv6NodeTest.v6("VI_6", 10, 200).build())
                .virtualMac("VI_6").listener(events.listener((router, to, reason) -> "a " + to + " " + reason)).build());
        nodeB = NetnsLab.inside(b, () -> VrrpNode.builder().addRouter(Ipv6NodeTest.v6("VI_6", 10, 100).build())
                .virtualMac("VI_6").listener(events.listener((router, to, reason) -> "b " + to + " " + reason)).build());
        events.await(STEP, "a MASTER", "b BACKUP");

        NetnsLab.run("ip", "-n", a, "link", "del", "eth0");
        events.await(STEP, "a FAULT", "b MASTER");
        lab.attach(sw, a, "198.18.1.1/24"); // the new eth0 gets a new link-local after DAD
        events.await(STEP, "a BACKUP");
        events.await(STEP, "a MASTER", "b BACKUP");
        assertThat(NetnsLab.run("ip", "-n", a, "-d", "link", "show", "vrrp.10")).contains("link/ether 00:00:5e:00:02:0a")
                .contains("macvlan mode private").contains("@eth0");
        String addrs = NetnsLab.run("ip", "-n", a, "-6", "addr", "show", "dev", "vrrp.10");
        assertThat(addrs).contains("2001:db8::100/64");
        assertThat(addrs.lines().map(String::strip).filter(l -> l.startsWith("inet6 "))
                .map(l -> InetAddress.ofLiteral(l.split("\\s+")[1].split("/")[0])))
                .as("the new base's link-local to send from: %s", addrs).contains(NetnsLab.linkLocal(a));
        assertThat(nodeB.status().getFirst().master()).contains(NetnsLab.linkLocal(a));
    }

    @Test
    void advertsDroppedOnOutputAreCountedAndTheyFlowAgainAfterwards() throws Exception {
        Prerequisites.require(Prerequisite.NFT);
        nodeA = node(a, "a", 200);
        nodeB = node(b, "b", 100);
        events.await(STEP, "a MASTER", "b BACKUP");
        assertThat(nodeA.status().getFirst().sendErrors()).isZero();

        // a firewall on a's output drops VRRP: sendmsg fails with EPERM, b hears nothing and takes over
        NetnsLab.run("ip", "netns", "exec", a, "nft", "add table inet v4jdrop ; "
                + "add chain inet v4jdrop out { type filter hook output priority 0 ; } ; "
                + "add rule inet v4jdrop out meta l4proto 112 drop");
        events.await(STEP, "b MASTER");
        long deadline = System.nanoTime() + STEP.toNanos();
        while (nodeA.status().getFirst().sendErrors() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(nodeA.status().getFirst().sendErrors()).as("refused adverts counted").isPositive();

        NetnsLab.run("ip", "netns", "exec", a, "nft", "delete table inet v4jdrop");
        events.await(STEP, "b BACKUP"); // a's adverts (priority 200) reach b again: a stayed master throughout
        assertThat(hasVip(b)).isFalse();
        assertThat(hasVip(a)).isTrue();
    }
}
