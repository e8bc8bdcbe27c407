package org.vrrp4j.netty.linux;

import static org.vrrp4j.netty.linux.CStructs.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import org.vrrp4j.core.packet.GratuitousArp;

/**
 * Gratuitous ARP over AF_PACKET (RFC 9568 §6.4.2, errata 7947/7949): sends the frame the core's
 * {@link GratuitousArp} encodes (an ARP request from the interface or virtual MAC, sender IP = target
 * IP = the virtual address, to broadcast), so neighbours and switches learn the new master at once.
 */
public final class ArpAnnouncer implements AddressAnnouncer {
    private static final short ETH_P_ARP = 0x0806;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private final int fd;
    private final int ifindex;
    private final byte[] mac;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment frame = arena.allocate(GratuitousArp.FRAME_LENGTH, 8);
    private final ByteBuffer frameView = frame.asByteBuffer();
    private final MemorySegment to = arena.allocate(SOCKADDR_LL);
    private final Libc.Call call = new Libc.Call();

    private ArpAnnouncer(int fd, int ifindex, byte[] mac) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.mac = mac;
        to.set(C_SHORT, SLL_FAMILY, (short) Libc.AF_PACKET); // sockaddr_ll: the same for every frame
        to.set(C_SHORT.withOrder(java.nio.ByteOrder.BIG_ENDIAN), SLL_PROTOCOL, ETH_P_ARP);
        to.set(C_INT, SLL_IFINDEX, ifindex);
        to.set(C_CHAR, SLL_HALEN, (byte) BROADCAST.length);
        MemorySegment.copy(BROADCAST, 0, to, C_CHAR, SLL_ADDR, BROADCAST.length);
    }

    /** An announcer on {@code ifname} in the calling thread's namespace, sending from {@code mac}. */
    public static ArpAnnouncer open(String ifname, byte[] mac) throws Libc.NativeException {
        int ifindex = Libc.ifindex(ifname);
        // protocol 0: send only. With ETH_P_ARP the socket would also queue every ARP frame of the
        // namespace, never read, up to its receive buffer; the frame's protocol is in the sockaddr_ll
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0,
                "AF_PACKET socket for gratuitous ARP on " + ifname);
        return new ArpAnnouncer(fd, ifindex, mac.clone());
    }

    @Override
    public int announce(java.net.InetAddress address) {
        return address instanceof Inet4Address v4 ? announce(v4) : Libc.EINVAL;
    }

    /** Sends one gratuitous ARP for {@code vip} (the frame is the core's {@link GratuitousArp}); 0 or errno. */
    public int announce(Inet4Address vip) {
        int length = GratuitousArp.encode(mac, vip, frameView, 0);
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
