package org.vrrp4j.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.VirtualRouter;

/**
 * RFC 9568's message-only VRRPv3/IPv4 checksum (Cisco, Juniper, Arista; vrrp4j's {@code
 * vrrp_v3_ipv4_checksum message}) on captured frames. The shared captures (../shared/conformance/pcap,
 * read in place) hold VRRPv3/IPv4 frames of real routers in the pseudo-header form only, so their
 * checksums are recomputed over the message alone by a one's-complement sum written here (RFC 1071, not
 * the codec's), everything else byte for byte as captured. Each then decodes as message-only to the same
 * packet; a router counts them by form and follows their master; and tshark calls them good only with
 * its "v3 checksum as in v2" preference, bad without it: an independent decoder agrees on the form.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MessageOnlyCaptureTest {
    @TempDir
    Path dir;

    /** A captured VRRPv3/IPv4 Ethernet frame and where its VRRP message is. */
    record Frame(byte[] bytes, int vrrpAt, int vrrpLength) {
        byte[] source() {
            return java.util.Arrays.copyOfRange(bytes, 26, 30);
        }

        byte[] destination() {
            return java.util.Arrays.copyOfRange(bytes, 30, 34);
        }
    }

    private static List<Frame> capturedV3Ipv4() throws Exception {
        List<Frame> out = new ArrayList<>();
        for (byte[] f : Pcap.read(SharedFiles.require("conformance/pcap/vrrp.pcap")).frames()) {
            if (f.length < 34 || f[12] != 0x08 || f[13] != 0x00 || (f[23] & 0xff) != 112) {
                continue;
            }
            int ihl = (f[14] & 0x0f) * 4;
            int total = ((f[16] & 0xff) << 8) | (f[17] & 0xff);
            int at = 14 + ihl;
            if ((f[at] & 0xff) == 0x31) {
                out.add(new Frame(f.clone(), at, total - ihl));
            }
        }
        return out;
    }

    /** The frame with its VRRP checksum recomputed over the message alone (RFC 1071). */
    private static Frame messageOnly(Frame f) {
        byte[] b = f.bytes().clone();
        b[f.vrrpAt() + 6] = 0;
        b[f.vrrpAt() + 7] = 0;
        long sum = 0;
        for (int i = 0; i < f.vrrpLength(); i += 2) {
            int hi = b[f.vrrpAt() + i] & 0xff;
            int lo = i + 1 < f.vrrpLength() ? b[f.vrrpAt() + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        int checksum = (int) (~sum & 0xffff);
        b[f.vrrpAt() + 6] = (byte) (checksum >>> 8);
        b[f.vrrpAt() + 7] = (byte) checksum;
        return new Frame(b, f.vrrpAt(), f.vrrpLength());
    }

    private static DecodeResult decode(Frame f) {
        return VrrpCodec.decode(f.bytes(), f.vrrpAt(), f.vrrpLength(), IpFamily.IPV4, f.source(), f.destination(), 255);
    }

    @Test
    void capturedAdvertsInTheMessageOnlyFormDecodeToTheSamePacketsAndAreCountedByForm() throws Exception {
        List<Frame> captured = capturedV3Ipv4();
        assertThat(captured).as("the README's 33 VRRPv3/IPv4 frames").hasSize(33);
        VrrpPacket first = null;
        InetAddress master = null;
        List<Input.AdvertReceived> received = new ArrayList<>();
        for (Frame f : captured) {
            DecodeResult.Decoded asCaptured = (DecodeResult.Decoded) decode(f);
            assertThat(asCaptured.checksumForm()).isEqualTo(ChecksumForm.IPV4_PSEUDO_HEADER);
            Frame m = messageOnly(f);
            assertThat(m.bytes()).isNotEqualTo(f.bytes());
            DecodeResult rewritten = decode(m);
            assertThat(rewritten).isEqualTo(new DecodeResult.Decoded(asCaptured.packet(), ChecksumForm.MESSAGE_ONLY));
            // and the codec encodes the captured packet to exactly these bytes when told to use that form
            InetAddress src = InetAddress.getByAddress(m.source());
            InetAddress dst = InetAddress.getByAddress(m.destination());
            assertThat(VrrpCodec.encode(asCaptured.packet(), src, dst, ChecksumForm.MESSAGE_ONLY))
                    .isEqualTo(java.util.Arrays.copyOfRange(m.bytes(), m.vrrpAt(), m.vrrpAt() + m.vrrpLength()));
            first = first == null ? asCaptured.packet() : first;
            master = master == null ? src : master;
            if (src.equals(master) && asCaptured.packet().vrid() == first.vrid()) {
                received.add(new Input.AdvertReceived(asCaptured.packet(), src, dst, ChecksumForm.MESSAGE_ONLY));
            }
        }
        // a backup of the captured router's VRID, priority 1: follows the captured master and counts the form
        VirtualRouterConfig.Builder cfg = VirtualRouterConfig.builder().vrid(first.vrid()).priority(1)
                .advertInterval(Duration.ofMillis(first.maxAdvertInterval() * 10L));
        first.addresses().forEach(cfg::addVirtualAddress);
        VirtualRouter backup = new VirtualRouter(cfg.build());
        long now = 0;
        backup.step(new Input.Start(InetAddress.ofLiteral("198.18.0.250")), now);
        for (Input.AdvertReceived in : received) {
            now += first.maxAdvertInterval() * 10_000_000L;
            backup.step(in, now);
        }
        assertThat(received).as("the captured master's adverts").hasSizeGreaterThanOrEqualTo(3);
        assertThat(backup.state()).isEqualTo(State.BACKUP);
        assertThat(backup.masterAddress()).contains(master);
        assertThat(backup.counters().messageOnlyChecksums()).isEqualTo(received.size());
        assertThat(backup.counters().pseudoHeaderChecksums()).isZero();
    }

    @Test
    void tsharkCallsTheRewrittenCapturesGoodOnlyAsMessageOnly() throws Exception {
        TsharkCrossCheckTest.requireTshark();
        List<Frame> frames = capturedV3Ipv4().stream().map(MessageOnlyCaptureTest::messageOnly).toList();
        Path pcap = dir.resolve("message-only.pcap");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer gh = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        gh.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        out.write(gh.array());
        int t = 0;
        for (Frame f : frames) {
            ByteBuffer rh = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            rh.putInt(1_700_000_000 + t++).putInt(0).putInt(f.bytes().length).putInt(f.bytes().length);
            out.write(rh.array());
            out.write(f.bytes());
        }
        Files.write(pcap, out.toByteArray());
        assertThat(status(pcap, "TRUE")).hasSize(frames.size()).allSatisfy(s -> assertThat(s).isEqualTo("1"));
        assertThat(status(pcap, "FALSE")).hasSize(frames.size()).allSatisfy(s -> assertThat(s).isEqualTo("0"));
    }

    private static List<String> status(Path pcap, String v3AsV2) throws Exception {
        Process p = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(), "-o", "vrrp.v3_checksum_as_in_v2:" + v3AsV2,
                "-T", "fields", "-e", "vrrp.checksum.status").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return text.lines().toList();
    }
}
