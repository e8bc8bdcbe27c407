package org.vrrp4j.netty.linux;

import static org.vrrp4j.netty.linux.CStructs.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;

/**
 * rtnetlink notifications: link state (RTMGRP_LINK) and address changes (RTMGRP_IPV4_IFADDR,
 * RTMGRP_IPV6_IFADDR: a link-local appearing, finishing DAD or going) in
 * the namespace where it was opened. Non-blocking; the node registers its fd on the epoll loop and calls
 * {@link #drain} when it is readable.
 */
public final class LinkMonitor implements AutoCloseable {
    private static final int RTMGRP_LINK = 0x1;
    private static final int RTMGRP_IPV4_IFADDR = 0x10;
    private static final int RTMGRP_IPV6_IFADDR = 0x100;
    private static final short RTM_NEWLINK = 16;
    private static final short RTM_DELLINK = 17;
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_DELADDR = 21;
    private static final int BUFFER = 16384;

    /** Receives link changes. */
    @FunctionalInterface
    public interface LinkListener {
        /**
         * @param ifindex the interface's index
         * @param ifname  its name (IFLA_IFNAME), or null when the message had none
         * @param up      whether it is up with carrier (false when deleted)
         * @param deleted RTM_DELLINK: the interface is gone
         */
        void linkChanged(int ifindex, String ifname, boolean up, boolean deleted);
    }

    private static final short IFLA_IFNAME = 3;
    /** Linux's errno for a netlink socket whose receive queue overflowed: notifications were lost. */
    static final int ENOBUFS = 105;

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(BUFFER, NLMSGHDR.byteAlignment());
    private final Libc.Call call = new Libc.Call();

    private LinkMonitor(int fd) {
        this.fd = fd;
    }

    /** Subscribes in the calling thread's namespace. */
    public static LinkMonitor open() throws Libc.NativeException {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0, "rtnetlink monitor");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment nl = a.allocate(SOCKADDR_NL);
            nl.set(C_SHORT, NL_FAMILY, (short) Libc.AF_NETLINK);
            nl.set(C_INT, NL_GROUPS, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR);
            Libc.bind(fd, nl, "rtnetlink groups");
        } catch (Libc.NativeException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        return new LinkMonitor(fd);
    }

    /** The file descriptor (for epoll). */
    public int fd() {
        return fd;
    }

    /**
     * Reads every pending notification. When the kernel reports an overrun (ENOBUFS: the socket's queue
     * filled and notifications were lost), {@code overrun} runs: what was missed can only be learnt by
     * reading the whole state again. Reading then goes on (the socket stays usable).
     */
    public void drain(LinkListener links, IntConsumer addressesChanged, Runnable overrun) {
        while (true) {
            long n = Libc.recv(fd, buf, buf.byteSize(), Libc.MSG_DONTWAIT, call);
            if (n == -ENOBUFS) {
                overrun.run();
                continue;
            }
            if (n <= 0) {
                return; // EAGAIN: nothing more
            }
            for (long at = 0; at + NLMSG_HDRLEN <= n; ) {
                int len = buf.get(C_INT, at + NLMSG_LEN_FIELD);
                short type = buf.get(C_SHORT, at + NLMSG_TYPE);
                if (len < NLMSG_HDRLEN || at + len > n) {
                    break;
                }
                long msg = at + NLMSG_HDRLEN;
                if ((type == RTM_NEWLINK || type == RTM_DELLINK) && len >= NLMSG_HDRLEN + IFINFOMSG_SIZE) {
                    int index = buf.get(C_INT, msg + IFI_INDEX);
                    int flags = buf.get(C_INT, msg + IFI_FLAGS);
                    boolean up = type == RTM_NEWLINK && (flags & Libc.IFF_UP) != 0 && (flags & Libc.IFF_RUNNING) != 0;
                    links.linkChanged(index, name(msg + nlmsgAlign(IFINFOMSG_SIZE), at + len), up, type == RTM_DELLINK);
                } else if ((type == RTM_NEWADDR || type == RTM_DELADDR) && len >= NLMSG_HDRLEN + IFADDRMSG_SIZE) {
                    addressesChanged.accept(buf.get(C_INT, msg + IFA_INDEX));
                }
                at += nlmsgAlign(len);
            }
        }
    }

    /** IFLA_IFNAME among the attributes in [from, end), or null. */
    private String name(long from, long end) {
        for (long a = from; a + RTA_HDRLEN <= end; ) {
            int len = Short.toUnsignedInt(buf.get(C_SHORT, a + RTA_LEN));
            if (len < RTA_HDRLEN || a + len > end) {
                return null;
            }
            if (buf.get(C_SHORT, a + RTA_TYPE) == IFLA_IFNAME) {
                byte[] b = new byte[len - RTA_HDRLEN];
                MemorySegment.copy(buf, java.lang.foreign.ValueLayout.JAVA_BYTE, a + RTA_HDRLEN, b, 0, b.length);
                int z = 0;
                while (z < b.length && b[z] != 0) {
                    z++;
                }
                return new String(b, 0, z, java.nio.charset.StandardCharsets.US_ASCII);
            }
            a += rtaAlign(len);
        }
        return null;
    }

    /**
     * Sets the socket's receive buffer to {@code bytes} (SO_RCVBUF; the kernel doubles it and keeps a
     * minimum): tests make a small one to cause a real overrun with a bounded number of notifications.
     */
    public void receiveBuffer(int bytes) throws Libc.NativeException {
        Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, bytes, "SO_RCVBUF");
    }

    @Override
    public void close() {
        Libc.close(fd);
        call.close();
        arena.close();
    }
}
