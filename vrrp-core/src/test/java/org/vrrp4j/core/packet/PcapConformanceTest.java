package org.vrrp4j.core.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The tcpdump test suite's captures (../shared/conformance/pcap): every frame of vrrp.pcap decodes,
 * verifies its checksum and equals tcpdump's own decode ({@code vrrp-v.out}) field by field; the
 * malformed captures are rejected with a reason and never make the decoder throw.
 */
class PcapConformanceTest {

    /** One frame as tcpdump -v printed it. */
    record Expected(int frame, int ttl, String src, String dst, int version, int vrid, int prio, String authType,
            int interval, String intervalUnit, int length, List<String> addrs, String auth) {
    }

    private static final Pattern FRAME_START = Pattern.compile("^\\s*(\\d+)\\s+\\d{4}-\\d\\d-\\d\\d ");
    private static final Pattern FIELDS = Pattern.compile(
            "(?:ttl|hlim) (\\d+).*?\\) (\\S+) > (\\S+): VRRPv(\\d), Advertisement, vrid (\\d+), prio (\\d+)"
                    + "(?:, authtype (\\w+))?, intvl (\\d+)(s|cs), length (\\d+), addrs(?:\\(\\d+\\))?: (\\S+)"
                    + "(?: auth \"([^\"]*)\")?\\s*$");

    static List<Expected> tcpdumpDecode() throws IOException {
        List<String> records = new ArrayList<>();
        for (String line : Files.readAllLines(SharedFiles.require("conformance/pcap/vrrp-v.out"))) {
            if (FRAME_START.matcher(line).find()) {
                records.add(line);
            } else if (!records.isEmpty()) {
                records.set(records.size() - 1, records.getLast() + " " + line.strip());
            }
        }
        List<Expected> out = new ArrayList<>();
        for (String r : records) {
            Matcher f = FRAME_START.matcher(r);
            Matcher m = FIELDS.matcher(r);
            assertThat(f.find() && m.find()).as("tcpdump line parses: %s", r).isTrue();
            out.add(new Expected(Integer.parseInt(f.group(1)), Integer.parseInt(m.group(1)), m.group(2), m.group(3),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
                    m.group(7), Integer.parseInt(m.group(8)), m.group(9), Integer.parseInt(m.group(10)),
                    Arrays.asList(m.group(11).split(",")), m.group(12)));
        }
        return out;
    }

    /** What our decoder makes of one Ethernet frame. */
    record Ours(DropReason reason, PacketView view, VrrpPacket packet, byte[] src, byte[] dst, int ttl) {
    }

    static Ours decodeEthernet(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        PacketView view = new PacketView();
        if (frame.length < 14) {
            return new Ours(DropReason.TRUNCATED, view, null, null, null, -1);
        }
        int type = ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
        if (type == 0x0800) {
            Ipv4Datagram ip = new Ipv4Datagram();
            DropReason r = ip.decode(b, 14, frame.length - 14, view);
            return new Ours(r, view, r == null ? view.toPacket() : null, ip.source().clone(), ip.destination().clone(), ip.ttl());
        }
        if (type == 0x86dd) {
            if (frame.length < 14 + 40) {
                return new Ours(DropReason.TRUNCATED, view, null, null, null, -1);
            }
            int payload = ((frame[18] & 0xff) << 8) | (frame[19] & 0xff);
            if ((frame[20] & 0xff) != 112) {
                return new Ours(DropReason.NOT_VRRP, view, null, null, null, -1);
            }
            int hlim = frame[21] & 0xff;
            byte[] src = Arrays.copyOfRange(frame, 22, 38);
            byte[] dst = Arrays.copyOfRange(frame, 38, 54);
            if (payload > frame.length - 54) {
                return new Ours(DropReason.TRUNCATED, view, null, src, dst, hlim);
            }
            DropReason r = view.decode(b, 54, payload, IpFamily.IPV6, src, dst, hlim);
            return new Ours(r, view, r == null ? view.toPacket() : null, src, dst, hlim);
        }
        return new Ours(DropReason.NOT_VRRP, view, null, null, null, -1);
    }

    @Test
    void everyFrameOfVrrpPcapDecodesExactlyAsTcpdumpDecodesIt() throws Exception {
        Pcap pcap = Pcap.read(SharedFiles.require("conformance/pcap/vrrp.pcap"));
        List<Expected> expected = tcpdumpDecode();
        assertThat(pcap.linkType()).isEqualTo(Pcap.ETHERNET);
        assertThat(pcap.frames()).hasSize(165).hasSameSizeAs(expected);
        int v2 = 0, v3v4 = 0, v3v6 = 0;
        for (int i = 0; i < expected.size(); i++) {
            Expected e = expected.get(i);
            Ours o = decodeEthernet(pcap.frames().get(i));
            String where = "frame " + e.frame();
            assertThat(o.reason()).as(where).isNull();
            VrrpPacket p = o.packet();
            assertThat(InetAddress.getByAddress(o.src())).as(where).isEqualTo(InetAddress.ofLiteral(e.src()));
            assertThat(InetAddress.getByAddress(o.dst())).as(where).isEqualTo(InetAddress.ofLiteral(e.dst()));
            assertThat(o.ttl()).as(where).isEqualTo(e.ttl());
            assertThat(p.version().wireValue()).as(where).isEqualTo(e.version());
            assertThat(p.vrid()).as(where).isEqualTo(e.vrid());
            assertThat(p.priority()).as(where).isEqualTo(e.prio());
            assertThat(p.maxAdvertInterval()).as(where).isEqualTo(e.interval());
            assertThat(e.intervalUnit()).as(where).isEqualTo(p.version() == VrrpVersion.V3 ? "cs" : "s");
            assertThat(p.wireLength()).as(where).isEqualTo(e.length());
            assertThat(p.addresses()).as(where)
                    .containsExactlyElementsOf(e.addrs().stream().map(InetAddress::ofLiteral).toList());
            if (p.version() == VrrpVersion.V2) {
                v2++;
                assertThat(o.view().checksumForm()).as(where).isEqualTo(ChecksumForm.MESSAGE_ONLY);
                assertThat(p.authType()).as(where).isEqualTo("simple".equals(e.authType()) ? AuthType.SIMPLE_TEXT : AuthType.NONE);
                if (e.auth() != null) {
                    assertThat(new String(p.authKey().toBytes(), StandardCharsets.US_ASCII)).as(where).isEqualTo(e.auth());
                    assertThat(o.view().authDataMatches(VrrpAuthKey.ofPassword(e.auth()))).as(where).isTrue();
                }
            } else if (p.family() == IpFamily.IPV4) {
                v3v4++;
                // pcap README: every VRRPv3/IPv4 checksum verifies only with the IPv4 pseudo-header
                assertThat(o.view().checksumForm()).as(where).isEqualTo(ChecksumForm.IPV4_PSEUDO_HEADER);
            } else {
                v3v6++;
                assertThat(o.view().checksumForm()).as(where).isEqualTo(ChecksumForm.IPV6_PSEUDO_HEADER);
            }
            // and we encode it back to the captured bytes, checksum included
            byte[] again = VrrpCodec.encode(p, InetAddress.getByAddress(o.src()), InetAddress.getByAddress(o.dst()),
                    o.view().checksumForm() == ChecksumForm.MESSAGE_ONLY ? ChecksumForm.MESSAGE_ONLY : ChecksumForm.IPV4_PSEUDO_HEADER);
            byte[] frame = pcap.frames().get(i);
            int start = p.family() == IpFamily.IPV4 ? 14 + (frame[14] & 0x0f) * 4 : 54;
            assertThat(again).as(where).isEqualTo(Arrays.copyOfRange(frame, start, start + again.length));
        }
        assertThat(new int[] {v2, v3v4, v3v6}).containsExactly(68, 33, 64);
    }

    @Test
    void aCorruptedCaptureFrameIsRejectedByItsChecksum() throws Exception {
        byte[] frame = Pcap.read(SharedFiles.require("conformance/pcap/vrrp.pcap")).frames().getFirst().clone();
        frame[14 + 20 + 2] ^= 0x01; // priority 191 → 190 without fixing the checksum
        assertThat(decodeEthernet(frame).reason()).isEqualTo(DropReason.CHECKSUM_INVALID);
    }

    @Test
    void theShortEthernetCaptureIsRejectedWithAReason() throws Exception {
        Pcap pcap = Pcap.read(SharedFiles.require("conformance/pcap/vrrp-vrrp_print-oobr-2.pcap"));
        assertThat(pcap.frames()).isNotEmpty();
        for (byte[] frame : pcap.frames()) {
            assertThat(decodeEthernet(frame).reason()).as("frame of %d bytes", frame.length).isNotNull();
        }
        anyOffsetNeverThrows(pcap);
    }

    @Test
    void theFrameRelayCaptureIsRejectedWithAReason() throws Exception {
        Pcap pcap = Pcap.read(SharedFiles.require("conformance/pcap/vrrp-vrrp_print-oobr.pcap"));
        assertThat(pcap.linkType()).isEqualTo(Pcap.FRAME_RELAY);
        assertThat(pcap.frames()).isNotEmpty();
        for (byte[] frame : pcap.frames()) {
            // Q.922 address (2 bytes), UI control 0x03, NLPID 0xcc = IPv4; anything else is not VRRP
            DropReason r;
            if (frame.length >= 4 && (frame[2] & 0xff) == 0x03 && (frame[3] & 0xff) == 0xcc) {
                r = new Ipv4Datagram().decode(ByteBuffer.wrap(frame), 4, frame.length - 4, new PacketView());
            } else {
                r = DropReason.NOT_VRRP;
            }
            assertThat(r).as("frame of %d bytes", frame.length).isNotNull();
        }
        anyOffsetNeverThrows(pcap);
    }

    /** Every suffix of every frame, read as an IPv4 datagram and as a bare v4/v6 message: never an exception. */
    private static void anyOffsetNeverThrows(Pcap pcap) {
        byte[] v4 = new byte[4];
        byte[] v6 = new byte[16];
        byte[] group = {(byte) 224, 0, 0, 18};
        for (byte[] frame : pcap.frames()) {
            ByteBuffer b = ByteBuffer.wrap(frame);
            for (int off = 0; off <= frame.length; off++) {
                int o = off;
                assertThatCode(() -> {
                    new Ipv4Datagram().decode(b, o, frame.length - o, new PacketView());
                    new PacketView().decode(b, o, frame.length - o, IpFamily.IPV4, v4, group, 255);
                    new PacketView().allowTrailingBytes(true).decode(b, o, frame.length - o, IpFamily.IPV6, v6, v6, -1);
                }).doesNotThrowAnyException();
            }
        }
    }
}
