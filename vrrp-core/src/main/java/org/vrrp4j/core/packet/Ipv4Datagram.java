package org.vrrp4j.core.packet;

import java.nio.ByteBuffer;

/**
 * Reads the IPv4 header that Linux IPv4 raw sockets deliver in front of the VRRP message, and
 * decodes the message behind it. Reusable and allocation-free; not thread-safe.
 */
public final class Ipv4Datagram {
    private final byte[] source = new byte[4];
    private final byte[] destination = new byte[4];
    private int ttl;
    private int headerLength;

    /**
     * Checks the IPv4 header at {@code buf[offset, offset+length)} (version 4, IHL ≥ 5, total length
     * within the bytes, protocol 112; trailing bytes such as Ethernet padding are ignored) and decodes the VRRP message into {@code view}.
     *
     * @return {@code null} when header and message are valid, else the reason
     */
    public DropReason decode(ByteBuffer buf, int offset, int length, PacketView view) {
        if (offset < 0 || length < 20 || offset > buf.limit() - length) {
            return DropReason.TRUNCATED;
        }
        int vihl = buf.get(offset) & 0xff;
        headerLength = (vihl & 0x0f) * 4;
        int total = ((buf.get(offset + 2) & 0xff) << 8) | (buf.get(offset + 3) & 0xff);
        if ((vihl >>> 4) != 4 || headerLength < 20 || total < headerLength) {
            return DropReason.IP_HEADER_INVALID;
        }
        if (total > length) {
            return DropReason.TRUNCATED; // fewer bytes than the header announces (a short capture)
        }
        if ((buf.get(offset + 9) & 0xff) != Checksum.PROTOCOL_VRRP) {
            return DropReason.NOT_VRRP;
        }
        ttl = buf.get(offset + 8) & 0xff;
        buf.get(offset + 12, source);
        buf.get(offset + 16, destination);
        return view.decode(buf, offset + headerLength, total - headerLength, IpFamily.IPV4, source, destination, ttl);
    }

    /** Source address of the last datagram (the array is reused). */
    public byte[] source() { return source; }

    /** Destination address of the last datagram (the array is reused). */
    public byte[] destination() { return destination; }

    /** TTL of the last datagram. */
    public int ttl() { return ttl; }

    /** IPv4 header length of the last datagram. */
    public int headerLength() { return headerLength; }
}
