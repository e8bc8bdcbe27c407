package org.vrrp4j.netty.linux;

import static org.vrrp4j.netty.linux.CStructs.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.ByteBuffer;

/**
 * Tests' raw Ethernet sender: one frame, as given, out of an interface of the calling thread's namespace
 * (AF_PACKET), so a test can address a frame to a MAC the kernel would never choose (a virtual MAC).
 */
public final class RawFrames {
    private RawFrames() {
    }

    /** Sends {@code frame} (destination MAC first) on {@code ifname}; returns 0 or errno. */
    public static int send(String ifname, byte[] frame) throws Libc.NativeException {
        int ifindex = Libc.ifindex(ifname);
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0, "test AF_PACKET sender on " + ifname);
        try (Arena arena = Arena.ofConfined(); Libc.Call call = new Libc.Call()) {
            MemorySegment to = arena.allocate(SOCKADDR_LL);
            to.set(C_SHORT, SLL_FAMILY, (short) Libc.AF_PACKET);
            to.set(C_SHORT.withOrder(java.nio.ByteOrder.BIG_ENDIAN), SLL_PROTOCOL,
                    (short) (((frame[12] & 0xff) << 8) | (frame[13] & 0xff)));
            to.set(C_INT, SLL_IFINDEX, ifindex);
            to.set(C_CHAR, SLL_HALEN, (byte) 6);
            MemorySegment.copy(frame, 0, to, C_CHAR, SLL_ADDR, 6);
            MemorySegment buf = arena.allocate(frame.length);
            MemorySegment.copy(frame, 0, buf, C_CHAR, 0, frame.length);
            long n = Libc.sendto(fd, buf, frame.length, 0, to, call);
            return n < 0 ? (int) -n : 0;
        } finally {
            Libc.close(fd);
        }
    }

    /** An Ethernet frame carrying an IPv4 UDP datagram (UDP checksum 0: none, allowed over IPv4). */
    public static byte[] udp4(byte[] dstMac, byte[] srcMac, Inet4Address src, Inet4Address dst, int port, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
        b.put(dstMac).put(srcMac).putShort((short) 0x0800);
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload.length)).putInt(0);
        b.put((byte) 64).put((byte) 17).putShort((short) 0).put(src.getAddress()).put(dst.getAddress());
        int sum = 0;
        for (int i = ipStart; i < ipStart + 20; i += 2) {
            sum += ((b.get(i) & 0xff) << 8) | (b.get(i + 1) & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        b.putShort(ipStart + 10, (short) ~sum);
        b.putShort((short) 40000).putShort((short) port).putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        return b.array();
    }
}
