package org.vrrp4j.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes both ways. The checksums were computed by an independent RFC 1071 implementation
 * (a few lines of Python), not by this codec.
 */
class CodecGoldenTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final InetAddress S1 = InetAddress.ofLiteral("198.18.0.1");
    private static final InetAddress GROUP4 = InetAddress.ofLiteral("224.0.0.18");
    private static final InetAddress LL1 = InetAddress.ofLiteral("fe80::1");
    private static final InetAddress GROUP6 = InetAddress.ofLiteral("ff02::12");

    /** The seed's keepalived configuration on the wire: v2, vrid 101, prio 254, 2 s, auth_type PASS. */
    static final VrrpPacket KEEPALIVED_V2_PASS = new VrrpPacket(VrrpVersion.V2, IpFamily.IPV4, 101, 254, 2,
            List.of(InetAddress.ofLiteral("198.18.0.100")), AuthType.SIMPLE_TEXT, VrrpAuthKey.ofPassword("CUSTOM_PASSWORD"));
    static final String KEEPALIVED_V2_PASS_HEX = "2165fe010102d3d8c6120064435553544f4d5f50";

    static final VrrpPacket V3_IPV4 = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV4, 7, 100, 100,
            List.of(InetAddress.ofLiteral("198.18.1.100")), AuthType.NONE, null);
    static final String V3_IPV4_PSEUDO_HEX = "310764010064fc79c6120164";
    static final String V3_IPV4_MESSAGE_ONLY_HEX = "310764010064a31cc6120164";

    static final VrrpPacket V3_IPV6 = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV6, 10, 200, 50,
            List.of(InetAddress.ofLiteral("fe80::200:5eff:fe00:20a"), InetAddress.ofLiteral("2001:db8::10")),
            AuthType.NONE, null);
    static final String V3_IPV6_HEX = "310ac80200327b3dfe8000000000000002005efffe00020a20010db8000000000000000000000010";

    @Test
    void keepalivedV2PassEncodesAndDecodes() {
        assertThat(HEX.formatHex(VrrpCodec.encode(KEEPALIVED_V2_PASS, S1, GROUP4, ChecksumForm.IPV4_PSEUDO_HEADER)))
                .isEqualTo(KEEPALIVED_V2_PASS_HEX);
        assertThat(decode(KEEPALIVED_V2_PASS_HEX, S1, GROUP4))
                .isEqualTo(new DecodeResult.Decoded(KEEPALIVED_V2_PASS, ChecksumForm.MESSAGE_ONLY));
    }

    @Test
    void v3OverIpv4InBothChecksumFormsAndEitherIsAcceptedAndReported() {
        assertThat(HEX.formatHex(VrrpCodec.encode(V3_IPV4, S1, GROUP4, ChecksumForm.IPV4_PSEUDO_HEADER)))
                .isEqualTo(V3_IPV4_PSEUDO_HEX);
        assertThat(HEX.formatHex(VrrpCodec.encode(V3_IPV4, S1, GROUP4, ChecksumForm.MESSAGE_ONLY)))
                .isEqualTo(V3_IPV4_MESSAGE_ONLY_HEX);
        assertThat(decode(V3_IPV4_PSEUDO_HEX, S1, GROUP4))
                .isEqualTo(new DecodeResult.Decoded(V3_IPV4, ChecksumForm.IPV4_PSEUDO_HEADER));
        assertThat(decode(V3_IPV4_MESSAGE_ONLY_HEX, S1, GROUP4))
                .isEqualTo(new DecodeResult.Decoded(V3_IPV4, ChecksumForm.MESSAGE_ONLY));
    }

    @Test
    void thePseudoHeaderUsesTheActualDestinationInUnicast() {
        InetAddress peer = InetAddress.ofLiteral("198.18.0.2");
        byte[] unicast = VrrpCodec.encode(V3_IPV4, S1, peer, ChecksumForm.IPV4_PSEUDO_HEADER);
        assertThat(HEX.formatHex(unicast)).isNotEqualTo(V3_IPV4_PSEUDO_HEX);
        assertThat(decode(HEX.formatHex(unicast), S1, peer))
                .isEqualTo(new DecodeResult.Decoded(V3_IPV4, ChecksumForm.IPV4_PSEUDO_HEADER));
        // keepalived#642: a checksum over 224.0.0.18 for a unicast packet is wrong
        assertThat(decode(V3_IPV4_PSEUDO_HEX, S1, peer)).isEqualTo(new DecodeResult.Rejected(DropReason.CHECKSUM_INVALID, -1));
    }

    @Test
    void v3OverIpv6WithTheRfc8200PseudoHeader() {
        assertThat(HEX.formatHex(VrrpCodec.encode(V3_IPV6, LL1, GROUP6, ChecksumForm.IPV4_PSEUDO_HEADER)))
                .isEqualTo(V3_IPV6_HEX);
        assertThat(decode(V3_IPV6_HEX, LL1, GROUP6))
                .isEqualTo(new DecodeResult.Decoded(V3_IPV6, ChecksumForm.IPV6_PSEUDO_HEADER));
    }

    @Test
    void theReservedNibbleIsSentAsZeroAndMaskedOnReceive() {
        byte[] b = HEX.parseHex(V3_IPV4_MESSAGE_ONLY_HEX);
        b[4] |= (byte) 0xf0;
        // fix the message-only checksum for the changed word
        b[6] = 0;
        b[7] = 0;
        int sum = Checksum.compute(ByteBuffer.wrap(b), 0, b.length, ChecksumForm.MESSAGE_ONLY, new byte[4], new byte[4], true);
        b[6] = (byte) (sum >>> 8);
        b[7] = (byte) sum;
        assertThat(decode(HEX.formatHex(b), S1, GROUP4))
                .isEqualTo(new DecodeResult.Decoded(V3_IPV4, ChecksumForm.MESSAGE_ONLY));
    }

    @Test
    void eachRuleHasItsOwnReasonInTheChecklistsOrder() {
        byte[] good = HEX.parseHex(V3_IPV4_PSEUDO_HEX);
        assertThat(reason(good, 254, GROUP4)).isEqualTo(DropReason.TTL_INVALID);
        assertThat(reason(good, 254, InetAddress.ofLiteral("198.18.0.2")))
                .as("no TTL check in unicast (keepalived)").isEqualTo(DropReason.CHECKSUM_INVALID);
        assertThat(reason(with(good, 0, 0x41), 255, GROUP4)).isEqualTo(DropReason.VERSION_INVALID);
        assertThat(reason(with(good, 0, 0x32), 255, GROUP4)).isEqualTo(DropReason.TYPE_INVALID);
        assertThat(reason(with(good, 3, 2), 255, GROUP4)).isEqualTo(DropReason.LENGTH_INVALID);
        assertThat(reason(java.util.Arrays.copyOf(good, 7), 255, GROUP4)).isEqualTo(DropReason.TRUNCATED);
        assertThat(reason(with(good, 2, 101), 255, GROUP4)).isEqualTo(DropReason.CHECKSUM_INVALID);
        assertThat(reason(fixed(with(good, 1, 0)), 255, GROUP4)).isEqualTo(DropReason.VRID_INVALID);
        assertThat(reason(fixed(with(with(good, 3, 0), 8, 0)), 255, GROUP4, 8)).isEqualTo(DropReason.ADDRESS_COUNT_ZERO);
        assertThat(reason(fixed(with(good, 5, 0)), 255, GROUP4)).isEqualTo(DropReason.INTERVAL_ZERO);
    }

    /**
     * RFC 3768 §5.3.6: a packet whose auth type is unknown or not the one configured MUST be discarded.
     * keepalived logs "Invalid auth type" for 3 and up ({@code invalid_authtype}) and counts AH as a mismatch
     * unless configured for it; vrrp4j implements no AH, so both are dropped by the codec, each with its own
     * reason, charged to the VRID (the VRID byte is valid and known by then).
     */
    @Test
    void v2AuthTypeAhAndUnknownTypesAreDroppedEachWithItsOwnReasonAndTheirVrid() {
        byte[] pass = HEX.parseHex(KEEPALIVED_V2_PASS_HEX);
        for (int type = 2; type <= 255; type++) {
            byte[] b = pass.clone();
            b[4] = (byte) type;
            b[6] = 0;
            b[7] = 0;
            int sum = Checksum.compute(ByteBuffer.wrap(b), 0, b.length, ChecksumForm.MESSAGE_ONLY, new byte[4], new byte[4], true);
            b[6] = (byte) (sum >>> 8);
            b[7] = (byte) sum;
            DropReason expected = type == 2 ? DropReason.AUTH_TYPE_AH_UNSUPPORTED : DropReason.AUTH_TYPE_INVALID;
            assertThat(VrrpCodec.decode(b, 0, b.length, IpFamily.IPV4, S1.getAddress(), GROUP4.getAddress(), 255))
                    .as("auth type %d", type).isEqualTo(new DecodeResult.Rejected(expected, 101));
        }
        assertThat(DropReason.AUTH_TYPE_AH_UNSUPPORTED.isRouterLevel()).isFalse();
    }

    @Test
    void ipv6GlobalFirstListsDecodeUnlessStrictAndV2NeverTravelsOverIpv6() {
        VrrpPacket global = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV6, 10, 200, 50,
                List.of(InetAddress.ofLiteral("2001:db8::10")), AuthType.NONE, null);
        byte[] b = VrrpCodec.encode(global, LL1, GROUP6, ChecksumForm.IPV4_PSEUDO_HEADER);
        // keepalived sends global-only lists: the codec decodes them (the router counts them, erratum 8300)
        assertThat(VrrpCodec.decode(b, 0, b.length, IpFamily.IPV6, LL1.getAddress(), GROUP6.getAddress(), 255))
                .isEqualTo(new DecodeResult.Decoded(global, ChecksumForm.IPV6_PSEUDO_HEADER));
        PacketView strict = new PacketView().requireLinkLocalFirst(true);
        assertThat(strict.decode(java.nio.ByteBuffer.wrap(b), 0, b.length, IpFamily.IPV6, LL1.getAddress(),
                GROUP6.getAddress(), 255)).isEqualTo(DropReason.IPV6_FIRST_NOT_LINK_LOCAL);
        assertThat(strict.vrid()).isEqualTo(10);
        byte[] v2 = HEX.parseHex(KEEPALIVED_V2_PASS_HEX);
        assertThat(VrrpCodec.decode(v2, 0, v2.length, IpFamily.IPV6, LL1.getAddress(), GROUP6.getAddress(), 255))
                .isEqualTo(new DecodeResult.Rejected(DropReason.V2_OVER_IPV6, -1));
    }

    @Test
    void ethernetPaddingIsToleratedOnlyWhenAsked() {
        byte[] padded = java.util.Arrays.copyOf(HEX.parseHex(V3_IPV4_PSEUDO_HEX), 46);
        PacketView strict = new PacketView();
        assertThat(strict.decode(ByteBuffer.wrap(padded), 0, padded.length, IpFamily.IPV4, S1.getAddress(),
                GROUP4.getAddress(), 255)).isEqualTo(DropReason.LENGTH_INVALID);
        PacketView lenient = new PacketView().allowTrailingBytes(true);
        assertThat(lenient.decode(ByteBuffer.wrap(padded), 0, padded.length, IpFamily.IPV4, S1.getAddress(),
                GROUP4.getAddress(), 255)).isNull();
        assertThat(lenient.toPacket()).isEqualTo(V3_IPV4);
    }

    private static DecodeResult decode(String hex, InetAddress src, InetAddress dst) {
        byte[] b = HEX.parseHex(hex);
        return VrrpCodec.decode(b, 0, b.length, IpFamily.of(src), src.getAddress(), dst.getAddress(), 255);
    }

    private static DropReason reason(byte[] b, int ttl, InetAddress dst) {
        return reason(b, ttl, dst, b.length);
    }

    private static DropReason reason(byte[] b, int ttl, InetAddress dst, int len) {
        return new PacketView().decode(ByteBuffer.wrap(b), 0, len, IpFamily.IPV4, S1.getAddress(), dst.getAddress(), ttl);
    }

    private static byte[] with(byte[] b, int index, int value) {
        byte[] c = b.clone();
        c[index] = (byte) value;
        return c;
    }

    /** Recomputes the IPv4 pseudo-header checksum (S1 → group) so only the rule under test fails. */
    private static byte[] fixed(byte[] b) {
        int count = b[3] & 0xff;
        int len = 8 + 4 * count;
        int sum = Checksum.compute(ByteBuffer.wrap(b), 0, len, ChecksumForm.IPV4_PSEUDO_HEADER, S1.getAddress(),
                GROUP4.getAddress(), true);
        b[6] = (byte) (sum >>> 8);
        b[7] = (byte) sum;
        return b;
    }
}
