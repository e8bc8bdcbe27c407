package org.vrrp4j.core.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fuzz target's seed corpus, committed so that {@link DecoderFuzzTest} starts from real adverts
 * outside CI too. The seeds are the kinds of frame in tcpdump's VRRP captures (../shared/conformance/pcap:
 * VRRPv2 with simple-text auth {@code abcdefgh} on VRID 42 and without on 43, VRRPv3 over IPv4 on 44 with
 * the pseudo-header checksum, VRRPv3 over IPv6 on 45 and 46, frames cut short like the out-of-bounds
 * captures), encoded by vrrp4j's own codec with documentation addresses rather than copied from the
 * captures, plus one of each rejection and keepalived's global-first IPv6 list. Each seed states what
 * the decoder makes of it; {@code -Dvrrp4j.rewrite=true} rewrites the directory (never under CI).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecoderFuzzSeedsTest {
    static final Path DIR = Path.of("src/test/resources/org/vrrp4j/core/packet/DecoderFuzzTestInputs/decoderNeverThrows");
    private static final InetAddress S4 = InetAddress.ofLiteral("198.18.0.1");
    private static final InetAddress G4 = InetAddress.ofLiteral("224.0.0.18");
    private static final InetAddress LL = InetAddress.ofLiteral("fe80::1");
    private static final InetAddress G6 = InetAddress.ofLiteral("ff02::12");

    /** A seed: its fuzz input, and the decoder's verdict (null = decodes; "datagram" seeds go through {@link Ipv4Datagram}). */
    record Seed(String name, DecoderFuzzTest.Input input, DropReason expected, boolean datagram) {
    }

    private static VrrpPacket v3(IpFamily f, int vrid, int prio, int interval, String... addresses) {
        return new VrrpPacket(VrrpVersion.V3, f, vrid, prio, interval,
                Stream.of(addresses).map(InetAddress::ofLiteral).toList(), AuthType.NONE, null);
    }

    private static VrrpPacket v2(int vrid, int prio, VrrpAuthKey key, String... addresses) {
        return new VrrpPacket(VrrpVersion.V2, IpFamily.IPV4, vrid, prio, 1,
                Stream.of(addresses).map(InetAddress::ofLiteral).toList(),
                key == null ? AuthType.NONE : AuthType.SIMPLE_TEXT, key);
    }

    private static DecoderFuzzTest.Input in(InetAddress src, InetAddress dst, int ttl, byte[] message) {
        return new DecoderFuzzTest.Input(IpFamily.of(src), ttl, src.getAddress(), dst.getAddress(), message);
    }

    private static DecoderFuzzTest.Input encoded(VrrpPacket p, ChecksumForm form) {
        boolean v6 = p.family() == IpFamily.IPV6;
        return in(v6 ? LL : S4, v6 ? G6 : G4, 255, VrrpCodec.encode(p, v6 ? LL : S4, v6 ? G6 : G4, form));
    }

    /** {@code in} with byte {@code index} set to {@code value} and the checksum made right again, so only that rule fails. */
    private static DecoderFuzzTest.Input patched(DecoderFuzzTest.Input in, ChecksumForm form, int index, int value) {
        byte[] m = in.message().clone();
        m[index] = (byte) value;
        int sum = Checksum.compute(ByteBuffer.wrap(m), 0, m.length, form, in.source(), in.destination(), true);
        m[6] = (byte) (sum >>> 8);
        m[7] = (byte) sum;
        return new DecoderFuzzTest.Input(in.family(), in.ttl(), in.source(), in.destination(), m);
    }

    private static DecoderFuzzTest.Input cut(DecoderFuzzTest.Input in, int length) {
        return new DecoderFuzzTest.Input(in.family(), in.ttl(), in.source(), in.destination(),
                Arrays.copyOf(in.message(), length));
    }

    /** The IPv4 datagram a raw socket delivers: a 20-byte header in front of the message. */
    private static DecoderFuzzTest.Input datagram(DecoderFuzzTest.Input in, int totalLengthDelta) {
        byte[] m = in.message();
        ByteBuffer b = ByteBuffer.allocate(20 + m.length);
        b.put((byte) 0x45).put((byte) 0xc0).putShort((short) (20 + m.length + totalLengthDelta)).putInt(0)
                .put((byte) 255).put((byte) Checksum.PROTOCOL_VRRP).putShort((short) 0)
                .put(in.source()).put(in.destination()).put(m);
        return new DecoderFuzzTest.Input(in.family(), -1, in.source(), in.destination(), b.array());
    }

    static List<Seed> seeds() {
        ChecksumForm p4 = ChecksumForm.IPV4_PSEUDO_HEADER;
        ChecksumForm mo = ChecksumForm.MESSAGE_ONLY;
        ChecksumForm p6 = ChecksumForm.IPV6_PSEUDO_HEADER;
        DecoderFuzzTest.Input v2pass = encoded(v2(42, 100, VrrpAuthKey.ofPassword("abcdefgh"), "198.18.0.42"), mo);
        DecoderFuzzTest.Input v2none = encoded(v2(43, 150, null, "198.18.0.43", "198.18.0.143"), mo);
        DecoderFuzzTest.Input v3ip4 = encoded(v3(IpFamily.IPV4, 44, 100, 100, "198.18.0.44"), p4);
        DecoderFuzzTest.Input v3ip6 = encoded(v3(IpFamily.IPV6, 45, 100, 100, "fe80::45", "2001:db8::45"), p6);
        DecoderFuzzTest.Input global = encoded(v3(IpFamily.IPV6, 46, 100, 100, "2001:db8::46", "2001:db8::146"), p6);
        List<Seed> s = new ArrayList<>();
        s.add(new Seed("v2-ipv4-pass-vrid42", v2pass, null, false));
        s.add(new Seed("v2-ipv4-noauth-vrid43", v2none, null, false));
        s.add(new Seed("v2-ipv4-priority0", encoded(v2(43, 0, null, "198.18.0.43"), mo), null, false));
        s.add(new Seed("v3-ipv4-pseudo-header-vrid44", v3ip4, null, false));
        s.add(new Seed("v3-ipv4-message-only-vrid44", encoded(v3(IpFamily.IPV4, 44, 100, 100, "198.18.0.44"), mo), null, false));
        s.add(new Seed("v3-ipv4-owner-255-addresses", encoded(v3(IpFamily.IPV4, 44, 255, 4095,
                "198.18.0.1", "198.18.0.2", "198.18.0.3", "198.18.0.4", "198.18.0.5"), p4), null, false));
        s.add(new Seed("v3-ipv4-reserve-nibble-masked", patched(v3ip4, p4, 4, 0xf0), null, false));
        s.add(new Seed("v3-ipv4-unicast-ttl64", in(S4, InetAddress.ofLiteral("198.18.0.2"), 64,
                VrrpCodec.encode(v3(IpFamily.IPV4, 44, 100, 100, "198.18.0.44"), S4, InetAddress.ofLiteral("198.18.0.2"), p4)),
                null, false));
        s.add(new Seed("v3-ipv6-link-local-first-vrid45", v3ip6, null, false));
        s.add(new Seed("v3-ipv6-global-first-as-keepalived-vrid46", global, null, false));
        // an IPv4-mapped IPv6 address (::ffff:198.18.0.47) in place of fe80::45: still an IPv6 address (a fuzzer find)
        DecoderFuzzTest.Input mapped = v3ip6;
        int[][] bytes = {{8, 0}, {9, 0}, {18, 0xff}, {19, 0xff}, {20, 198}, {21, 18}, {22, 0}, {23, 47}};
        for (int[] b : bytes) {
            mapped = patched(mapped, p6, b[0], b[1]);
        }
        s.add(new Seed("v3-ipv6-ipv4-mapped-address", mapped, null, false));
        s.add(new Seed("v3-ipv4-ethernet-padded", new DecoderFuzzTest.Input(IpFamily.IPV4, 255, v3ip4.source(),
                v3ip4.destination(), Arrays.copyOf(v3ip4.message(), 46)), DropReason.LENGTH_INVALID, false));
        s.add(new Seed("v3-ipv4-datagram", datagram(v3ip4, 0), null, true));
        s.add(new Seed("v2-ipv4-datagram", datagram(v2pass, 0), null, true));
        s.add(new Seed("v3-ipv4-datagram-total-length-beyond", datagram(v3ip4, 4), DropReason.TRUNCATED, true));
        s.add(new Seed("v3-ipv4-multicast-ttl64", new DecoderFuzzTest.Input(IpFamily.IPV4, 64, v3ip4.source(),
                v3ip4.destination(), v3ip4.message()), DropReason.TTL_INVALID, false));
        s.add(new Seed("v3-ipv4-version4", patched(v3ip4, p4, 0, 0x41), DropReason.VERSION_INVALID, false));
        s.add(new Seed("v3-ipv4-type2", patched(v3ip4, p4, 0, 0x32), DropReason.TYPE_INVALID, false));
        s.add(new Seed("v3-ipv4-count-beyond-length", patched(v3ip4, p4, 3, 2), DropReason.LENGTH_INVALID, false));
        s.add(new Seed("v3-ipv4-bad-checksum", new DecoderFuzzTest.Input(IpFamily.IPV4, 255, v3ip4.source(),
                v3ip4.destination(), xor(v3ip4.message(), 7)), DropReason.CHECKSUM_INVALID, false));
        s.add(new Seed("v3-ipv4-vrid0", patched(v3ip4, p4, 1, 0), DropReason.VRID_INVALID, false));
        s.add(new Seed("v3-ipv4-count0", patched(cut(v3ip4, 8), p4, 3, 0), DropReason.ADDRESS_COUNT_ZERO, false));
        s.add(new Seed("v3-ipv4-interval0", patched(patched(v3ip4, p4, 4, 0), p4, 5, 0), DropReason.INTERVAL_ZERO, false));
        s.add(new Seed("v2-ipv4-auth-type3", patched(v2none, mo, 4, 3), DropReason.AUTH_TYPE_INVALID, false));
        s.add(new Seed("v2-ipv4-auth-type2-ah", patched(v2none, mo, 4, 2), DropReason.AUTH_TYPE_AH_UNSUPPORTED, false));
        s.add(new Seed("v2-over-ipv6", new DecoderFuzzTest.Input(IpFamily.IPV6, 255, LL.getAddress(), G6.getAddress(),
                new byte[] {0x21, 45, 100, 0, 0, 1, 0, 0}), DropReason.V2_OVER_IPV6, false));
        // cut short like the out-of-bounds captures (Ethernet snap length 41: 7 bytes of VRRP behind the IP header)
        s.add(new Seed("v2-ipv4-cut-7", cut(v2pass, 7), DropReason.TRUNCATED, false));
        s.add(new Seed("v3-ipv4-cut-7", cut(v3ip4, 7), DropReason.TRUNCATED, false));
        s.add(new Seed("v3-ipv6-cut-20", cut(v3ip6, 20), DropReason.LENGTH_INVALID, false));
        s.add(new Seed("v3-ipv4-datagram-cut-27", cut(datagram(v3ip4, 0), 27), DropReason.TRUNCATED, true));
        return s;
    }

    private static byte[] xor(byte[] m, int index) {
        byte[] c = m.clone();
        c[index] ^= 0x5a;
        return c;
    }

    private static Map<String, byte[]> onDisk() throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        if (Files.isDirectory(DIR)) {
            try (Stream<Path> s = Files.list(DIR)) {
                for (Path p : s.toList()) {
                    files.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    @Test
    void theCorpusIsCommittedWhereJazzerReadsItAndMatchesTheSeeds() throws IOException {
        List<Seed> seeds = seeds();
        if (Boolean.getBoolean("vrrp4j.rewrite")) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("-Dvrrp4j.rewrite=true under CI=true: the corpus is reviewed, never regenerated by CI");
            }
            Files.createDirectories(DIR);
            for (Path old : onDisk().keySet().stream().map(DIR::resolve).toList()) {
                Files.delete(old);
            }
            for (Seed seed : seeds) {
                Files.write(DIR.resolve(seed.name()), seed.input().toBytes());
            }
        }
        Map<String, byte[]> files = onDisk();
        assertThat(files.keySet()).as("%s (rewrite with -Dvrrp4j.rewrite=true)", DIR)
                .containsExactlyInAnyOrderElementsOf(seeds.stream().map(Seed::name).toList());
        for (Seed seed : seeds) {
            assertThat(files.get(seed.name())).as(seed.name()).isEqualTo(seed.input().toBytes());
        }
        assertThat(getClass().getResource("DecoderFuzzTestInputs/decoderNeverThrows/" + seeds.getFirst().name()))
                .as("on the test class path, where Jazzer's replay looks").isNotNull();
    }

    @Test
    void eachSeedDecodesOrIsRejectedWithItsReasonAndTheFuzzTargetTakesItWithoutAnException() throws IOException {
        Map<String, byte[]> files = onDisk();
        assertThat(files).hasSizeGreaterThanOrEqualTo(20);
        for (Seed seed : seeds()) {
            byte[] data = files.get(seed.name());
            assertThat(data).as(seed.name()).isNotNull();
            DecoderFuzzTest.Input in = DecoderFuzzTest.Input.parse(data);
            assertThat(in).as(seed.name()).isNotNull();
            ByteBuffer b = ByteBuffer.wrap(in.message()).asReadOnlyBuffer();
            PacketView view = new PacketView();
            DropReason got = seed.datagram() ? new Ipv4Datagram().decode(b, 0, in.message().length, view)
                    : view.decode(b, 0, in.message().length, in.family(), in.source(), in.destination(), in.ttl());
            assertThat(got).as(seed.name()).isEqualTo(seed.expected());
            if (got == null) {
                assertThat(view.toPacket().wireLength()).as(seed.name()).isEqualTo(view.messageLength());
            }
            assertThatCode(() -> new DecoderFuzzTest().decoderNeverThrows(data)).as(seed.name()).doesNotThrowAnyException();
        }
    }

    @Test
    void theSeedsCoverEveryVersionAndFamilyAndTheStrictModeDropsTheGlobalFirstList() {
        List<Seed> seeds = seeds();
        assertThat(seeds.stream().filter(s -> s.expected() == null && !s.datagram()).map(s -> s.input().family()
                + " " + (s.input().message()[0] >>> 4))).contains("IPV4 2", "IPV4 3", "IPV6 3");
        DecoderFuzzTest.Input g = seeds.stream().filter(s -> s.name().contains("global-first")).findFirst().orElseThrow().input();
        assertThat(new PacketView().requireLinkLocalFirst(true).decode(ByteBuffer.wrap(g.message()), 0, g.message().length,
                g.family(), g.source(), g.destination(), g.ttl())).isEqualTo(DropReason.IPV6_FIRST_NOT_LINK_LOCAL);
    }
}
