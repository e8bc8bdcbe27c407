package org.vrrp4j.netty.linux;

import static org.vrrp4j.netty.linux.CStructs.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A raw socket for protocol 112 on one interface, as keepalived sets it up (checked against it in
 * namespaces, DESIGN.md). IPv4 ({@link #open}): bound to the device, multicast loop off,
 * IP_MULTICAST_ALL off, TTL 255 for multicast and unicast, TOS 0xc0, IP_PKTINFO on receive (ifindex,
 * destination) and send (source); the kernel delivers the IPv4 header. IPv6 ({@link #openIpv6}): the
 * kernel delivers no header, so source comes from the socket address, destination and ifindex from
 * IPV6_PKTINFO and the hop limit from IPV6_HOPLIMIT control messages; hop limit 255 for multicast and
 * unicast, traffic class 0xc0, ff02::12 joined on the interface, and IPV6_CHECKSUM at offset 6: the
 * kernel fills the checksum on send and drops a received packet whose checksum is wrong before we see
 * it (keepalived relies on the same). Non-blocking; the receive buffers are reused so reading a packet
 * allocates nothing. One thread at a time (the node's event loop).
 */
public final class RawVrrpSocket implements AutoCloseable {
    /** IP protocol number of VRRP. */
    public static final int PROTOCOL = 112;
    private static final int BUFFER = 4096;
    private static final int CONTROL = 256;
    /** Room for either socket address: the received source, the destination sent to. */
    private static final MemoryLayout SOCKADDR_ANY = MemoryLayout.unionLayout(SOCKADDR_IN, SOCKADDR_IN6);
    /** The one control message sent: IP_PKTINFO or IPV6_PKTINFO, whichever is bigger. */
    private static final long SEND_CONTROL_4 = cmsgSpace(IN_PKTINFO.byteSize());
    private static final long SEND_CONTROL_6 = cmsgSpace(IN6_PKTINFO.byteSize());
    private static final long SEND_CONTROL = Math.max(SEND_CONTROL_4, SEND_CONTROL_6);
    private static final long IN_ADDR_SIZE = IN_ADDR.byteSize();
    private static final long IN6_ADDR_SIZE = IN6_ADDR.byteSize();
    private static final byte[] VRRP_GROUP_4 = {(byte) 224, 0, 0, 18};
    private static final byte[] VRRP_GROUP_6 = {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};

    private final int fd;
    private final int ifindex;
    private final String ifname;
    private final boolean ipv6;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment data = arena.allocate(BUFFER, C_LONG.byteAlignment());
    private final ByteBuffer dataView = data.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
    private final MemorySegment control = arena.allocate(CONTROL, CMSGHDR.byteAlignment());
    private final MemorySegment name = arena.allocate(SOCKADDR_ANY);
    private final MemorySegment iov = arena.allocate(IOVEC);
    private final MemorySegment msg = arena.allocate(MSGHDR);
    private final MemorySegment sendData = arena.allocate(BUFFER, C_LONG.byteAlignment());
    private final ByteBuffer sendView = sendData.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
    private final MemorySegment sendControl = arena.allocate(SEND_CONTROL, CMSGHDR.byteAlignment());
    private final MemorySegment sendName = arena.allocate(SOCKADDR_ANY);
    private final MemorySegment sendIov = arena.allocate(IOVEC);
    private final MemorySegment sendMsg = arena.allocate(MSGHDR);
    private final Libc.Call call = new Libc.Call();
    private volatile boolean closed;

    /**
     * The receive buffer asked for: masters of many routers send their adverts in bursts (routers that
     * became master together stay in phase, in keepalived as here), 250 of them at once on a link, and the
     * kernel's default (208 KiB, ~270 small packets) dropped the tail of such a burst at take-overs.
     */
    static final int RECEIVE_BUFFER = 1 << 20;

    /** SO_RCVBUFFORCE (CAP_NET_ADMIN, which the daemon has), else SO_RCVBUF within net.core.rmem_max. */
    private static void sizeReceiveBuffer(int fd) throws Libc.NativeException {
        try {
            Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, RECEIVE_BUFFER, "SO_RCVBUFFORCE");
        } catch (Libc.NativeException e) {
            Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, RECEIVE_BUFFER, "SO_RCVBUF");
        }
    }

    private RawVrrpSocket(int fd, int ifindex, String ifname, boolean ipv6) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.ifname = ifname;
        this.ipv6 = ipv6;
    }

    /** Opens the socket on {@code ifname} in the calling thread's namespace and joins 224.0.0.18 there. */
    public static RawVrrpSocket open(String ifname) throws Libc.NativeException {
        int ifindex = Libc.ifindex(ifname);
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, PROTOCOL,
                "raw IPv4 socket for VRRP on " + ifname);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dev = a.allocateFrom(ifname);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, dev, "SO_BINDTODEVICE " + ifname);
            sizeReceiveBuffer(fd);
            Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_PKTINFO, 1, "IP_PKTINFO");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_TTL, 255, "IP_TTL");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_TOS, 0xc0, "IP_TOS");
            MemorySegment mreqn = a.allocate(IP_MREQN);
            mreqn.set(C_INT, IMR_IFINDEX, ifindex);
            Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_IF, mreqn, "IP_MULTICAST_IF " + ifname);
            MemorySegment.copy(VRRP_GROUP_4, 0, mreqn, C_CHAR, IMR_MULTIADDR, VRRP_GROUP_4.length);
            Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_ADD_MEMBERSHIP, mreqn, "join 224.0.0.18 on " + ifname);
        } catch (Libc.NativeException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        return new RawVrrpSocket(fd, ifindex, ifname, false);
    }

    /** Opens the IPv6 socket on {@code ifname} in the calling thread's namespace and joins ff02::12 there. */
    public static RawVrrpSocket openIpv6(String ifname) throws Libc.NativeException {
        int ifindex = Libc.ifindex(ifname);
        int fd = Libc.socket(Libc.AF_INET6, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, PROTOCOL,
                "raw IPv6 socket for VRRP on " + ifname);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dev = a.allocateFrom(ifname);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, dev, "SO_BINDTODEVICE " + ifname);
            sizeReceiveBuffer(fd);
            try {
                // only the groups this socket joined (Linux ≥ 4.20); without it every ff02::12 of the host arrives
                Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL");
            } catch (Libc.NativeException e) {
                if (e.errno() != Libc.ENOPROTOOPT) {
                    throw e;
                }
            }
            Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, 0xc0, "IPV6_TCLASS");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_CHECKSUM, 6, "IPV6_CHECKSUM");
            Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF " + ifname);
            MemorySegment mreq = a.allocate(IPV6_MREQ);
            MemorySegment.copy(VRRP_GROUP_6, 0, mreq, C_CHAR, IPV6MR_MULTIADDR, VRRP_GROUP_6.length);
            mreq.set(C_INT, IPV6MR_IFINDEX, ifindex);
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_ADD_MEMBERSHIP, mreq, "join ff02::12 on " + ifname);
        } catch (Libc.NativeException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        return new RawVrrpSocket(fd, ifindex, ifname, true);
    }

    /** Whether this is the IPv6 socket. */
    public boolean isIpv6() {
        return ipv6;
    }

    /** Sets the TTL (IPv6: hop limit) of multicast sends (255 unless a tool or test wants otherwise). */
    public void multicastTtl(int ttl) throws Libc.NativeException {
        if (ipv6) {
            Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, ttl, "IPV6_MULTICAST_HOPS");
        } else {
            Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_TTL, ttl, "IP_MULTICAST_TTL");
        }
    }

    /**
     * IPv6 only: stops the kernel filling and verifying the checksum, so a test can send a wrong one.
     * The node never calls this.
     */
    public void kernelChecksum(boolean on) throws Libc.NativeException {
        Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_CHECKSUM, on ? 6 : -1, "IPV6_CHECKSUM");
    }

    /** The file descriptor (for epoll). */
    public int fd() {
        return fd;
    }

    /** The interface index. */
    public int ifindex() {
        return ifindex;
    }

    /** The interface name. */
    public String ifname() {
        return ifname;
    }

    /** What {@link #receive} read; the buffer view and arrays are reused by the next receive. */
    public static final class Received {
        /** IPv4: the datagram (header included); IPv6: the VRRP message alone; positions 0..length. */
        public ByteBuffer datagram;
        /** Bytes read. */
        public int length;
        /** Receiving interface from IP_PKTINFO / IPV6_PKTINFO (0 when absent). */
        public int ifindex;
        /** IPv6: the source address (from the socket address). */
        public final byte[] source = new byte[16];
        /** IPv6: the destination address (from IPV6_PKTINFO). */
        public final byte[] destination = new byte[16];
        /** IPv6: the hop limit (from IPV6_HOPLIMIT), -1 when absent. */
        public int hopLimit = -1;
    }

    /**
     * Reads one datagram without blocking.
     *
     * @return false when nothing is waiting
     * @throws Libc.NativeException for errors other than EAGAIN/EINTR
     */
    public boolean receive(Received out) throws Libc.NativeException {
        msg.fill((byte) 0);
        iov.set(C_POINTER, IOVEC_BASE, data);
        iov.set(C_SIZE_T, IOVEC_LEN, BUFFER);
        msg.set(C_POINTER, MSG_NAME, name);
        msg.set(C_INT, MSG_NAMELEN, (int) name.byteSize());
        msg.set(C_POINTER, MSG_IOV, iov);
        msg.set(C_SIZE_T, MSG_IOVLEN, 1);
        msg.set(C_POINTER, MSG_CONTROL, control);
        msg.set(C_SIZE_T, MSG_CONTROLLEN, CONTROL);
        long n = Libc.recvmsg(fd, msg, Libc.MSG_DONTWAIT, call);
        if (n == -Libc.EAGAIN || n == -Libc.EINTR) {
            return false;
        }
        if (n < 0) {
            throw new Libc.NativeException("recvmsg on " + ifname, (int) -n, "");
        }
        out.datagram = dataView;
        out.length = (int) n;
        out.ifindex = 0;
        out.hopLimit = -1;
        if (ipv6) {
            MemorySegment.copy(name, C_CHAR, SIN6_ADDR, out.source, 0, (int) IN6_ADDR_SIZE);
            java.util.Arrays.fill(out.destination, (byte) 0); // :: unless IPV6_PKTINFO says (never stale)
        }
        long clen = msg.get(C_SIZE_T, MSG_CONTROLLEN);
        for (long off = 0; off + CMSGHDR.byteSize() <= clen; ) { // CMSG_FIRSTHDR / CMSG_NXTHDR
            long len = control.get(C_SIZE_T, off + CMSG_LEN_FIELD);
            int level = control.get(C_INT, off + CMSG_LEVEL);
            int type = control.get(C_INT, off + CMSG_TYPE);
            if (len < CMSGHDR.byteSize() || off + len > clen) {
                break;
            }
            long at = off + CMSG_DATA;
            if (level == Libc.IPPROTO_IP && type == Libc.IP_PKTINFO && len >= cmsgLen(IN_PKTINFO.byteSize())) {
                out.ifindex = control.get(C_INT, at + IPI_IFINDEX);
            } else if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_PKTINFO && len >= cmsgLen(IN6_PKTINFO.byteSize())) {
                MemorySegment.copy(control, C_CHAR, at + IPI6_ADDR, out.destination, 0, (int) IN6_ADDR_SIZE);
                out.ifindex = control.get(C_INT, at + IPI6_IFINDEX);
            } else if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_HOPLIMIT && len >= cmsgLen(C_INT.byteSize())) {
                out.hopLimit = control.get(C_INT, at);
            }
            off += cmsgAlign(len);
        }
        return true;
    }

    /** The reusable send buffer: encode the VRRP message at position 0, then call {@link #send}. */
    public ByteBuffer sendBuffer() {
        return sendView;
    }

    /**
     * Sends {@code length} bytes of the send buffer to {@code dst} with source address {@code src}
     * (IP_PKTINFO / IPV6_PKTINFO) out of this interface. IPv6 goes with sin6_scope_id = the interface.
     *
     * @return 0 on success, else errno (the caller counts it; a send error must not stop the router)
     */
    public int send(int length, byte[] src, byte[] dst) {
        if (closed) {
            return Libc.EPERM;
        }
        return sendOne(fd, length, src, dst);
    }

    /**
     * Runs the whole send path against no descriptor (-1: EBADF), sending nothing. A backup never
     * sends, so without this its first advert as the new master pays for linking the sendmsg
     * downcall and the memory-access handles: measured, the first take-over came 2 ms later than
     * the next ones.
     */
    public void warmUp(int length, byte[] src, byte[] dst) {
        if (!closed) {
            int errno = sendOne(-1, length, src, dst);
            assert errno == Libc.EBADF : errno;
        }
    }

    private int sendOne(int fd, int length, byte[] src, byte[] dst) {
        compose(sendMsg, 0, sendName, 0, sendControl, 0, sendIov, 0, sendData.address(), length, src, dst);
        long n = Libc.sendmsg(fd, sendMsg, 0, call);
        return n < 0 ? (int) -n : 0;
    }

    /**
     * Writes one message: the destination's socket address at {@code names[n]}, the source's PKTINFO at
     * {@code controls[c]}, the iovec at {@code iovs[v]} over {@code length} bytes at {@code data}, and the
     * msghdr at {@code msgs[m]} pointing at them. Only fields that are the same for every message of this
     * socket's family stay unwritten (port, flow info, zero padding): the memory must be zeroed once.
     */
    private void compose(MemorySegment msgs, long m, MemorySegment names, long n, MemorySegment controls, long c,
            MemorySegment iovs, long v, long data, int length, byte[] src, byte[] dst) {
        long controlLength;
        long nameLength;
        if (ipv6) {
            names.set(C_SHORT, n + SIN6_FAMILY, (short) Libc.AF_INET6); // port 0: raw sockets take none
            MemorySegment.copy(dst, 0, names, C_CHAR, n + SIN6_ADDR, (int) IN6_ADDR_SIZE);
            names.set(C_INT, n + SIN6_SCOPE_ID, ifindex);
            controls.set(C_SIZE_T, c + CMSG_LEN_FIELD, cmsgLen(IN6_PKTINFO.byteSize()));
            controls.set(C_INT, c + CMSG_LEVEL, Libc.IPPROTO_IPV6);
            controls.set(C_INT, c + CMSG_TYPE, Libc.IPV6_PKTINFO);
            MemorySegment.copy(src, 0, controls, C_CHAR, c + CMSG_DATA + IPI6_ADDR, (int) IN6_ADDR_SIZE); // the source
            controls.set(C_INT, c + CMSG_DATA + IPI6_IFINDEX, ifindex);
            controlLength = SEND_CONTROL_6;
            nameLength = SOCKADDR_IN6.byteSize();
        } else {
            names.set(C_SHORT, n + SIN_FAMILY, (short) Libc.AF_INET);
            MemorySegment.copy(dst, 0, names, C_CHAR, n + SIN_ADDR, (int) IN_ADDR_SIZE);
            controls.set(C_SIZE_T, c + CMSG_LEN_FIELD, cmsgLen(IN_PKTINFO.byteSize()));
            controls.set(C_INT, c + CMSG_LEVEL, Libc.IPPROTO_IP);
            controls.set(C_INT, c + CMSG_TYPE, Libc.IP_PKTINFO);
            controls.set(C_INT, c + CMSG_DATA + IPI_IFINDEX, ifindex);
            MemorySegment.copy(src, 0, controls, C_CHAR, c + CMSG_DATA + IPI_SPEC_DST, (int) IN_ADDR_SIZE); // the source
            controlLength = SEND_CONTROL_4;
            nameLength = SOCKADDR_IN.byteSize();
        }
        iovs.set(C_SIZE_T, v + IOVEC_BASE, data);
        iovs.set(C_SIZE_T, v + IOVEC_LEN, length);
        msgs.set(C_SIZE_T, m + MSG_NAME, names.address() + n);
        msgs.set(C_INT, m + MSG_NAMELEN, (int) nameLength);
        msgs.set(C_SIZE_T, m + MSG_IOV, iovs.address() + v);
        msgs.set(C_SIZE_T, m + MSG_IOVLEN, 1);
        msgs.set(C_SIZE_T, m + MSG_CONTROL, controls.address() + c);
        msgs.set(C_SIZE_T, m + MSG_CONTROLLEN, controlLength);
    }

    // ---- batches: one sendmmsg for the adverts of routers that fall due together -------------------

    /**
     * The most adverts one batch holds. Masters of many routers send in phase (500 routers: 250 adverts
     * at one instant per link); one system call each was a fifth of the daemon's CPU on a VM, where a
     * system call is dear. 64 bounds how long the first advert of a burst waits for the last.
     */
    public static final int BATCH = 64;
    /** The batch's message bytes, packed: room for any one advert (the largest is under 4096). */
    private static final long BATCH_DATA = 16 * 1024;
    private static final long SLOT_NAME = SOCKADDR_ANY.byteSize();
    private static final long SLOT_CONTROL = SEND_CONTROL;
    /** Made on the first batch: a backup never sends one, and this is 26 KiB of native memory. */
    private MemorySegment batchMsgs;
    private MemorySegment batchNames;
    private MemorySegment batchControls;
    private MemorySegment batchIovs;
    private MemorySegment batchData;
    private int queued;
    private long dataUsed;

    /** How many adverts wait in the batch. */
    public int queued() {
        return queued;
    }

    /**
     * Adds the {@code length} bytes of the send buffer, from {@code src} to {@code dst}, to the batch
     * (copied: the send buffer is free again at once). Nothing leaves until {@link #flush}.
     *
     * @return false when the batch is full: flush, then queue again
     */
    public boolean queue(int length, byte[] src, byte[] dst) {
        if (length < 0 || length > BUFFER) {
            throw new IllegalArgumentException("advert length " + length + " outside 0.." + BUFFER);
        }
        if (batchMsgs == null) {
            batchMsgs = arena.allocate(MMSGHDR, BATCH);
            batchNames = arena.allocate(SLOT_NAME * BATCH, SOCKADDR_ANY.byteAlignment());
            batchControls = arena.allocate(SLOT_CONTROL * BATCH, CMSGHDR.byteAlignment());
            batchIovs = arena.allocate(IOVEC, BATCH);
            batchData = arena.allocate(BATCH_DATA, C_LONG.byteAlignment());
        }
        long at = (dataUsed + 7) & ~7L;
        if (queued == BATCH || at + length > BATCH_DATA) {
            return false;
        }
        MemorySegment.copy(sendData, 0, batchData, at, length);
        int i = queued++;
        compose(batchMsgs, i * MMSGHDR.byteSize(), batchNames, i * SLOT_NAME, batchControls, i * SLOT_CONTROL,
                batchIovs, i * IOVEC.byteSize(), batchData.address() + at, length, src, dst);
        dataUsed = at + length;
        return true;
    }

    /**
     * Sends the batch with sendmmsg and empties it. A message the kernel refuses does not stop the ones
     * after it: the call is made again from the next.
     *
     * @param errnos where each queued advert's outcome goes, in queue order: 0, or errno
     * @return how many adverts the batch held
     */
    public int flush(int[] errnos) {
        int n = queued;
        queued = 0;
        dataUsed = 0;
        for (int off = 0; off < n; ) {
            long r = closed ? -Libc.EPERM : Libc.sendmmsg(fd, batchMsgs, off * MMSGHDR.byteSize(), n - off, 0, call);
            if (r > 0) {
                for (long end = off + r; off < end; off++) {
                    errnos[off] = 0;
                }
            } else {
                errnos[off++] = r == 0 ? Libc.EAGAIN : (int) -r;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
            call.close();
            arena.close();
        }
    }
}
