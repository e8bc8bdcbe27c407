package org.vrrp4j.core.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A reusable, mutable decoder for received VRRP messages: {@link #decode} validates the bytes in place
 * and fills this view without allocating, so a host shell's receive path can stay allocation-free.
 * {@link #toPacket()} materialises an immutable {@link VrrpPacket} when one is needed; it reads the
 * addresses from the buffer, so call it before the buffer is reused.
 *
 * <p>Never throws and never reads outside the given range, for any bytes. Not thread-safe: one view
 * per receiving thread.
 */
public final class PacketView {
    private ByteBuffer buf;
    private int offset;
    private int length;
    private IpFamily family;
    private VrrpVersion version;
    private int vrid = -1;
    private int priority;
    private int count;
    private int interval;
    private AuthType authType;
    private ChecksumForm checksumForm;
    private boolean allowTrailingBytes;
    private boolean requireLinkLocalFirst;

    /** Accept bytes after the message (Ethernet padding when reading from AF_PACKET); default false. */
    public PacketView allowTrailingBytes(boolean allow) {
        this.allowTrailingBytes = allow;
        return this;
    }

    /**
     * Drop IPv6 adverts whose first address is not link-local (RFC 9568 §5.2.9 read strictly); default
     * false, because keepalived sends global-only lists and erratum 8300 says to count and log them (the
     * router does: {@link org.vrrp4j.core.fsm.RouterCounters#ipv6GlobalFirstLists()}).
     */
    public PacketView requireLinkLocalFirst(boolean require) {
        this.requireLinkLocalFirst = require;
        return this;
    }

    /**
     * Validates the VRRP message at {@code buf[offset, offset+length)} against the packet-only rules of
     * RFC 9568 §7.1 in the checklist's order: TTL/hop limit (multicast destinations only; keepalived
     * skips it for unicast) → version → type → length vs count → checksum → VRID → count → interval →
     * IPv6 first address link-local (only with {@link #requireLinkLocalFirst(boolean)}).
     *
     * @param ttl TTL or hop limit of the IP packet, or -1 when unknown
     * @return {@code null} when valid (this view then describes the packet), else the reason
     */
    public DropReason decode(ByteBuffer buf, int offset, int length, IpFamily family, byte[] src, byte[] dst, int ttl) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        this.family = family;
        this.version = null;
        this.vrid = -1;
        this.checksumForm = null;
        if (offset < 0 || length < 0 || offset > buf.limit() - length
                || src.length != family.addressLength() || dst.length != family.addressLength()) {
            return DropReason.TRUNCATED;
        }
        if (ttl >= 0 && ttl != 255 && isMulticast(dst)) {
            return DropReason.TTL_INVALID;
        }
        if (length < 8) {
            return DropReason.TRUNCATED;
        }
        int b0 = buf.get(offset) & 0xff;
        VrrpVersion v = VrrpVersion.fromWire(b0 >>> 4);
        if (v == null) {
            return DropReason.VERSION_INVALID;
        }
        version = v;
        if ((b0 & 0x0f) != 1) {
            return DropReason.TYPE_INVALID;
        }
        if (v == VrrpVersion.V2 && family == IpFamily.IPV6) {
            return DropReason.V2_OVER_IPV6;
        }
        count = buf.get(offset + 3) & 0xff;
        int expected = 8 + count * family.addressLength() + (v == VrrpVersion.V2 ? VrrpAuthKey.LENGTH : 0);
        if (length < expected || (length > expected && !allowTrailingBytes)) {
            return DropReason.LENGTH_INVALID;
        }
        this.length = expected;
        if (v == VrrpVersion.V2) {
            if (Checksum.compute(buf, offset, expected, ChecksumForm.MESSAGE_ONLY, src, dst, false) != 0) {
                return DropReason.CHECKSUM_INVALID;
            }
            checksumForm = ChecksumForm.MESSAGE_ONLY;
        } else if (family == IpFamily.IPV6) {
            if (Checksum.compute(buf, offset, expected, ChecksumForm.IPV6_PSEUDO_HEADER, src, dst, false) != 0) {
                return DropReason.CHECKSUM_INVALID;
            }
            checksumForm = ChecksumForm.IPV6_PSEUDO_HEADER;
        } else if (Checksum.compute(buf, offset, expected, ChecksumForm.IPV4_PSEUDO_HEADER, src, dst, false) == 0) {
            checksumForm = ChecksumForm.IPV4_PSEUDO_HEADER; // keepalived, FRR (RFC 5798 reading)
        } else if (Checksum.compute(buf, offset, expected, ChecksumForm.MESSAGE_ONLY, src, dst, false) == 0) {
            checksumForm = ChecksumForm.MESSAGE_ONLY; // RFC 9568 §5.2.8 reading
        } else {
            return DropReason.CHECKSUM_INVALID;
        }
        vrid = buf.get(offset + 1) & 0xff;
        if (vrid == 0) {
            return DropReason.VRID_INVALID;
        }
        priority = buf.get(offset + 2) & 0xff;
        if (v == VrrpVersion.V3) {
            if (count == 0) {
                return DropReason.ADDRESS_COUNT_ZERO; // erratum 8299
            }
            interval = ((buf.get(offset + 4) & 0x0f) << 8) | (buf.get(offset + 5) & 0xff); // reserve masked
            authType = AuthType.NONE;
        } else {
            interval = buf.get(offset + 5) & 0xff;
            authType = AuthType.fromWire(buf.get(offset + 4) & 0xff);
        }
        if (interval == 0) {
            return DropReason.INTERVAL_ZERO; // erratum 8301
        }
        if (requireLinkLocalFirst && family == IpFamily.IPV6 && !((buf.get(offset + 8) & 0xff) == 0xfe && (buf.get(offset + 9) & 0xc0) == 0x80)) {
            return DropReason.IPV6_FIRST_NOT_LINK_LOCAL; // erratum 8300
        }
        if (authType == null) {
            return DropReason.AUTH_TYPE_INVALID; // RFC 3768 §5.3.6: an unknown type MUST be discarded
        }
        if (authType == AuthType.IP_AH) {
            return DropReason.AUTH_TYPE_AH_UNSUPPORTED; // no vrrp4j router can be configured with AH
        }
        return null;
    }

    private static boolean isMulticast(byte[] dst) {
        return dst.length == 4 ? (dst[0] & 0xf0) == 0xe0 : (dst[0] & 0xff) == 0xff;
    }

    /** Version of the last decoded packet (null when it did not get that far). */
    public VrrpVersion version() { return version; }

    /** VRID byte of the last decoded packet, or -1 when decoding stopped before it was verified. */
    public int vrid() { return vrid; }

    /** Priority field. */
    public int priority() { return priority; }

    /** Address count field. */
    public int addressCount() { return count; }

    /** Interval field in wire units (v3 centiseconds, v2 seconds). */
    public int maxAdvertInterval() { return interval; }

    /** v2 auth type (NONE for v3). */
    public AuthType authType() { return authType; }

    /** Which checksum form verified. */
    public ChecksumForm checksumForm() { return checksumForm; }

    /** Length of the message proper (without tolerated trailing bytes). */
    public int messageLength() { return length; }

    /** Whether the auth data of a valid v2 packet equals {@code key}, compared in constant time. */
    public boolean authDataMatches(VrrpAuthKey key) {
        byte[] data = new byte[VrrpAuthKey.LENGTH];
        buf.get(offset + 8 + count * family.addressLength(), data);
        return key.matches(data, 0);
    }

    /** The immutable packet for the last successful {@link #decode}. */
    public VrrpPacket toPacket() {
        int alen = family.addressLength();
        List<InetAddress> addrs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] a = new byte[alen];
            buf.get(offset + 8 + i * alen, a);
            try {
                // an IPv6 advert's address is IPv6 even when its bytes are IPv4-mapped (::ffff:a.b.c.d), which
                // InetAddress.getByAddress would make an Inet4Address: the packet would be refused by its family
                addrs.add(family == IpFamily.IPV6 ? java.net.Inet6Address.getByAddress(null, a, -1)
                        : InetAddress.getByAddress(a));
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 bytes are always an address", e);
            }
        }
        VrrpAuthKey key = null;
        if (authType == AuthType.SIMPLE_TEXT) {
            byte[] data = new byte[VrrpAuthKey.LENGTH];
            buf.get(offset + 8 + count * alen, data);
            key = VrrpAuthKey.ofBytes(data);
        }
        return new VrrpPacket(version, family, vrid, priority, interval, addrs, authType, key);
    }
}
