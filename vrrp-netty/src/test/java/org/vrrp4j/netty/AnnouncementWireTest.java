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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Every announcement a new master sends, as a client on the LAN captures it and tshark decodes it:
 * gratuitous ARP (a request to broadcast, sender = target = the VIP, target MAC broadcast as keepalived
 * sends it, sender MAC = frame source = the interface's MAC or the virtual MAC) and unsolicited Neighbor
 * Advertisements (to ff02::1 and its MAC,
 * target = the VIP, Override set, Solicited clear, target link-layer address = the frame source, and the
 * Router flag as decided in {@code NeighborAnnouncer}: set exactly when IPv6 forwarding is on).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@Requires({Prerequisite.NETNS, Prerequisite.TCPDUMP, Prerequisite.TSHARK})
class AnnouncementWireTest {
    private static final String VIP = "198.18.1.100";
    @TempDir
    Path dir;
    private NetnsLab lab;
    private String a;
    private String client;
    private VrrpNode node;
    private final StateEvents events = new StateEvents();

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("aw");
        a = lab.addHost("a", "198.18.1.1/24");
        client = lab.addHost("c", "198.18.1.9/24");
        for (String ns : List.of(a, client)) {
            NetnsLab.awaitOperUp(ns);
            NetnsLab.linkLocal(ns);
        }
    }

    @AfterEach
    void cleanup() {
        if (node != null) {
            node.close();
        }
        lab.close();
    }

    @Test
    void onAServerWithoutForwardingTheNeighborAdvertsCarryNoRouterFlag() throws Exception {
        check(false, false);
    }

    @Test
    void onARouterWithVirtualMacsTheyCarryTheRouterFlagAndTheVirtualMac() throws Exception {
        check(true, true);
    }

    private void check(boolean forwarding, boolean vmac) throws Exception {
        String value = forwarding ? "1" : "0";
        NetnsLab.run("ip", "netns", "exec", a, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=" + value,
                "net.ipv6.conf.default.forwarding=" + value);
        Path pcap = dir.resolve("announce.pcap");
        Process dump = lab.exec(client, List.of("tcpdump", "--immediate-mode", "-U", "-i", "eth0", "-w", pcap.toString(),
                "arp or icmp6")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(700);
        VirtualRouterConfig v4 = VirtualRouterConfig.builder().name("VI_4").interfaceName("eth0").vrid(71).priority(200)
                .advertInterval(Duration.ofMillis(100)).acceptMode(true).addVirtualAddress(InetAddress.ofLiteral(VIP)).build();
        VirtualRouterConfig v6 = Ipv6NodeTest.v6("VI_6", 71, 200).acceptMode(true).build();
        node = NetnsLab.inside(a, () -> {
            VrrpNode.Builder b = VrrpNode.builder().addRouter(v4).addRouter(v6).gratuitousArp(3, Duration.ZERO)
                    .listener(events.listener((router, to, reason) -> router + " " + to));
            if (vmac) {
                b.virtualMac("VI_4").virtualMac("VI_6");
            }
            return b.build();
        });
        events.await(Duration.ofSeconds(10), "VI_4 MASTER", "VI_6 MASTER");
        Thread.sleep(1_000);
        new ProcessBuilder("kill", "-INT", Long.toString(dump.pid())).start().waitFor(5, TimeUnit.SECONDS);
        dump.waitFor(5, TimeUnit.SECONDS);

        String mac4 = vmac ? "00:00:5e:00:01:47" : mac(a);
        String mac6 = vmac ? "00:00:5e:00:02:47" : mac(a);
        List<String> garps = BackupSilenceTest.tshark(pcap, "arp && eth.src != " + mac(client), "eth.src", "eth.dst",
                "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "arp.dst.hw_mac");
        assertThat(garps).as("garp_master_repeat 3, one address").hasSize(3).allSatisfy(l -> assertThat(l)
                .isEqualTo(mac4 + "|ff:ff:ff:ff:ff:ff|1|" + mac4 + "|" + VIP + "|" + VIP + "|ff:ff:ff:ff:ff:ff"));

        List<String> nas = BackupSilenceTest.tshark(pcap, "icmpv6.type == 136 && eth.src != " + mac(client), "eth.src",
                "eth.dst", "ipv6.dst", "ipv6.hlim", "icmpv6.nd.na.target_address", "icmpv6.nd.na.flag.r",
                "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o", "icmpv6.opt.linkaddr");
        String r = forwarding ? "1" : "0";
        assertThat(nas).as("garp_master_repeat 3 per address, both addresses").hasSize(6).allSatisfy(l -> assertThat(l)
                .matches(java.util.regex.Pattern.quote(mac6 + "|33:33:00:00:00:01|ff02::1|255|") + "(fe80::1:1|2001:db8::100)"
                        + java.util.regex.Pattern.quote("|" + r + "|0|1|" + mac6)));
        assertThat(nas).anyMatch(l -> l.contains("|fe80::1:1|")).anyMatch(l -> l.contains("|2001:db8::100|"));
    }

    private static String mac(String ns) throws Exception {
        String link = NetnsLab.run("ip", "-n", ns, "link", "show", "eth0");
        int at = link.indexOf("link/ether ") + "link/ether ".length();
        return link.substring(at, at + 17);
    }
}
