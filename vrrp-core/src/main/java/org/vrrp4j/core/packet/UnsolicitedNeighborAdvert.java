package org.vrrp4j.core.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Ethernet frame of an unsolicited Neighbor Advertisement announcing that a virtual IPv6 address moved to
 * a MAC (RFC 9568 §6.4.2 / §7.2, RFC 4861 §4.4 and §7.2.6), byte for byte what keepalived sends: Ethernet to
 * 33:33:00:00:00:01 (RFC 2464 §7); IPv6 from the virtual address itself to all-nodes ff02::1 with hop limit
 * 255; ICMPv6 type 136 with Override set, Solicited clear, Router set as asked; target = the virtual address;
 * a target link-layer address option carrying the MAC. The ICMPv6 checksum covers the RFC 8200 pseudo-header.
 * Pure: no I/O.
 */
public final class UnsolicitedNeighborAdvert {
    /** Ethernet (14) + IPv6 header (40) + NA (24) + target link-layer address option (8). */
    public static final int FRAME_LENGTH = 14 + 40 + 24 + 8;
    private static final int ICMPV6 = 58;
    private static final int NA_LENGTH = 32;
    private static final byte[] ALL_NODES = IpLiterals.parse("ff02::1").getAddress();

    private UnsolicitedNeighborAdvert() {
    }

    /**
     * Writes the frame at {@code out[offset, offset + 86)}.
     *
     * @param mac     the sender's MAC (the interface's, or the virtual router MAC), 6 bytes
     * @param address the virtual address announced (also the IPv6 source)
     * @param router  the Router flag (keepalived: whether IPv6 forwarding is on for the interface)
     * @return the frame's length, {@value #FRAME_LENGTH}
     * @throws IllegalArgumentException for a MAC that is not 6 bytes, or too little room in {@code out}
     */
    public static int encode(byte[] mac, Inet6Address address, boolean router, ByteBuffer out, int offset) {
        GratuitousArp.checkMac(mac);
        Objects.requireNonNull(address, "address");
        GratuitousArp.checkRoom(out, offset, FRAME_LENGTH);
        byte[] target = address.getAddress();
        for (int i = offset; i < offset + FRAME_LENGTH; i++) {
            out.put(i, (byte) 0);
        }
        out.put(offset, (byte) 0x33).put(offset + 1, (byte) 0x33).put(offset + 5, (byte) 0x01); // 33:33:00:00:00:01
        out.put(offset + 6, mac);
        GratuitousArp.putShort(out, offset + 12, 0x86dd);
        int ip = offset + 14;
        out.put(ip, (byte) 0x60);                                   // version 6, traffic class 0, flow label 0
        GratuitousArp.putShort(out, ip + 4, NA_LENGTH);             // payload length
        out.put(ip + 6, (byte) ICMPV6);                             // next header
        out.put(ip + 7, (byte) 255);                                // hop limit 255 (RFC 4861 §7.1.2)
        out.put(ip + 8, target);                                    // source: the address itself
        out.put(ip + 24, ALL_NODES);
        int na = ip + 40;
        out.put(na, (byte) 136);                                    // Neighbor Advertisement, code 0
        out.put(na + 4, (byte) ((router ? 0x80 : 0) | 0x20));       // R as asked, S = 0, O = 1
        out.put(na + 8, target);
        out.put(na + 24, (byte) 2);                                 // option: target link-layer address
        out.put(na + 25, (byte) 1);                                 // its length in 8-byte units
        out.put(na + 26, mac);
        GratuitousArp.putShort(out, na + 2, checksum(out, na, target));
        return FRAME_LENGTH;
    }

    /** {@link #encode(byte[], Inet6Address, boolean, ByteBuffer, int)} into a new array. */
    public static byte[] encode(byte[] mac, Inet6Address address, boolean router) {
        byte[] frame = new byte[FRAME_LENGTH];
        encode(mac, address, router, ByteBuffer.wrap(frame), 0);
        return frame;
    }

    /** RFC 1071 sum over the NA and the RFC 8200 pseudo-header (source, destination, length, next header 58). */
    private static int checksum(ByteBuffer buf, int na, byte[] source) {
        long sum = NA_LENGTH + ICMPV6;
        for (int i = 0; i < 16; i += 2) {
            sum += ((source[i] & 0xff) << 8 | (source[i + 1] & 0xff)) + ((ALL_NODES[i] & 0xff) << 8 | (ALL_NODES[i + 1] & 0xff));
        }
        for (int i = 0; i < NA_LENGTH; i += 2) {
            sum += (buf.get(na + i) & 0xff) << 8 | (buf.get(na + i + 1) & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
