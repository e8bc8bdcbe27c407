package org.vrrp4j.netty.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Unsolicited Neighbor Advertisements (RFC 9568 §6.4.2 / §7.2, RFC 4861 §7.2.6) over AF_PACKET, the
 * frame keepalived sends: Ethernet to 33:33:00:00:00:01 from the interface (or virtual) MAC; IPv6 from
 * the virtual address itself to ff02::1 with hop limit 255; ICMPv6 type 136 with Override set,
 * Solicited clear, Router set when IPv6 forwarding is on for the interface (keepalived's rule); target =
 * the virtual address; a target link-layer address option with the MAC.
 *
 * <p>Why AF_PACKET and not a raw ICMPv6 socket (where the kernel would compute the checksum): it is the
 * same mechanism as gratuitous ARP, it fixes the Ethernet source to the MAC we mean (the vMAC with
 * {@code use_vmac}) rather than whatever device the kernel routes through, and it does not depend on
 * the kernel accepting the virtual address as a source at that instant. The ICMPv6 checksum (RFC 8200
 * pseudo-header) is ours to compute, a few lines.
 */
public final class NeighborAnnouncer implements AddressAnnouncer {
    private static final short ETH_P_IPV6 = (short) 0x86dd;
    private static final int FRAME = 14 + 40 + 24 + 8;
    private static final int ICMPV6 = 58;
    private static final byte[] ALL_NODES = InetAddress.ofLiteral("ff02::1").getAddress();

    private final int fd;
    private final int ifindex;
    private final byte[] mac;
    private final boolean router;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment frame = arena.allocate(FRAME, 8);
    private final MemorySegment to = arena.allocate(20, 8);
    private final Libc.Call call = new Libc.Call();

    private NeighborAnnouncer(int fd, int ifindex, byte[] mac, boolean router) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.mac = mac;
        this.router = router;
    }

    /**
     * An announcer on {@code ifname} in the calling thread's namespace, sending from {@code mac}.
     *
     * @param router the NA's Router flag (keepalived: whether IPv6 forwarding is on for the interface)
     */
    public static NeighborAnnouncer open(String ifname, byte[] mac, boolean router) throws Libc.NativeException {
        int ifindex = Libc.ifindex(ifname);
        // protocol 0: this socket only sends, so nothing is queued for it on receive
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0,
                "AF_PACKET socket for unsolicited neighbor advertisements on " + ifname);
        return new NeighborAnnouncer(fd, ifindex, mac.clone(), router);
    }

    /**
     * Whether IPv6 forwarding is on for {@code ifname}, read from /proc/sys in the calling thread's
     * namespace (sysctl files belong to the namespace of the thread that opens them).
     */
    public static boolean ipv6Forwarding(String ifname) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv6/conf", ifname, "forwarding"))
                    .strip().equals("1");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** The Router flag this announcer sets. */
    public boolean routerFlag() {
        return router;
    }

    @Override
    public int announce(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Libc.EINVAL;
        }
        byte[] target = address.getAddress();
        frame.fill((byte) 0);
        frame.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x33);                   // 33:33:00:00:00:01 (RFC 2464 §7)
        frame.set(ValueLayout.JAVA_BYTE, 1, (byte) 0x33);
        frame.set(ValueLayout.JAVA_BYTE, 5, (byte) 0x01);
        MemorySegment.copy(mac, 0, frame, ValueLayout.JAVA_BYTE, 6, 6);
        frame.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x86);
        frame.set(ValueLayout.JAVA_BYTE, 13, (byte) 0xdd);
        int ip = 14;
        frame.set(ValueLayout.JAVA_BYTE, ip, (byte) 0x60);                  // version 6
        frame.set(ValueLayout.JAVA_BYTE, ip + 5, (byte) 32);                // payload length: NA 24 + option 8
        frame.set(ValueLayout.JAVA_BYTE, ip + 6, (byte) ICMPV6);
        frame.set(ValueLayout.JAVA_BYTE, ip + 7, (byte) 255);               // hop limit 255 (RFC 4861 §7.1.2)
        MemorySegment.copy(target, 0, frame, ValueLayout.JAVA_BYTE, ip + 8, 16);   // source: the address itself
        MemorySegment.copy(ALL_NODES, 0, frame, ValueLayout.JAVA_BYTE, ip + 24, 16);
        int na = ip + 40;
        frame.set(ValueLayout.JAVA_BYTE, na, (byte) 136);                   // Neighbor Advertisement
        frame.set(ValueLayout.JAVA_BYTE, na + 4, (byte) ((router ? 0x80 : 0) | 0x20)); // R, S=0, O=1
        MemorySegment.copy(target, 0, frame, ValueLayout.JAVA_BYTE, na + 8, 16);
        frame.set(ValueLayout.JAVA_BYTE, na + 24, (byte) 2);                // target link-layer address option
        frame.set(ValueLayout.JAVA_BYTE, na + 25, (byte) 1);                // length in 8-byte units
        MemorySegment.copy(mac, 0, frame, ValueLayout.JAVA_BYTE, na + 26, 6);
        int sum = checksum(frame, na, 32, target, ALL_NODES);
        frame.set(ValueLayout.JAVA_BYTE, na + 2, (byte) (sum >>> 8));
        frame.set(ValueLayout.JAVA_BYTE, na + 3, (byte) sum);
        to.fill((byte) 0);
        to.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
        to.set(ValueLayout.JAVA_SHORT, 2, Short.reverseBytes(ETH_P_IPV6));
        to.set(ValueLayout.JAVA_INT, 4, ifindex);
        to.set(ValueLayout.JAVA_BYTE, 11, (byte) 6);
        MemorySegment.copy(frame, 0, to, 12, 6);
        long n = Libc.sendto(fd, frame, FRAME, 0, to, call);
        return n < 0 ? (int) -n : 0;
    }

    /** RFC 1071 sum over the ICMPv6 message and the RFC 8200 pseudo-header (next header 58). */
    static int checksum(MemorySegment buf, int offset, int length, byte[] src, byte[] dst) {
        long sum = length + ICMPV6;
        for (int i = 0; i < 16; i += 2) {
            sum += ((src[i] & 0xff) << 8 | (src[i + 1] & 0xff)) + ((dst[i] & 0xff) << 8 | (dst[i + 1] & 0xff));
        }
        for (int i = 0; i < length; i += 2) {
            sum += (buf.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff) << 8 | (buf.get(ValueLayout.JAVA_BYTE, offset + i + 1) & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    @Override
    public void close() {
        Libc.close(fd);
        call.close();
        arena.close();
    }
}
