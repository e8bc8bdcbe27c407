package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.RouterCounters;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.AuthType;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpCodec;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;
import org.vrrp4j.netty.linux.RawVrrpSocket;
import org.vrrp4j.testkit.lab.NetnsLab;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;

/**
 * What vrrp4j puts on the wire over IPv6 (VRRPv3 adverts and unsolicited Neighbor Advertisements,
 * checked by tshark), an IPv4 and an IPv6 router with the same VRID sharing an interface, and what
 * malformed IPv6 adverts do to a node (a counter, nothing else).
 */
class Ipv6WireTest {
    private static final byte[] GROUP6 = VrrpCodec.IPV6_GROUP.getAddress();
    private static final int EINVAL = 22;
    @TempDir
    Path dir;
    private NetnsLab lab;
    private String a;
    private String b;
    private VrrpNode master;
    private VrrpNode backup;

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("vt");
        a = lab.add("a");
        b = lab.add("b");
        lab.linkIpv6(a, b);
    }

    @AfterEach
    void cleanup() {
        for (VrrpNode n : new VrrpNode[] {master, backup}) {
            if (n != null) {
                n.close();
            }
        }
        lab.close();
    }

    static void requireTshark() {
        Prerequisites.require(Prerequisite.TSHARK, Prerequisite.TCPDUMP);
    }

    static String mac(String ns) throws Exception {
        String out = NetnsLab.run("ip", "-n", ns, "-o", "link", "show", "eth0");
        return out.substring(out.indexOf("link/ether ") + 11).split("\\s+")[0];
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

    @Test
    void tsharkDecodesOurIpv6AdvertsAndNeighborAdvertisementsWithoutAMalformedOrBadChecksumMark() throws Exception {
        requireTshark();
        NetnsLab.run("ip", "-n", a, "addr", "add", "198.18.1.1/24", "dev", "eth0");
        NetnsLab.run("ip", "-n", b, "addr", "add", "198.18.1.2/24", "dev", "eth0");
        InetAddress llA = NetnsLab.linkLocal(a);
        String macA = mac(a);
        Path pcap = dir.resolve("wire6.pcap");
        Process dump = new ProcessBuilder("ip", "netns", "exec", b, "tcpdump", "--immediate-mode", "-i", "eth0", "-U", "-w", pcap.toString(),
                "ip proto 112 or ip6 proto 112 or icmp6").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(700);
        // one IPv4 and one IPv6 router with the same VRID on one interface: two sockets, no clash
        VirtualRouterConfig v4 = VirtualRouterConfig.builder().name("VI_4").interfaceName("eth0").vrid(61).priority(200)
                .advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
        VirtualRouterConfig v6 = Ipv6NodeTest.v6("VI_6", 61, 200).build();
        // NA cadence: 2 per address at once, 2 more after 1 s (keepalived's garp_master_repeat / _delay)
        master = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(v4).addRouter(v6)
                .gratuitousArp(2, Duration.ofSeconds(1)).build());
        Thread.sleep(5000); // MDI (≈ 0.4 s), then 1 s of delay and some margin
        assertThat(master.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(State.MASTER));
        master.close();     // and the priority-0 adverts
        master = null;
        Thread.sleep(1000); // tcpdump writes what it saw up to the signal
        new ProcessBuilder("kill", "-INT", Long.toString(dump.pid())).start().waitFor(5, TimeUnit.SECONDS);
        dump.waitFor(5, TimeUnit.SECONDS);

        List<String> adverts = tshark(pcap, "vrrp && ipv6", "vrrp.version", "vrrp.prio", "vrrp.checksum.status",
                "_ws.malformed", "ipv6.hlim", "ipv6.src", "ipv6.dst", "vrrp.ipv6_addr", "ipv6.tclass", "vrrp.addr_count");
        assertThat(adverts).hasSizeGreaterThan(10);
        assertThat(adverts).allSatisfy(l -> {
            String[] f = l.split("\\|", -1);
            assertThat(f[0]).as("VRRPv3: %s", l).isEqualTo("3");
            assertThat(f[2]).as("checksum Good: %s", l).isEqualTo("1");
            assertThat(f[3]).as("not malformed: %s", l).isEmpty();
            assertThat(f[4]).as("hop limit 255: %s", l).isEqualTo("255");
            assertThat(InetAddress.ofLiteral(f[5])).as("source = the interface's link-local: %s", l).isEqualTo(llA);
            assertThat(f[6]).as("to ff02::12: %s", l).isEqualTo("ff02::12");
            assertThat(InetAddress.ofLiteral(f[7])).as("first address link-local: %s", l).isEqualTo(Ipv6NodeTest.VIP_LL);
            assertThat(f[8]).as("traffic class 0xc0 like IPv4's TOS: %s", l).isEqualTo("0x000000c0");
            assertThat(f[9]).isEqualTo("2");
        });
        assertThat(adverts).anyMatch(l -> l.startsWith("3|200|")).anyMatch(l -> l.startsWith("3|0|"));
        assertThat(tshark(pcap, "vrrp && ip", "vrrp.prio", "vrrp.checksum.status", "_ws.malformed"))
                .as("the IPv4 router of the same VRID ran beside it").anyMatch(l -> l.equals("200|1|"))
                .allSatisfy(l -> assertThat(l).endsWith("|1|"));

        List<String> nas = tshark(pcap, "icmpv6.type == 136", "eth.src", "eth.dst", "ipv6.src", "ipv6.dst", "ipv6.hlim",
                "icmpv6.checksum.status", "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o",
                "icmpv6.nd.na.target_address", "icmpv6.opt.linkaddr", "_ws.malformed");
        assertThat(nas).allSatisfy(l -> {
            String[] f = l.split("\\|", -1);
            assertThat(f[0]).as("from our MAC: %s", l).isEqualTo(macA);
            assertThat(f[1]).as("to all nodes: %s", l).isEqualTo("33:33:00:00:00:01");
            assertThat(f[2]).as("from the address itself, as keepalived: %s", l).isEqualTo(f[9]);
            assertThat(f[3]).isEqualTo("ff02::1");
            assertThat(f[4]).as("hop limit 255: %s", l).isEqualTo("255");
            assertThat(f[5]).as("checksum Good: %s", l).isEqualTo("1");
            assertThat(f[6]).as("Router clear: forwarding is off in the namespace: %s", l).isIn("0", "False");
            assertThat(f[7]).as("Solicited clear: %s", l).isIn("0", "False");
            assertThat(f[8]).as("Override set: %s", l).isIn("1", "True");
            assertThat(f[10]).as("target link-layer address = our MAC: %s", l).isEqualTo(macA);
            assertThat(f[11]).as("not malformed: %s", l).isEmpty();
        });
        assertThat(nas.stream().filter(l -> l.split("\\|")[9].equals("fe80::1:1")).count())
                .as("2 at once + 2 after the delay: %s", nas).isEqualTo(4);
        assertThat(nas.stream().filter(l -> l.split("\\|")[9].equals("2001:db8::100")).count())
                .as("2 at once + 2 after the delay: %s", nas).isEqualTo(4);
    }

    @Test
    void announcementsAreRefreshedWhileMasterAndStopWithIt() throws Exception {
        requireTshark();
        NetnsLab.run("ip", "-n", a, "addr", "add", "198.18.1.1/24", "dev", "eth0");
        Path pcap = dir.resolve("refresh.pcap");
        Process dump = new ProcessBuilder("ip", "netns", "exec", b, "tcpdump", "--immediate-mode", "-i", "eth0", "-U", "-w",
                pcap.toString(), "arp or icmp6 or ip proto 112 or ip6 proto 112").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(700);
        VirtualRouterConfig v4 = VirtualRouterConfig.builder().name("VI_4").interfaceName("eth0").vrid(61).priority(200)
                .advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
        // keepalived's garp_master_refresh 0.3 s with garp_master_refresh_repeat 2, no delayed second burst
        master = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(v4).addRouter(Ipv6NodeTest.v6("VI_6", 61, 200).build())
                .gratuitousArp(1, Duration.ZERO).announceRefresh(Duration.ofMillis(300), 2).build());
        Thread.sleep(2500);
        master.close();
        master = null;
        Thread.sleep(1000); // after the priority-0 adverts nothing more is announced
        new ProcessBuilder("kill", "-INT", Long.toString(dump.pid())).start().waitFor(5, TimeUnit.SECONDS);
        dump.waitFor(5, TimeUnit.SECONDS);

        double lastAdvert = tshark(pcap, "vrrp.prio == 0", "frame.time_relative").stream().mapToDouble(Double::parseDouble)
                .max().orElseThrow();
        for (String filter : List.of("icmpv6.type == 136 && icmpv6.nd.na.target_address == 2001:db8::100",
                "arp.src.proto_ipv4 == 198.18.1.100")) {
            List<Double> t = tshark(pcap, filter, "frame.time_relative").stream().map(Double::parseDouble).toList();
            // 1 at once, then 2 every 0.3 s for the ~2.1 s as master: about 13
            assertThat(t).as("%s: %s", filter, t).hasSizeGreaterThanOrEqualTo(9);
            for (int i = 1; i < t.size(); i++) {
                double gap = t.get(i) - t.get(i - 1);
                assertThat(gap < 0.005 || gap > 0.25).as("%s: a burst, or a refresh 0.3 s later: %s", filter, t).isTrue();
            }
            assertThat(t.getLast()).as("no refresh after the master stopped").isLessThan(lastAdvert);
        }
    }

    private static RouterStatus status(VrrpNode node, String name) {
        return node.status().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aMessageTheKernelRefusesInTheMiddleOfABatchFailsAloneAndTheRestLeave() throws Exception {
        // sendmmsg stops at the refused message; the socket sends on from the next one
        byte[] src = NetnsLab.linkLocal(a).getAddress();
        RawVrrpSocket receiver = NetnsLab.inside(b, () -> RawVrrpSocket.openIpv6("eth0"));
        try {
            int[] errnos = new int[RawVrrpSocket.BATCH];
            int n = NetnsLab.inside(a, () -> {
                try (RawVrrpSocket s = RawVrrpSocket.openIpv6("eth0")) {
                    for (int vrid : new int[] {1, 2, 3, 4}) {
                        VrrpPacket p = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV6, vrid, 200, 10,
                                List.of(Ipv6NodeTest.VIP_LL), AuthType.NONE, null);
                        int len = encode(s, p, src);
                        // 2 and 3: too short to hold the checksum the kernel fills at offset 6 (EINVAL)
                        assertThat(s.queue(vrid == 2 || vrid == 3 ? 4 : len, src, GROUP6)).isTrue();
                    }
                    return s.flush(errnos);
                }
            });
            assertThat(n).isEqualTo(4);
            assertThat(java.util.Arrays.copyOf(errnos, 4)).containsExactly(0, EINVAL, EINVAL, 0);
            ReceiveDecoder decoder = new ReceiveDecoder(IpFamily.IPV6);
            RawVrrpSocket.Received r = new RawVrrpSocket.Received();
            List<Integer> vrids = new java.util.ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (vrids.size() < 2 && System.nanoTime() < end) {
                if (receiver.receive(r)) {
                    assertThat(decoder.decode(r.datagram, r.length, r.source, r.destination, r.hopLimit)).isNull();
                    vrids.add(decoder.vrid());
                } else {
                    Thread.sleep(1);
                }
            }
            Thread.sleep(200); // nothing else comes
            while (receiver.receive(r)) {
                vrids.add(-1);
            }
            assertThat(vrids).containsExactly(1, 4);
        } finally {
            receiver.close();
        }
    }

    @Test
    void malformedIpv6AdvertsChangeNothingButTheirOwnCounter() throws Exception {
        InetAddress llA = NetnsLab.linkLocal(a);
        master = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(Ipv6NodeTest.v6("VI_6", 61, 200).build()).build());
        // VI_7 has no peer: b is its master, and an accepted priority-250 advert would push it to BACKUP
        backup = NetnsLab.inside(b, () -> VrrpNode.builder().addRouter(Ipv6NodeTest.v6("VI_6", 61, 100).build())
                .addRouter(Ipv6NodeTest.v6("VI_7", 62, 100).build()).build());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (status(backup, "VI_7").state() != State.MASTER && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(status(backup, "VI_6").state()).isEqualTo(State.BACKUP);
        assertThat(status(backup, "VI_7").state()).isEqualTo(State.MASTER);
        RouterCounters before6 = status(backup, "VI_6").counters();
        RouterCounters before7 = status(backup, "VI_7").counters();
        byte[] src = llA.getAddress();
        VrrpPacket good61 = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV6, 61, 200, 10,
                List.of(Ipv6NodeTest.VIP_LL, Ipv6NodeTest.VIP_DOC), AuthType.NONE, null);
        VrrpPacket globalFirst = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV6, 61, 200, 10,
                List.of(Ipv6NodeTest.VIP_DOC, Ipv6NodeTest.VIP_LL), AuthType.NONE, null);
        VrrpPacket winner62 = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV6, 62, 250, 10,
                List.of(Ipv6NodeTest.VIP_LL, Ipv6NodeTest.VIP_DOC), AuthType.NONE, null);
        NetnsLab.inside(a, () -> {
            try (RawVrrpSocket s = RawVrrpSocket.openIpv6("eth0"); RawVrrpSocket lowHops = RawVrrpSocket.openIpv6("eth0");
                    RawVrrpSocket noSum = RawVrrpSocket.openIpv6("eth0")) {
                lowHops.multicastTtl(64);
                noSum.kernelChecksum(false); // our own checksum goes out as written
                for (int i = 0; i < 3; i++) {
                    lowHops.send(encode(lowHops, good61, src), src, GROUP6);  // hop limit 64 on a multicast advert
                    s.send(encode(s, globalFirst, src), src, GROUP6);         // first address not link-local: counted only
                    s.send(encode(s, good61, src) - 2, src, GROUP6);          // length vs count
                    int len = encode(noSum, winner62, src);
                    noSum.sendBuffer().put(7, (byte) (noSum.sendBuffer().get(7) ^ 0x5a));
                    noSum.send(len, src, GROUP6);                             // bad checksum, would win
                }
            }
            return null;
        });
        Thread.sleep(500);
        RouterCounters after6 = status(backup, "VI_6").counters();
        RouterCounters after7 = status(backup, "VI_7").counters();
        for (DropReason r : List.of(DropReason.TTL_INVALID, DropReason.LENGTH_INVALID)) {
            assertThat(after6.dropped(r) - before6.dropped(r)).as(r.name()).isEqualTo(3);
        }
        // a list that starts with a global address is what keepalived sends for a global-only file:
        // counted and processed (erratum 8300), never dropped
        assertThat(after6.ipv6GlobalFirstLists() - before6.ipv6GlobalFirstLists()).isEqualTo(3);
        assertThat(after6.dropped(DropReason.IPV6_FIRST_NOT_LINK_LOCAL)).isZero();
        // the kernel (IPV6_CHECKSUM) drops a bad checksum before the socket delivers it: no counter moves
        assertThat(after7.dropped(DropReason.CHECKSUM_INVALID) - before7.dropped(DropReason.CHECKSUM_INVALID)).isZero();
        assertThat(after7.advertisementsReceived()).isEqualTo(before7.advertisementsReceived());
        assertThat(status(backup, "VI_7").state()).as("the bad-checksum advert never arrived").isEqualTo(State.MASTER);
        assertThat(status(backup, "VI_6").state()).isEqualTo(State.BACKUP);
        assertThat(after6.masterTransitions()).isEqualTo(before6.masterTransitions());
        assertThat(status(backup, "VI_6").master()).contains(llA);

        // the same advert with a good checksum does win: the check above could fail
        NetnsLab.inside(a, () -> {
            try (RawVrrpSocket s = RawVrrpSocket.openIpv6("eth0")) {
                s.send(encode(s, winner62, src), src, GROUP6);
            }
            return null;
        });
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (status(backup, "VI_7").counters().advertisementsReceived() == before7.advertisementsReceived()
                && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(status(backup, "VI_7").counters().advertisementsReceived()).isEqualTo(before7.advertisementsReceived() + 1);
    }

    private static int encode(RawVrrpSocket s, VrrpPacket p, byte[] src) {
        ByteBuffer buf = s.sendBuffer();
        return VrrpCodec.encode(p, src, GROUP6, ChecksumForm.IPV4_PSEUDO_HEADER, buf, 0);
    }
}
