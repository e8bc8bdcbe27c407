package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.netty.linux.RawFrames;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * A backup is silent (RFC 9568 §6.4.2): seen from a client on the LAN, it answers no ARP request and no
 * Neighbor Solicitation for the virtual addresses (even when a crashed run left them on its interface),
 * and it takes no frame addressed to the virtual MAC ({@code use_vmac}: its macvlan carries that MAC in
 * every state); once it is master it does all of that.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@Requires({Prerequisite.NETNS, Prerequisite.NFT, Prerequisite.TCPDUMP, Prerequisite.TSHARK})
class BackupSilenceTest {
    private static final String VIP = "198.18.1.100";
    private static final String VIP6 = "2001:db8::100";
    @TempDir
    Path dir;
    private NetnsLab lab;
    private String a;
    private String b;
    private String client;
    private VrrpNode nodeA;
    private VrrpNode nodeB;
    private final StateEvents events = new StateEvents();

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("bs");
        a = lab.addHost("a", "198.18.1.1/24");
        b = lab.addHost("b", "198.18.1.2/24");
        client = lab.addHost("c", "198.18.1.9/24");
        for (String ns : List.of(a, b, client)) {
            NetnsLab.awaitOperUp(ns);
            NetnsLab.linkLocal(ns);
        }
        lab.ip(client, "-6", "addr", "add", "2001:db8::9/64", "dev", "eth0", "nodad");
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
        VirtualRouterConfig v4 = VirtualRouterConfig.builder().name("VI_4").interfaceName("eth0").vrid(71)
                .priority(priority).advertInterval(Duration.ofMillis(100)).acceptMode(true)
                .addVirtualAddress(InetAddress.ofLiteral(VIP)).build();
        VrrpNode.Builder builder = VrrpNode.builder().addRouter(v4).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> name + " " + router + " " + to));
        if (vmac) {
            builder.virtualMac("VI_4");
        } else {
            builder.addRouter(Ipv6NodeTest.v6("VI_6", 71, priority).acceptMode(true).build());
        }
        return NetnsLab.inside(ns, builder::build);
    }

    private static String mac(String ns, String ifname) throws Exception {
        String link = NetnsLab.run("ip", "-n", ns, "link", "show", ifname);
        int at = link.indexOf("link/ether ") + "link/ether ".length();
        return link.substring(at, at + 17);
    }

    /** The client resolves both virtual addresses afresh (ARP, NS), waiting until it has an answer. */
    private void resolve() throws Exception {
        lab.ip(client, "neigh", "flush", "dev", "eth0");
        lab.ip(client, "-6", "neigh", "flush", "dev", "eth0");
        for (String vip : List.of(VIP, VIP6)) {
            String family = vip.contains(":") ? "-6" : "-4";
            String neigh = "";
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); !neigh.contains("lladdr")
                    && System.nanoTime() < end; Thread.sleep(100)) {
                NetnsLab.inside(client, () -> { // a datagram makes the kernel resolve the address
                    try (DatagramSocket u = new DatagramSocket()) {
                        u.send(new DatagramPacket(new byte[1], 1, InetAddress.ofLiteral(vip), 9));
                    }
                    return null;
                });
                neigh = lab.ip(client, family, "neigh", "show", vip, "dev", "eth0");
            }
            assertThat(neigh).as("the client resolved %s", vip).contains("lladdr");
        }
        Thread.sleep(300); // a late second answer would show in the capture
    }

    @Test
    void aBackupAnswersNoArpAndNoNeighborSolicitationForTheVirtualAddressesEvenWithLeftovers() throws Exception {
        // a crashed run left both addresses on b: a backup must not answer for them
        lab.ip(b, "addr", "add", VIP + "/32", "dev", "eth0");
        lab.ip(b, "-6", "addr", "add", VIP6 + "/64", "dev", "eth0", "nodad");
        Path pcap = dir.resolve("silence.pcap");
        Process dump = lab.exec(client, List.of("tcpdump", "--immediate-mode", "-U", "-i", "eth0", "-w", pcap.toString(),
                "arp or icmp6")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(700);
        nodeA = node(a, "a", 200, false);
        nodeB = node(b, "b", 100, false);
        events.await(Duration.ofSeconds(10), "a VI_4 MASTER", "a VI_6 MASTER", "b VI_4 BACKUP", "b VI_6 BACKUP");
        Thread.sleep(300);
        long phase1 = System.currentTimeMillis();
        resolve();
        long phase2 = System.currentTimeMillis();

        nodeA.close(); // b takes over within Skew_Time
        nodeA = null;
        events.await(Duration.ofSeconds(5), "b VI_4 MASTER", "b VI_6 MASTER");
        Thread.sleep(300);
        resolve();
        Thread.sleep(500);
        new ProcessBuilder("kill", "-INT", Long.toString(dump.pid())).start().waitFor(5, TimeUnit.SECONDS);
        dump.waitFor(5, TimeUnit.SECONDS);

        String macA = mac(a, "eth0");
        String macB = mac(b, "eth0");
        // ARP replies and solicited NAs for the virtual addresses, with the time they were seen
        List<String> answers = tshark(pcap, "(arp.opcode == 2 && arp.src.proto_ipv4 == " + VIP + ") || (icmpv6.type == 136"
                + " && icmpv6.nd.na.flag.s == 1 && icmpv6.nd.na.target_address == " + VIP6 + ")",
                "frame.time_epoch", "eth.src", "arp.src.proto_ipv4", "icmpv6.nd.na.target_address");
        List<String> whileBackup = answers.stream().filter(l -> epochMillis(l) >= phase1 && epochMillis(l) < phase2).toList();
        List<String> whileMaster = answers.stream().filter(l -> epochMillis(l) >= phase2).toList();
        assertThat(whileBackup).as("a answered ARP and NS while b was backup: %s", answers)
                .anyMatch(l -> l.contains("|" + VIP + "|")).anyMatch(l -> l.endsWith("|" + VIP6))
                .allSatisfy(l -> assertThat(l).as("only the master answers").contains("|" + macA + "|"));
        assertThat(whileMaster).as("b answers once master: %s", answers)
                .anyMatch(l -> l.contains("|" + VIP + "|")).anyMatch(l -> l.endsWith("|" + VIP6))
                .allSatisfy(l -> assertThat(l).contains("|" + macB + "|"));
    }

    @Test
    void aBackupTakesNoFrameForTheVirtualMacAndTakesThemOnceMaster() throws Exception {
        // the switch floods every frame (it learns nothing), as it does for a MAC it has not learned or forgot
        lab.ip(lab.switchNamespace(), "link", "set", "br0", "type", "bridge", "ageing_time", "0");
        nodeA = node(a, "a", 200, true);
        nodeB = node(b, "b", 100, true);
        events.await(Duration.ofSeconds(10), "a VI_4 MASTER", "b VI_4 BACKUP");
        byte[] vmac = HexFormat.ofDelimiter(":").parseHex("00:00:5e:00:01:47");
        byte[] clientMac = HexFormat.ofDelimiter(":").parseHex(mac(client, "eth0"));
        // to b's own address, by the virtual MAC: only a taken frame can reach the listener
        byte[] frame = RawFrames.udp4(vmac, clientMac, (Inet4Address) InetAddress.ofLiteral("198.18.1.9"),
                (Inet4Address) InetAddress.ofLiteral("198.18.1.2"), 7777, "to the vMAC".getBytes());
        try (DatagramSocket listener = NetnsLab.inside(b, () -> new DatagramSocket(new InetSocketAddress(7777)))) {
            listener.setSoTimeout(300);
            for (int i = 0; i < 5; i++) {
                assertThat(NetnsLab.inside(client, () -> RawFrames.send("eth0", frame))).isZero();
                assertThat(received(listener)).as("a backup takes no frame addressed to the virtual MAC").isFalse();
            }
            assertThat(nodeB.status().getFirst().state()).as("adverts still reach b's macvlan").isEqualTo(State.BACKUP);
            assertThat(NetnsLab.run("ip", "netns", "exec", b, "nft", "list", "table", "netdev", "vrrp4j-eth0-4-71"))
                    .contains("device \"vrrp.71\"").contains("00:00:5e:00:01:47");

            nodeA.close();
            nodeA = null;
            events.await(Duration.ofSeconds(5), "b VI_4 MASTER");
            boolean taken = false;
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); !taken && System.nanoTime() < end; ) {
                NetnsLab.inside(client, () -> RawFrames.send("eth0", frame));
                taken = received(listener);
            }
            assertThat(taken).as("the master takes frames to the virtual MAC").isTrue();
        }
        nodeB.close();
        nodeB = null;
        assertThat(NetnsLab.run("ip", "netns", "exec", b, "nft", "list", "tables")).doesNotContain("vrrp4j-");
    }

    private static boolean received(DatagramSocket s) throws Exception {
        try {
            s.receive(new DatagramPacket(new byte[64], 64));
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static long epochMillis(String line) {
        return (long) (Double.parseDouble(line.substring(0, line.indexOf('|'))) * 1000);
    }

    static List<String> tshark(Path pcap, String filter, String... fields) throws Exception {
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
