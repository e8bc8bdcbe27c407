package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * keepalived's {@code use_vmac}: a macvlan per router with the virtual router MAC, created when the node
 * starts, carrying the router's adverts, addresses and announcements, and gone after close.
 */
class VirtualMacTest {
    private static final int VRID = 71; // 0x47
    @TempDir
    Path dir;
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
        NetnsLab.run("ip", "-n", a, "addr", "add", "198.18.1.1/24", "dev", "eth0");
        NetnsLab.run("ip", "-n", b, "addr", "add", "198.18.1.2/24", "dev", "eth0");
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
        VirtualRouterConfig v4 = VirtualRouterConfig.builder().name("VI_4").interfaceName("eth0").vrid(VRID)
                .priority(priority).advertInterval(Duration.ofMillis(100))
                .addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
        VirtualRouterConfig v6 = Ipv6NodeTest.v6("VI_6", VRID, priority).build();
        return NetnsLab.inside(ns, () -> VrrpNode.builder().addRouter(v4).addRouter(v6)
                .virtualMac("VI_4").virtualMac("VI_6").gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> name + " " + router + " " + to)).build());
    }

    private static String sysctl(String ns, String ifname, String name) throws Exception {
        return NetnsLab.run("ip", "netns", "exec", ns, "sysctl", "-n", "net.ipv4.conf." + ifname.replace('.', '/') + "." + name).strip();
    }

    private static String links(String ns) throws Exception {
        return NetnsLab.run("ip", "-n", ns, "-d", "link", "show");
    }

    @Test
    void aMacvlanPerRouterWithTheVirtualMacCarriesAdvertsAndAddressesAndGoesOnClose() throws Exception {
        Ipv6WireTest.requireTshark();
        Path pcap = dir.resolve("vmac.pcap");
        Process dump = new ProcessBuilder("ip", "netns", "exec", b, "tcpdump", "--immediate-mode", "-i", "eth0", "-U", "-w", pcap.toString(),
                "ip proto 112 or ip6 proto 112 or arp or icmp6").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(700);
        nodeA = node(a, "a", 200);
        nodeB = node(b, "b", 100);
        events.await(Duration.ofSeconds(5), "a VI_4 MASTER", "a VI_6 MASTER");
        Thread.sleep(500);

        for (String ns : List.of(a, b)) {
            String v4 = NetnsLab.run("ip", "-n", ns, "-d", "link", "show", "vrrp.71");
            assertThat(v4).contains("link/ether 00:00:5e:00:01:47").contains("macvlan mode private").contains("@eth0");
            String v6 = NetnsLab.run("ip", "-n", ns, "-d", "link", "show", "vrrp6.71");
            assertThat(v6).contains("link/ether 00:00:5e:00:02:47").contains("macvlan mode private");
            String ll = NetnsLab.run("ip", "-n", ns, "-6", "-o", "addr", "show", "dev", "vrrp6.71", "scope", "link");
            assertThat(ll.lines().map(l -> l.split("\\s+")[3]).map(c -> InetAddress.ofLiteral(c.substring(0, c.indexOf('/')))))
                    .as("the base's link-local, no generated one: %s", ll).contains(NetnsLab.linkLocal(ns));
            assertThat(ll).doesNotContain("fe80::200:5eff");
        }
        assertThat(NetnsLab.run("ip", "-n", a, "-4", "addr", "show", "dev", "vrrp.71")).contains("198.18.1.100/32");
        assertThat(NetnsLab.run("ip", "-n", a, "-6", "addr", "show", "dev", "vrrp6.71")).contains("2001:db8::100/64")
                .contains("fe80::1:1/64");
        assertThat(NetnsLab.run("ip", "-n", b, "addr", "show", "dev", "vrrp.71")).doesNotContain("198.18.1.100");
        assertThat(NetnsLab.run("ip", "-n", b, "addr", "show", "dev", "vrrp6.71")).doesNotContain("2001:db8::100");
        assertThat(NetnsLab.run("ip", "-n", a, "addr", "show", "dev", "eth0")).doesNotContain("198.18.1.100")
                .doesNotContain("2001:db8::100");
        for (RouterStatus s : nodeB.status()) {
            assertThat(s.state()).isEqualTo(State.BACKUP);
            assertThat(s.counters().advertisementsReceived()).as("%s hears the master through its macvlan", s.name()).isPositive();
            assertThat(s.counters().droppedTotal()).as("%s drops: %s", s.name(), s.counters().drops()).isZero();
        }
        assertThat(nodeB.status()).extracting(RouterStatus::master).containsExactly(
                java.util.Optional.of(InetAddress.ofLiteral("198.18.1.1")), java.util.Optional.of(NetnsLab.linkLocal(a)));

        // neighbours resolve the virtual address to the virtual MAC only: the base no longer answers ARP for it
        assertThat(sysctl(a, "eth0", "arp_ignore")).isEqualTo("1");
        assertThat(sysctl(a, "eth0", "arp_filter")).isEqualTo("1");
        assertThat(sysctl(a, "vrrp.71", "arp_ignore")).isEqualTo("1");
        // a listens on the address, so it answers nothing: a reply would make a resolve b itself, with
        // the virtual address as ARP sender and the base's MAC (arp_announce 0, keepalived leaves it)
        java.net.DatagramSocket sink = NetnsLab.inside(a, () -> new java.net.DatagramSocket(
                new java.net.InetSocketAddress(InetAddress.ofLiteral("198.18.1.100"), 9)));
        try {
            for (int i = 0; i < 3; i++) {
                NetnsLab.run("ip", "-n", b, "neigh", "flush", "dev", "eth0");
                NetnsLab.inside(b, () -> { // a datagram makes b resolve the address with ARP
                    try (java.net.DatagramSocket u = new java.net.DatagramSocket()) {
                        u.send(new java.net.DatagramPacket(new byte[1], 1, InetAddress.ofLiteral("198.18.1.100"), 9));
                    }
                    return null;
                });
                String neigh = "";
                for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3); System.nanoTime() < end
                        && !neigh.contains("lladdr"); Thread.sleep(20)) {
                    neigh = NetnsLab.run("ip", "-n", b, "neigh", "show", "198.18.1.100", "dev", "eth0");
                }
                assertThat(neigh).contains("lladdr 00:00:5e:00:01:47");
            }
        } finally {
            sink.close();
        }
        assertThat(NetnsLab.run("ip", "-n", b, "neigh", "show", "dev", "vrrp6.71"))
                .as("the IPv6 macvlan answers no ARP either").isEmpty();

        // a closes: b takes over on its own macvlans; a's are gone with their addresses
        nodeA.close();
        nodeA = null;
        events.await(Duration.ofSeconds(2), "b VI_4 MASTER", "b VI_6 MASTER");
        assertThat(links(a)).doesNotContain("vrrp.71").doesNotContain("vrrp6.71").doesNotContain("00:00:5e:00");
        assertThat(sysctl(a, "eth0", "arp_ignore")).as("the base's settings are restored").isEqualTo("0");
        assertThat(sysctl(a, "eth0", "arp_filter")).isEqualTo("0");
        assertThat(NetnsLab.run("ip", "-n", b, "-4", "addr", "show", "dev", "vrrp.71")).contains("198.18.1.100/32");
        nodeB.close();
        nodeB = null;
        assertThat(links(b)).doesNotContain("vrrp.71").doesNotContain("vrrp6.71").doesNotContain("00:00:5e:00");
        Thread.sleep(1000); // tcpdump writes what it saw up to the signal
        new ProcessBuilder("kill", "-INT", Long.toString(dump.pid())).start().waitFor(5, TimeUnit.SECONDS);
        dump.waitFor(5, TimeUnit.SECONDS);

        List<String> adverts = tshark(pcap, "vrrp", "eth.src", "ip.src", "ipv6.src", "vrrp.checksum.status", "_ws.malformed");
        assertThat(adverts).hasSizeGreaterThan(10);
        assertThat(adverts).allSatisfy(l -> {
            String[] f = l.split("\\|", -1);
            assertThat(f[0]).as("the virtual MAC as frame source: %s", l)
                    .isEqualTo(f[1].isEmpty() ? "00:00:5e:00:02:47" : "00:00:5e:00:01:47");
            assertThat(f[3]).as("checksum Good: %s", l).isEqualTo("1");
            assertThat(f[4]).as("not malformed: %s", l).isEmpty();
        });
        assertThat(adverts).anyMatch(l -> l.contains("|198.18.1.1|")).anyMatch(l -> l.contains("|198.18.1.2|"))
                .anyMatch(l -> !l.split("\\|", -1)[2].isEmpty());
        assertThat(tshark(pcap, "arp.src.proto_ipv4 == 198.18.1.100", "eth.src", "arp.src.hw_mac"))
                .isNotEmpty().allSatisfy(l -> assertThat(l).isEqualTo("00:00:5e:00:01:47|00:00:5e:00:01:47"));
        assertThat(tshark(pcap, "icmpv6.type == 136", "eth.src", "icmpv6.opt.linkaddr"))
                .isNotEmpty().allSatisfy(l -> assertThat(l).isEqualTo("00:00:5e:00:02:47|00:00:5e:00:02:47"));
    }

    @Test
    void aCrashLeavesTheMacvlanAndTheNextStartTakesItOver() throws Exception {
        nodeA = node(a, "a", 200);
        nodeB = node(b, "b", 100);
        events.await(Duration.ofSeconds(5), "a VI_4 MASTER");
        nodeA.crash(); // what kill -9 leaves: the macvlans with their addresses
        nodeA = null;
        events.await(Duration.ofSeconds(5), "b VI_4 MASTER");
        assertThat(NetnsLab.run("ip", "-n", a, "-d", "link", "show", "vrrp.71")).contains("00:00:5e:00:01:47");

        nodeA = node(a, "a", 200); // takes the leftovers over instead of failing on EEXIST
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // events of two routers interleave: poll
        while (!(nodeA.status().stream().allMatch(s -> s.state() == State.MASTER)
                && nodeB.status().stream().allMatch(s -> s.state() == State.BACKUP)) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(nodeA.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(State.MASTER));
        assertThat(nodeB.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(State.BACKUP));
        assertThat(NetnsLab.run("ip", "-n", a, "-4", "addr", "show", "dev", "vrrp.71")).contains("198.18.1.100/32");
        assertThat(nodeB.status()).allSatisfy(s -> assertThat(s.master()).isPresent());
        assertThat(nodeB.status().getFirst().master()).contains(InetAddress.ofLiteral("198.18.1.1"));
        nodeA.close();
        nodeA = null;
        assertThat(links(a)).doesNotContain("vrrp.71").doesNotContain("vrrp6.71");

        // an interface of that name that is not a virtual MAC interface is never taken over
        NetnsLab.run("ip", "-n", a, "link", "add", "vrrp.71", "type", "veth", "peer", "name", "vx71");
        try {
            node(a, "a", 200);
            throw new AssertionError("a node took over a veth named vrrp.71");
        } catch (java.io.IOException e) {
            assertThat(e).hasMessageContaining("vrrp.71").hasMessageContaining("not a virtual MAC interface");
        }
        assertThat(links(a)).as("the failed start deleted nothing of it and created nothing").contains("vrrp.71")
                .doesNotContain("vrrp6.71");
    }

    @Test
    void routersWithVirtualMacsAreAddedAndRemovedOnARunningNode() throws Exception {
        VirtualRouterConfig v4 = VirtualRouterConfig.builder().name("VI_4").interfaceName("eth0").vrid(VRID)
                .priority(200).advertInterval(Duration.ofMillis(100))
                .addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
        nodeA = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(v4).virtualMac("VI_4").gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> "a " + router + " " + to)).build());
        events.await(Duration.ofSeconds(5), "a VI_4 MASTER");

        // a reload adds an IPv6 router with a virtual MAC: the twin of VI_4's VRID gets vrrp6.<VRID>
        nodeA.addRouterWithVirtualMac(Ipv6NodeTest.v6("VI_6", VRID, 200).build(), null);
        events.await(Duration.ofSeconds(5), "a VI_6 MASTER");
        assertThat(NetnsLab.run("ip", "-n", a, "-d", "link", "show", "vrrp6.71")).contains("link/ether 00:00:5e:00:02:47");
        assertThat(NetnsLab.run("ip", "-n", a, "-6", "addr", "show", "dev", "vrrp6.71")).contains("2001:db8::100/64");
        assertThat(nodeA.status()).extracting(RouterStatus::interfaceName).containsExactly("vrrp.71", "vrrp6.71");

        // a name already taken by another router's macvlan is refused, and nothing is left behind
        VirtualRouterConfig other = VirtualRouterConfig.builder().name("VI_X").interfaceName("eth0").vrid(72)
                .addVirtualAddress(InetAddress.ofLiteral("198.18.1.101")).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodeA.addRouterWithVirtualMac(other, "vrrp.71"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vrrp.71 is already another router's");
        assertThat(nodeA.status()).hasSize(2);

        // removing one deletes its macvlan and leaves the other's
        assertThat(nodeA.removeRouter("VI_6")).isTrue();
        assertThat(links(a)).doesNotContain("vrrp6.71").contains("vrrp.71");
        assertThat(NetnsLab.run("ip", "-n", a, "-4", "addr", "show", "dev", "vrrp.71")).contains("198.18.1.100/32");
        assertThat(nodeA.removeRouter("VI_4")).isTrue();
        assertThat(links(a)).doesNotContain("vrrp.71").doesNotContain("00:00:5e:00");
        assertThat(sysctl(a, "eth0", "arp_ignore")).as("restored when the node closes, not before").isEqualTo("1");
        nodeA.close();
        nodeA = null;
        assertThat(sysctl(a, "eth0", "arp_ignore")).isEqualTo("0");
    }

    private static List<String> tshark(Path pcap, String filter, String... fields) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-Y", filter,
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process t = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(t.getInputStream().readAllBytes()).lines().toList();
        t.waitFor(30, TimeUnit.SECONDS);
        return lines;
    }
}
