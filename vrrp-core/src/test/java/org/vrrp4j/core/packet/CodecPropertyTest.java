package org.vrrp4j.core.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Round trips and corruption over seeded random packets. */
class CodecPropertyTest {
    private static final int CASES = Integer.getInteger("vrrp4j.codec.cases", 5000);

    static VrrpPacket randomPacket(Random r) throws UnknownHostException {
        boolean v6 = r.nextInt(3) == 0;
        VrrpVersion version = v6 || r.nextBoolean() ? VrrpVersion.V3 : VrrpVersion.V2;
        IpFamily family = v6 ? IpFamily.IPV6 : IpFamily.IPV4;
        int count = 1 + (r.nextInt(10) == 0 ? r.nextInt(255) : r.nextInt(4));
        List<InetAddress> addrs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] a = new byte[family.addressLength()];
            r.nextBytes(a);
            if (v6 && i == 0) {
                a[0] = (byte) 0xfe;
                a[1] = (byte) (0x80 | (a[1] & 0x3f));
            }
            addrs.add(InetAddress.getByAddress(a));
        }
        int interval = version == VrrpVersion.V3 ? 1 + r.nextInt(4095) : 1 + r.nextInt(255);
        AuthType auth = version == VrrpVersion.V2 && r.nextBoolean() ? AuthType.SIMPLE_TEXT : AuthType.NONE;
        VrrpAuthKey key = null;
        if (auth == AuthType.SIMPLE_TEXT) {
            byte[] k = new byte[8];
            r.nextBytes(k);
            key = VrrpAuthKey.ofBytes(k);
        }
        return new VrrpPacket(version, family, 1 + r.nextInt(255), r.nextInt(256), interval, addrs, auth, key);
    }

    static byte[][] endpoints(Random r, IpFamily family) {
        byte[] src = new byte[family.addressLength()];
        byte[] dst = new byte[family.addressLength()];
        r.nextBytes(src);
        r.nextBytes(dst);
        return new byte[][] {src, dst};
    }

    @Test
    void decodeOfEncodeIsIdentityInEveryChecksumForm() throws Exception {
        Random r = new Random(20261124);
        ByteBuffer buf = ByteBuffer.allocate(VrrpCodec.MAX_MESSAGE + 16);
        PacketView view = new PacketView();
        for (int i = 0; i < CASES; i++) {
            VrrpPacket p = randomPacket(r);
            byte[][] ep = endpoints(r, p.family());
            ChecksumForm form = r.nextBoolean() ? ChecksumForm.IPV4_PSEUDO_HEADER : ChecksumForm.MESSAGE_ONLY;
            int off = r.nextInt(16);
            int len = VrrpCodec.encode(p, ep[0], ep[1], form, buf, off);
            assertThat(len).isEqualTo(p.wireLength());
            DropReason reason = view.decode(buf, off, len, p.family(), ep[0], ep[1], -1);
            String ctx = "case " + i + ": " + p;
            assertThat(reason).as(ctx).isNull();
            assertThat(view.toPacket()).as(ctx).isEqualTo(p);
            ChecksumForm expected = p.version() == VrrpVersion.V2 ? ChecksumForm.MESSAGE_ONLY
                    : p.family() == IpFamily.IPV6 ? ChecksumForm.IPV6_PSEUDO_HEADER : form;
            assertThat(view.checksumForm()).as(ctx).isEqualTo(expected);
        }
    }

    @Test
    void everySingleBitFlipAndTruncationIsRejectedOrDecodesToAnotherValidPacket() throws Exception {
        Random r = new Random(7);
        PacketView view = new PacketView();
        int rejected = 0;
        for (int i = 0; i < CASES / 10; i++) {
            VrrpPacket p = randomPacket(r);
            if (p.addresses().size() > 8) {
                continue; // keep the bit loop small
            }
            byte[][] ep = endpoints(r, p.family());
            byte[] good = new byte[p.wireLength()];
            VrrpCodec.encode(p, ep[0], ep[1], ChecksumForm.IPV4_PSEUDO_HEADER, ByteBuffer.wrap(good), 0);
            for (int bit = 0; bit < good.length * 8; bit++) {
                byte[] bad = good.clone();
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
                DropReason reason = view.decode(ByteBuffer.wrap(bad), 0, bad.length, p.family(), ep[0], ep[1], -1);
                if (reason == null) {
                    // a one-bit change the checksum cannot see does not exist (RFC 1071 catches all of them)
                    // except in the v3 reserved nibble, which is masked: then it is the same packet
                    assertThat(view.toPacket()).as("bit %d of %s", bit, p).isEqualTo(p);
                } else {
                    rejected++;
                }
            }
            for (int cut = 0; cut < good.length; cut++) {
                byte[] shortened = Arrays.copyOf(good, cut);
                assertThat(view.decode(ByteBuffer.wrap(shortened), 0, cut, p.family(), ep[0], ep[1], -1))
                        .as("cut to %d of %s", cut, p).isNotNull();
            }
        }
        assertThat(rejected).isPositive();
    }

    @Test
    void randomBytesNeverThrowAndNeverReadOutsideTheRange() {
        Random r = new Random(99);
        PacketView view = new PacketView();
        Ipv4Datagram ip = new Ipv4Datagram();
        for (int i = 0; i < CASES; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = (byte) (r.nextBoolean() ? 0x31 : 0x21);
            }
            int off = b.length == 0 ? 0 : r.nextInt(b.length);
            int len = b.length - off;
            // a read-only view that ends exactly at the range: reading past it would throw
            ByteBuffer exact = ByteBuffer.wrap(b, 0, off + len).slice(0, off + len).asReadOnlyBuffer();
            IpFamily family = r.nextBoolean() ? IpFamily.IPV4 : IpFamily.IPV6;
            byte[] a = new byte[family.addressLength()];
            assertThatCode(() -> {
                if (view.decode(exact, off, len, family, a, a, r.nextInt(300) - 1) == null) {
                    view.toPacket();
                }
                if (ip.decode(exact, off, len, view) == null) {
                    view.toPacket();
                }
            }).as("bytes %s", java.util.HexFormat.of().formatHex(b)).doesNotThrowAnyException();
        }
    }
}
