package org.vrrp4j.core.packet;

import java.nio.ByteBuffer;

/**
 * RFC 1071 Internet checksum over a VRRP message, with the pseudo-headers VRRP uses. Reads with
 * absolute indexing; never allocates; never reads outside {@code [offset, offset + length)}.
 */
public final class Checksum {
    /** IP protocol number of VRRP. */
    public static final int PROTOCOL_VRRP = 112;

    private Checksum() {
    }

    /**
     * The checksum of a message whose checksum field is taken as zero, or, when verifying, 0 if the
     * stored checksum is right. {@code src}/{@code dst} are ignored for {@link ChecksumForm#MESSAGE_ONLY}.
     *
     * @param msg           buffer holding the VRRP message
     * @param offset        start of the message
     * @param length        message length in bytes
     * @param form          which pseudo-header to include
     * @param src           IP source address bytes (4 or 16)
     * @param dst           IP destination address bytes (4 or 16)
     * @param skipChecksum  true to treat bytes 6-7 as zero (computing); false to include them (verifying)
     */
    public static int compute(ByteBuffer msg, int offset, int length, ChecksumForm form, byte[] src, byte[] dst,
            boolean skipChecksum) {
        long sum = 0;
        switch (form) {
            case MESSAGE_ONLY -> { }
            case IPV4_PSEUDO_HEADER -> {
                sum += words(src, 4) + words(dst, 4);
                sum += PROTOCOL_VRRP;
                sum += length;
            }
            case IPV6_PSEUDO_HEADER -> {
                sum += words(src, 16) + words(dst, 16);
                sum += (length >>> 16) + (length & 0xffff); // 32-bit upper-layer length (RFC 8200)
                sum += PROTOCOL_VRRP;
            }
        }
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            if (skipChecksum && i - offset == 6) {
                continue;
            }
            sum += ((msg.get(i) & 0xff) << 8) | (msg.get(i + 1) & 0xff);
        }
        if (i < end) {
            sum += (msg.get(i) & 0xff) << 8; // odd length: pad with a zero byte
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long words(byte[] a, int n) {
        long s = 0;
        for (int i = 0; i < n; i += 2) {
            s += ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
        }
        return s;
    }
}
