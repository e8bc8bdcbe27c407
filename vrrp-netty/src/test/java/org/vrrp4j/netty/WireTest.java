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
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpCodec;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;
import org.vrrp4j.netty.linux.RawVrrpSocket;
import org.vrrp4j.testkit.lab.NetnsLab;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;

/** What vrrp4j puts on the wire (checked by tshark) and what malformed packets do to it (a counter, nothing else). */
class WireTest {
    private static final InetAddress VIP = InetAddress.ofLiteral("198.18.1.100");
    private static final byte[] GROUP = VrrpCodec.IPV4_GROUP.getAddress();
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
        lab.link(a, "198.18.1.1/24", b, "198.18.1.2/24");
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

    private static VirtualRouterConfig v3(int prio) {
        return VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(51).priority(prio)
                .advertInterval(Duration.ofMillis(100)).addVirtualAddress(VIP).build();
    }

    private static VirtualRouterConfig v2(int prio) {
        return VirtualRouterConfig.builder().name("VI_2").interfaceName("eth0").vrid(52).priority(prio)
                .version(VrrpVersion.V2).advertInterval(Duration.ofSeconds(1)).authKey(VrrpAuthKey.ofPassword("secret"))
                .addVirtualAddress(InetAddress.ofLiteral("198.18.1.101")).build();
    }

    private static RouterStatus status(VrrpNode node, String name) {
        return node.status().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void tsharkDecodesEveryAdvertWeSendWithoutAMalformedOrBadChecksumMark() throws Exception {
        Prerequisites.require(Prerequisite.TSHARK, Prerequisite.TCPDUMP);
        Path pcap = dir.resolve("wire.pcap");
        Process dump = new ProcessBuilder("ip", "netns", "exec", b, "tcpdump", "-i", "eth0", "-U", "-w", pcap.toString(),
                "ip proto 112").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(700);
        master = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(v3(200)).addRouter(v2(200)).build());
        Thread.sleep(4500); // v3 and v2 masters advertising
        master.close();     // and their priority-0 adverts
        master = null;
        Thread.sleep(1000); // tcpdump writes what it saw up to the signal
        new ProcessBuilder("kill", "-INT", Long.toString(dump.pid())).start().waitFor(5, TimeUnit.SECONDS);
        dump.waitFor(5, TimeUnit.SECONDS);
        Process t = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(), "-T", "fields", "-E", "separator=|",
                "-e", "vrrp.version", "-e", "vrrp.prio", "-e", "vrrp.checksum.status", "-e", "_ws.malformed",
                "-e", "vrrp.auth_type", "-e", "ip.ttl", "-e", "ip.dsfield").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(t.getInputStream().readAllBytes()).lines().toList();
        t.waitFor(30, TimeUnit.SECONDS);
        assertThat(lines).hasSizeGreaterThan(10);
        assertThat(lines).allSatisfy(l -> {
            String[] f = l.split("\\|", -1);
            assertThat(f[2]).as("checksum Good: %s", l).isEqualTo("1");
            assertThat(f[3]).as("not malformed: %s", l).isEmpty();
            assertThat(f[5]).as("TTL 255: %s", l).isEqualTo("255");
            assertThat(f[6]).as("DSCP/TOS 0xc0 like keepalived: %s", l).isEqualTo("0xc0");
        });
        assertThat(lines).anyMatch(l -> l.startsWith("3|200|")).anyMatch(l -> l.startsWith("2|200|1|"))
                .anyMatch(l -> l.startsWith("3|0|")).anyMatch(l -> l.startsWith("2|0|"));
    }

    @Test
    void aBurstOfAdvertsFromManyRoutersInPhaseIsReceivedWhole() throws Exception {
        // a master of 255 routers on a link sends their adverts at one instant (see NettyLoop.hold); with the
        // kernel's default receive buffer the tail of such a burst was dropped
        int burst = 500;
        RawVrrpSocket receiver = NetnsLab.inside(b, () -> RawVrrpSocket.open("eth0"));
        try {
            byte[] src = InetAddress.ofLiteral("198.18.1.1").getAddress();
            NetnsLab.inside(a, () -> {
                try (RawVrrpSocket s = RawVrrpSocket.open("eth0")) {
                    for (int i = 0; i < burst; i++) {
                        VrrpPacket p = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV4, 1 + i % 255, 200, 10, List.of(VIP),
                                AuthType.NONE, null);
                        assertThat(s.send(encode(s, p), src, GROUP)).as("send %d", i).isZero();
                    }
                }
                return null;
            });
            RawVrrpSocket.Received r = new RawVrrpSocket.Received();
            int got = 0;
            long end = System.nanoTime() + 5_000_000_000L;
            while (got < burst && System.nanoTime() < end) {
                if (receiver.receive(r)) {
                    got++;
                } else {
                    Thread.sleep(1); // the burst is still on its way through the veth's backlog
                }
            }
            assertThat(got).as("adverts of the burst received").isEqualTo(burst);
        } finally {
            receiver.close();
        }
    }

    @Test
    void aBatchLeavesWholeInQueueOrderAsValidAdverts() throws Exception {
        // more than two batches: a full batch is sent and the queue goes on into the next
        int adverts = 2 * RawVrrpSocket.BATCH + 22;
        RawVrrpSocket receiver = NetnsLab.inside(b, () -> RawVrrpSocket.open("eth0"));
        try {
            byte[] src = InetAddress.ofLiteral("198.18.1.1").getAddress();
            List<Integer> flushed = new java.util.ArrayList<>();
            NetnsLab.inside(a, () -> {
                try (RawVrrpSocket s = RawVrrpSocket.open("eth0")) {
                    int[] errnos = new int[RawVrrpSocket.BATCH];
                    for (int i = 0; i < adverts; i++) {
                        int len = encode(s, advert(i));
                        if (!s.queue(len, src, GROUP)) {
                            assertThat(s.queued()).isEqualTo(RawVrrpSocket.BATCH);
                            flushed.add(s.flush(errnos));
                            assertThat(errnos).as("every advert of the full batch sent").containsOnly(0);
                            assertThat(s.queue(len, src, GROUP)).isTrue();
                        }
                    }
                    int n = s.flush(errnos);
                    flushed.add(n);
                    assertThat(java.util.Arrays.copyOf(errnos, n)).containsOnly(0);
                    assertThat(s.queued()).isZero();
                    assertThat(s.flush(errnos)).as("an empty batch sends nothing").isZero();
                }
                return null;
            });
            assertThat(flushed).containsExactly(RawVrrpSocket.BATCH, RawVrrpSocket.BATCH, 22);
            ReceiveDecoder decoder = new ReceiveDecoder(IpFamily.IPV4);
            RawVrrpSocket.Received r = new RawVrrpSocket.Received();
            List<Integer> vrids = new java.util.ArrayList<>();
            long end = System.nanoTime() + 5_000_000_000L;
            while (vrids.size() < adverts && System.nanoTime() < end) {
                if (receiver.receive(r)) {
                    assertThat(decoder.decode(r.datagram, r.length, r.source, r.destination, r.hopLimit))
                            .as("advert %d decodes (checksum, TTL, length)", vrids.size()).isNull();
                    assertThat(decoder.advert().packet().priority()).isEqualTo(100 + vrids.size());
                    vrids.add(decoder.vrid());
                } else {
                    Thread.sleep(1);
                }
            }
            assertThat(vrids).as("every advert, in the order queued")
                    .isEqualTo(java.util.stream.IntStream.range(0, adverts).map(i -> 1 + i).boxed().toList());
        } finally {
            receiver.close();
        }
    }

    private static VrrpPacket advert(int i) {
        return new VrrpPacket(VrrpVersion.V3, IpFamily.IPV4, 1 + i, 100 + i, 10, List.of(VIP), AuthType.NONE, null);
    }

    @Test
    void aNodeOfManyMastersSendsEveryRoutersAdvertsAndChargesARefusedOneToItsOwnRouter() throws Exception {
        // the masters advertise in phase, so their adverts leave in batches (InterfaceChannel.queue); a firewall
        // dropping one VRID's adverts makes sendmmsg fail in the middle of each batch
        Prerequisites.require(Prerequisite.NFT);
        int routers = 80;
        int refused = 7;
        NetnsLab.run("ip", "netns", "exec", a, "nft", "add table inet v4jdrop ; "
                + "add chain inet v4jdrop out { type filter hook output priority 0 ; } ; "
                + "add rule inet v4jdrop out meta l4proto 112 @th,8,8 " + refused + " drop");
        RawVrrpSocket receiver = NetnsLab.inside(b, () -> RawVrrpSocket.open("eth0"));
        try {
            master = NetnsLab.inside(a, () -> {
                VrrpNode.Builder nb = VrrpNode.builder();
                for (int v = 1; v <= routers; v++) {
                    nb.addRouter(VirtualRouterConfig.builder().name("R" + v).interfaceName("eth0").vrid(v).priority(200)
                            .advertInterval(Duration.ofMillis(100))
                            .addVirtualAddress(InetAddress.ofLiteral("198.18.1." + (100 + v))).build());
                }
                return nb.build();
            });
            ReceiveDecoder decoder = new ReceiveDecoder(IpFamily.IPV4);
            RawVrrpSocket.Received r = new RawVrrpSocket.Received();
            int[] heard = new int[routers + 1];
            long end = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < end && java.util.stream.IntStream.rangeClosed(1, routers)
                    .anyMatch(v -> v != refused && heard[v] < 10)) {
                if (receiver.receive(r)) {
                    if (decoder.decode(r.datagram, r.length, r.source, r.destination, r.hopLimit) == null) {
                        heard[decoder.vrid()]++;
                    }
                } else {
                    Thread.sleep(1);
                }
            }
            for (int v = 1; v <= routers; v++) {
                if (v != refused) {
                    assertThat(heard[v]).as("adverts of R%d", v).isGreaterThanOrEqualTo(10);
                }
            }
            assertThat(heard[refused]).as("adverts of the refused R%d", refused).isZero();
            for (RouterStatus st : master.status()) {
                assertThat(st.state()).as(st.name()).isEqualTo(State.MASTER);
                if (st.name().equals("R" + refused)) {
                    assertThat(st.sendErrors()).as("refused adverts charged to their router").isGreaterThanOrEqualTo(10);
                } else {
                    assertThat(st.sendErrors()).as("%s: none of its adverts failed", st.name()).isZero();
                }
            }
        } finally {
            receiver.close();
        }
    }

    @Test
    void malformedPacketsChangeNothingButTheirOwnCounter() throws Exception {
        master = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(v3(200)).addRouter(v2(200)).build());
        backup = NetnsLab.inside(b, () -> VrrpNode.builder().addRouter(v3(100)).addRouter(v2(100)).build());
        Thread.sleep(3500);
        assertThat(status(backup, "VI_1").state()).isEqualTo(State.BACKUP);
        assertThat(status(backup, "VI_2").state()).isEqualTo(State.BACKUP);
        RouterCounters before1 = status(backup, "VI_1").counters();
        RouterCounters before2 = status(backup, "VI_2").counters();
        byte[] src = InetAddress.ofLiteral("198.18.1.1").getAddress();
        VrrpPacket good3 = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV4, 51, 200, 10, List.of(VIP), AuthType.NONE, null);
        VrrpPacket wrongAuth = new VrrpPacket(VrrpVersion.V2, IpFamily.IPV4, 52, 200, 1,
                List.of(InetAddress.ofLiteral("198.18.1.101")), AuthType.SIMPLE_TEXT, VrrpAuthKey.ofPassword("guessed"));
        NetnsLab.inside(a, () -> {
            try (RawVrrpSocket s = RawVrrpSocket.open("eth0"); RawVrrpSocket lowTtl = RawVrrpSocket.open("eth0")) {
                lowTtl.multicastTtl(64);
                for (int i = 0; i < 3; i++) {
                    int len = encode(lowTtl, good3);                          // TTL 64 on a multicast advert
                    lowTtl.send(len, src, GROUP);
                    len = encode(s, good3);
                    s.sendBuffer().put(7, (byte) (s.sendBuffer().get(7) ^ 0x5a)); // checksum
                    s.send(len, src, GROUP);
                    len = encode(s, good3);
                    s.sendBuffer().put(0, (byte) 0x41);                      // version 4
                    s.send(len, src, GROUP);
                    len = encode(s, good3);
                    s.send(len - 2, src, GROUP);                             // length vs count
                    len = encode(s, wrongAuth);                              // v2 PASS with the wrong key
                    s.send(len, src, GROUP);
                }
            }
            return null;
        });
        Thread.sleep(500);
        RouterCounters after1 = status(backup, "VI_1").counters();
        RouterCounters after2 = status(backup, "VI_2").counters();
        for (DropReason r : List.of(DropReason.TTL_INVALID, DropReason.CHECKSUM_INVALID, DropReason.VERSION_INVALID,
                DropReason.LENGTH_INVALID)) {
            assertThat(after1.dropped(r) - before1.dropped(r)).as(r.name()).isEqualTo(3);
        }
        assertThat(after2.dropped(DropReason.AUTH_FAILURE) - before2.dropped(DropReason.AUTH_FAILURE)).isEqualTo(3);
        assertThat(status(backup, "VI_1").state()).isEqualTo(State.BACKUP);
        assertThat(status(backup, "VI_2").state()).isEqualTo(State.BACKUP);
        assertThat(after1.masterTransitions()).isEqualTo(before1.masterTransitions());
        assertThat(status(backup, "VI_1").master()).contains(InetAddress.ofLiteral("198.18.1.1"));
    }

    private static int encode(RawVrrpSocket s, VrrpPacket p) {
        ByteBuffer buf = s.sendBuffer();
        return VrrpCodec.encode(p, InetAddress.ofLiteral("198.18.1.1").getAddress(), GROUP,
                ChecksumForm.IPV4_PSEUDO_HEADER, buf, 0);
    }
}
