package org.vrrp4j.netty.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
    private static final int IFF_UP = 0x1;
    private static final int IFF_RUNNING = 0x40;

    /** Receives link changes: interface index and whether it is up with carrier. */
    @FunctionalInterface
    public interface LinkListener {
        void linkChanged(int ifindex, boolean up);
    }

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(16384, 8);
    private final Libc.Call call = new Libc.Call();

    private LinkMonitor(int fd) {
        this.fd = fd;
    }

    /** Subscribes in the calling thread's namespace. */
    public static LinkMonitor open() throws Libc.NativeException {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0, "rtnetlink monitor");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment nl = a.allocate(12, 4);
            nl.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            nl.set(ValueLayout.JAVA_INT, 8, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR);
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
            for (long at = 0; at + 16 <= n; ) {
                int len = buf.get(ValueLayout.JAVA_INT, at);
                short type = buf.get(ValueLayout.JAVA_SHORT, at + 4);
                if (len < 16 || at + len > n) {
                    break;
                }
                if ((type == RTM_NEWLINK || type == RTM_DELLINK) && len >= 32) {
                    int index = buf.get(ValueLayout.JAVA_INT, at + 20);
                    int flags = buf.get(ValueLayout.JAVA_INT, at + 24);
                    boolean up = type == RTM_NEWLINK && (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
                    links.linkChanged(index, up);
                } else if ((type == RTM_NEWADDR || type == RTM_DELADDR) && len >= 24) {
                    addressesChanged.accept(buf.get(ValueLayout.JAVA_INT, at + 20));
                }
                at += (len + 3) & ~3;
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
