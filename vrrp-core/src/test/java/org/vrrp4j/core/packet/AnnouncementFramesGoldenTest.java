package org.vrrp4j.core.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Gratuitous ARP and unsolicited NA frames, byte for byte. The expected frames were written field by field
 * from RFC 826 / RFC 5227 §2.3 and RFC 4861 §4.4 (checksum by RFC 1071 over the RFC 8200 pseudo-header,
 * computed separately) and checked with tshark 4.x: "gratuitous ARP", "Checksum Status: Good", flags
 * Override (and Router), target link-layer address option.
 */
@Timeout(10)
class AnnouncementFramesGoldenTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] VMAC4 = HEX.parseHex("00005e000107");
    private static final byte[] VMAC6 = HEX.parseHex("00005e000207");
    private static final Inet4Address VIP4 = (Inet4Address) InetAddress.ofLiteral("198.18.1.100");
    private static final Inet6Address VIP6 = (Inet6Address) InetAddress.ofLiteral("2001:db8::100");

    private static final String GARP = ""
            + "ffffffffffff" + "00005e000107" + "0806"       // Ethernet: broadcast, from the vMAC, ARP
            + "0001" + "0800" + "06" + "04" + "0001"         // Ethernet / IPv4, lengths 6 and 4, request
            + "00005e000107" + "c6120164"                    // sender: the MAC, 198.18.1.100
            + "ffffffffffff" + "c6120164";                   // target: broadcast (keepalived), the same address

    private static final String NA_HEAD = ""
            + "333300000001" + "00005e000207" + "86dd"       // Ethernet: 33:33::1 (all-nodes), from the vMAC, IPv6
            + "60000000" + "0020" + "3a" + "ff"              // IPv6: payload 32, ICMPv6, hop limit 255
            + "20010db8000000000000000000000100"             // source: the virtual address itself
            + "ff020000000000000000000000000001"             // destination: ff02::1
            + "88" + "00";                                   // NA, code 0
    private static final String NA_TAIL = "000000"      // flags' other 24 bits and reserved
            + "20010db8000000000000000000000100"             // target: the virtual address
            + "02" + "01" + "00005e000207";                  // target link-layer address option, 1 × 8 bytes

    @Test
    void gratuitousArpIsAnArpRequestFromTheAddressToItselfBroadcast() {
        assertThat(HEX.formatHex(GratuitousArp.encode(VMAC4, VIP4))).isEqualTo(GARP);
    }

    @Test
    void unsolicitedNeighborAdvertGoesToAllNodesWithOverrideAndTheMac() {
        assertThat(HEX.formatHex(UnsolicitedNeighborAdvert.encode(VMAC6, VIP6, false)))
                .isEqualTo(NA_HEAD + "9926" + "20" + NA_TAIL);   // checksum, flags: O
        assertThat(HEX.formatHex(UnsolicitedNeighborAdvert.encode(VMAC6, VIP6, true)))
                .isEqualTo(NA_HEAD + "1926" + "a0" + NA_TAIL);   // checksum, flags: R + O
    }

    @Test
    void framesAreWrittenAtAnOffsetAndOverwriteWhatWasThere() {
        ByteBuffer buf = ByteBuffer.allocate(200);
        for (int i = 0; i < 200; i++) {
            buf.put(i, (byte) 0x5a);
        }
        assertThat(UnsolicitedNeighborAdvert.encode(VMAC6, VIP6, false, buf, 10)).isEqualTo(86);
        byte[] got = new byte[86];
        buf.get(10, got);
        assertThat(HEX.formatHex(got)).isEqualTo(NA_HEAD + "9926" + "20" + NA_TAIL);
        assertThat(buf.get(9)).isEqualTo((byte) 0x5a);
        assertThat(buf.get(96)).isEqualTo((byte) 0x5a);
        assertThat(GratuitousArp.encode(VMAC4, VIP4, buf, 100)).isEqualTo(42);
        byte[] arp = new byte[42];
        buf.get(100, arp);
        assertThat(HEX.formatHex(arp)).isEqualTo(GARP);
    }

    @Test
    void aBadMacOrTooSmallABufferIsAClearError() {
        assertThatThrownBy(() -> GratuitousArp.encode(new byte[5], VIP4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 bytes, got 5");
        assertThatThrownBy(() -> UnsolicitedNeighborAdvert.encode(VMAC6, VIP6, false, ByteBuffer.allocate(90), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 86 bytes at offset 10");
        assertThatThrownBy(() -> GratuitousArp.encode(VMAC4, VIP4, ByteBuffer.allocate(42), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
