package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;

/** The receive path's decoding on byte arrays: what a raw socket can deliver, good and bad. No root. */
@Timeout(10)
class ReceiveDecoderTest {
    private final ReceiveDecoder decoder = new ReceiveDecoder(IpFamily.IPV4);

    private DropReason decode(byte[] datagram) {
        ByteBuffer buf = ByteBuffer.allocate(2048); // a socket's buffer is larger than what it read
        buf.put(0, datagram);
        return decoder.decode(buf, datagram.length, null, null, -1);
    }

    @Test
    void aValidAdvertIsDecodedWithItsAddresses() {
        assertThat(decode(Harness.advert("198.18.1.2", 7, 150, 255, "198.18.1.100"))).isNull();
        assertThat(decoder.vrid()).isEqualTo(7);
        Input.AdvertReceived in = decoder.advert();
        assertThat(in.source()).isEqualTo(InetAddress.ofLiteral("198.18.1.2"));
        assertThat(in.destination()).isEqualTo(InetAddress.ofLiteral("224.0.0.18"));
        assertThat(in.packet().priority()).isEqualTo(150);
        assertThat(in.packet().addresses()).containsExactly(InetAddress.ofLiteral("198.18.1.100"));
    }

    @Test
    void aMulticastAdvertWithTtlBelow255IsDroppedAndChargedToItsVrid() {
        assertThat(decode(Harness.advert("198.18.1.2", 7, 150, 64, "198.18.1.100"))).isEqualTo(DropReason.TTL_INVALID);
        assertThat(decoder.vrid()).as("the router of VRID 7 counts it").isEqualTo(7);
        assertThat(decoder.source()).isEqualTo(InetAddress.ofLiteral("198.18.1.2"));
    }

    @Test
    void aHeaderLengthBelowFiveWordsIsAnInvalidHeaderChargedToNobody() {
        byte[] d = Harness.advert("198.18.1.2", 7, 150, 255, "198.18.1.100");
        d[0] = 0x44; // IHL 4: 16 bytes, less than a header
        assertThat(decode(d)).isEqualTo(DropReason.IP_HEADER_INVALID);
        assertThat(decoder.vrid()).isEqualTo(-1);
    }

    @Test
    void aHeaderLengthBeyondTheDatagramNamesNoVridFromBytesNotRead() {
        byte[] d = Harness.advert("198.18.1.2", 7, 150, 255, "198.18.1.100");
        d[0] = 0x4f; // IHL 15: 60 bytes of header in a 40-byte datagram
        assertThat(decode(d)).isIn(DropReason.IP_HEADER_INVALID, DropReason.TRUNCATED);
        assertThat(decoder.vrid()).as("never a byte past the datagram").isEqualTo(-1);
    }

    @Test
    void aTruncatedDatagramIsDroppedWithoutASource() {
        byte[] d = Arrays.copyOf(Harness.advert("198.18.1.2", 7, 150, 255, "198.18.1.100"), 12);
        assertThat(decode(d)).isEqualTo(DropReason.TRUNCATED);
        assertThat(decoder.vrid()).isEqualTo(-1);
        assertThat(decoder.source()).isNull();
    }

    @Test
    void anotherProtocolIsNotVrrp() {
        byte[] d = Harness.ipv4("198.18.1.2", "224.0.0.18", 255, 17, new byte[20]);
        assertThat(decode(d)).isEqualTo(DropReason.NOT_VRRP);
    }

    @Test
    void aBadChecksumIsChargedToTheVridTheBytesName() {
        byte[] d = Harness.advert("198.18.1.2", 9, 150, 255, "198.18.1.100");
        d[20 + 6] ^= 0x01;
        DropReason reason = decode(d);
        assertThat(reason).isNotNull();
        assertThat(decoder.vrid()).isEqualTo(9);
    }

    @Test
    void anIpv6AdvertTakesItsAddressesAndHopLimitFromControlMessages() {
        ReceiveDecoder v6 = new ReceiveDecoder(IpFamily.IPV6);
        InetAddress src = InetAddress.ofLiteral("fe80::2");
        org.vrrp4j.core.packet.VrrpPacket p = new org.vrrp4j.core.packet.VrrpPacket(org.vrrp4j.core.packet.VrrpVersion.V3,
                IpFamily.IPV6, 7, 150, 100, java.util.List.of(InetAddress.ofLiteral("fe80::100")),
                org.vrrp4j.core.packet.AuthType.NONE, null);
        byte[] msg = org.vrrp4j.core.packet.VrrpCodec.encode(p, src, org.vrrp4j.core.packet.VrrpCodec.IPV6_GROUP,
                org.vrrp4j.core.packet.ChecksumForm.IPV4_PSEUDO_HEADER);
        ByteBuffer buf = ByteBuffer.allocate(2048).put(0, msg);
        byte[] group = org.vrrp4j.core.packet.VrrpCodec.IPV6_GROUP.getAddress();
        assertThat(v6.decode(buf, msg.length, src.getAddress(), group, 255)).isNull();
        assertThat(v6.advert().source()).isEqualTo(src);
        assertThat(v6.advert().packet().priority()).isEqualTo(150);
        assertThat(v6.decode(buf, msg.length, src.getAddress(), group, 64)).isEqualTo(DropReason.TTL_INVALID);
        assertThat(v6.vrid()).isEqualTo(7);
        assertThat(v6.decode(buf, 1, src.getAddress(), group, 255)).isEqualTo(DropReason.TRUNCATED);
        assertThat(v6.vrid()).isEqualTo(-1);
    }
}
