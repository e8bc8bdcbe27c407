package org.vrrp4j.core.packet;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Encodes VRRP advertisements into caller buffers and decodes received bytes. See {@link PacketView}
 * for the allocation-free receive path; the {@code decode} methods here are conveniences on top.
 */
public final class VrrpCodec {
    /** The VRRP multicast group for IPv4. */
    public static final InetAddress IPV4_GROUP = IpLiterals.parse("224.0.0.18");
    /** The VRRP multicast group for IPv6. */
    public static final InetAddress IPV6_GROUP = IpLiterals.parse("ff02::12");
    /** Largest VRRP message: 8 + 255 × 16 bytes. */
    public static final int MAX_MESSAGE = 8 + 255 * 16;

    private VrrpCodec() {
    }

    /**
     * Writes {@code packet} into {@code out} at absolute index {@code offset} and returns its length.
     * The checksum is computed for this source and destination: VRRPv2 over the message,
     * VRRPv3/IPv6 with the IPv6 pseudo-header, VRRPv3/IPv4 with {@code ipv4Form}.
     *
     * @throws IllegalArgumentException when the buffer is too small or the addresses are of another family
     */
    public static int encode(VrrpPacket packet, byte[] src, byte[] dst, ChecksumForm ipv4Form, ByteBuffer out, int offset) {
        int len = packet.wireLength();
        int alen = packet.family().addressLength();
        if (offset < 0 || out.limit() - offset < len) {
            throw new IllegalArgumentException("buffer too small: need " + len + " bytes at " + offset);
        }
        if (src.length != alen || dst.length != alen) {
            throw new IllegalArgumentException("source and destination must be " + packet.family() + " addresses");
        }
        out.put(offset, (byte) (packet.version().wireValue() << 4 | 1));
        out.put(offset + 1, (byte) packet.vrid());
        out.put(offset + 2, (byte) packet.priority());
        out.put(offset + 3, (byte) packet.addresses().size());
        if (packet.version() == VrrpVersion.V3) {
            out.put(offset + 4, (byte) ((packet.maxAdvertInterval() >>> 8) & 0x0f)); // reserve nibble 0
            out.put(offset + 5, (byte) packet.maxAdvertInterval());
        } else {
            out.put(offset + 4, (byte) packet.authType().wireValue());
            out.put(offset + 5, (byte) packet.maxAdvertInterval());
        }
        out.put(offset + 6, (byte) 0);
        out.put(offset + 7, (byte) 0);
        int at = offset + 8;
        for (InetAddress a : packet.addresses()) {
            out.put(at, a.getAddress());
            at += alen;
        }
        if (packet.version() == VrrpVersion.V2) {
            byte[] auth = packet.authKey() != null ? packet.authKey().toBytes() : new byte[VrrpAuthKey.LENGTH];
            out.put(at, auth);
        }
        ChecksumForm form = packet.version() == VrrpVersion.V2 ? ChecksumForm.MESSAGE_ONLY
                : packet.family() == IpFamily.IPV6 ? ChecksumForm.IPV6_PSEUDO_HEADER : ipv4Form;
        int sum = Checksum.compute(out, offset, len, form, src, dst, true);
        out.put(offset + 6, (byte) (sum >>> 8));
        out.put(offset + 7, (byte) sum);
        return len;
    }

    /** {@link #encode(VrrpPacket, byte[], byte[], ChecksumForm, ByteBuffer, int)} into a new array. */
    public static byte[] encode(VrrpPacket packet, InetAddress src, InetAddress dst, ChecksumForm ipv4Form) {
        byte[] out = new byte[packet.wireLength()];
        encode(packet, src.getAddress(), dst.getAddress(), ipv4Form, ByteBuffer.wrap(out), 0);
        return out;
    }

    /** Decodes a VRRP message (no IP header). Never throws. */
    public static DecodeResult decode(byte[] msg, int offset, int length, IpFamily family, byte[] src, byte[] dst,
            int ttl) {
        PacketView view = new PacketView();
        DropReason reason = view.decode(ByteBuffer.wrap(msg), offset, length, family, src, dst, ttl);
        return reason == null
                ? new DecodeResult.Decoded(view.toPacket(), view.checksumForm())
                : new DecodeResult.Rejected(reason, view.vrid());
    }
}
