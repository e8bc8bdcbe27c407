package org.vrrp4j.netty.linux;

import static org.vrrp4j.netty.linux.CStructs.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.vrrp4j.core.packet.UnsolicitedNeighborAdvert;

/**
 * Unsolicited Neighbor Advertisements (RFC 9568 §6.4.2 / §7.2, RFC 4861 §7.2.6) over AF_PACKET: sends
 * the frame the core's {@link UnsolicitedNeighborAdvert} encodes (keepalived's: to ff02::1 from the
 * virtual address, Override set, Router set when IPv6 forwarding is on for the interface, keepalived's
 * rule), from the interface (or virtual) MAC.
 *
 * <p>Why AF_PACKET and not a raw ICMPv6 socket (where the kernel would compute the checksum): it is the
 * same mechanism as gratuitous ARP, it fixes the Ethernet source to the MAC we mean (the vMAC with
 * {@code use_vmac}) rather than whatever device the kernel routes through, and it does not depend on
 * the kernel accepting the virtual address as a source at that instant. The ICMPv6 checksum (RFC 8200
 * pseudo-header) is the encoder's.
 *
 * <p>The Router flag, decided: set exactly when IPv6 forwarding is on for the interface (keepalived 2.2.7's
 * rule, vrrp_ndisc.c), not always as RFC 9568 §6.4.2 writes it (R=1). The two agree wherever VRRP runs as
 * the RFC means it, on a router: forwarding is on, R=1. Where it runs on a server to move a service
 * address (forwarding off, this project's seed), the kernel's own answers to Neighbor Solicitations for the
 * same address carry R=0, and an unsolicited R=1 would make neighbours flip the address between router and
 * host: RFC 4861 §7.2.5 has a host drop a neighbour from its Default Router List when R goes from 1 to 0.
 * One answer for one address, the kernel's, beats the letter of the RFC there. Read when the announcer is
 * opened (keepalived re-reads it every 5 s): a change of forwarding takes effect at the next start.
 */
public final class NeighborAnnouncer implements AddressAnnouncer {
    private static final short ETH_P_IPV6 = (short) 0x86dd;
    /** The Ethernet address of ff02::1 (RFC 2464 §7). */
    private static final byte[] ALL_NODES = {0x33, 0x33, 0, 0, 0, 1};
    private static final int FRAME = UnsolicitedNeighborAdvert.FRAME_LENGTH;

    private final int fd;
    private final int ifindex;
    private final byte[] mac;
    private final boolean router;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment frame = arena.allocate(FRAME, 8);
    private final ByteBuffer frameView = frame.asByteBuffer();
    private final MemorySegment to = arena.allocate(SOCKADDR_LL);
    private final Libc.Call call = new Libc.Call();

    private NeighborAnnouncer(int fd, int ifindex, byte[] mac, boolean router) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.mac = mac;
        this.router = router;
        to.set(C_SHORT, SLL_FAMILY, (short) Libc.AF_PACKET); // sockaddr_ll: the same for every frame
        to.set(C_SHORT.withOrder(java.nio.ByteOrder.BIG_ENDIAN), SLL_PROTOCOL, ETH_P_IPV6);
        to.set(C_INT, SLL_IFINDEX, ifindex);
        to.set(C_CHAR, SLL_HALEN, (byte) ALL_NODES.length);
        MemorySegment.copy(ALL_NODES, 0, to, C_CHAR, SLL_ADDR, ALL_NODES.length);
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
        int length = UnsolicitedNeighborAdvert.encode(mac, (Inet6Address) address, router, frameView, 0);
        long n = Libc.sendto(fd, frame, length, 0, to, call);
        return n < 0 ? (int) -n : 0;
    }

    @Override
    public void close() {
        Libc.close(fd);
        call.close();
        arena.close();
    }
}
