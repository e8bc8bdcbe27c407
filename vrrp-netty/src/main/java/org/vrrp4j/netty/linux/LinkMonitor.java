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

    /** Receives link changes: interface index and whether it is up with carrier. */
    @FunctionalInterface
    public interface LinkListener {
        void linkChanged(int ifindex, boolean up);
    }

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

    /** Reads every pending notification. */
    public void drain(LinkListener links, IntConsumer addressesChanged) {
        while (true) {
            long n = Libc.recv(fd, buf, buf.byteSize(), Libc.MSG_DONTWAIT, call);
            if (n <= 0) {
                return; // EAGAIN (or an overrun: the next change brings the truth again)
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
                    links.linkChanged(index, up);
                } else if ((type == RTM_NEWADDR || type == RTM_DELADDR) && len >= NLMSG_HDRLEN + IFADDRMSG_SIZE) {
                    addressesChanged.accept(buf.get(C_INT, msg + IFA_INDEX));
                }
                at += nlmsgAlign(len);
            }
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
        call.close();
        arena.close();
    }
}
