package org.vrrp4j.netty.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls vrrp4j needs, through the FFM API (no JNI, nothing to build or ship). Each call
 * captures errno. The argument and return types are the platform's C types and the structs are
 * {@link CStructs}' layouts, so nothing here assumes x86_64.
 *
 * <p>The constants below are the same on Linux x86_64 and aarch64, checked in the kernel's uapi headers:
 * neither architecture defines its own {@code asm/socket.h}, {@code asm/sockios.h} or {@code asm/errno.h}
 * (both take, or merely include, {@code asm-generic}'s: SOL_SOCKET 1, SO_RCVBUF 8, SO_BINDTODEVICE 25,
 * the errno values), arm64's own {@code asm/fcntl.h} changes only O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE (not
 * O_NONBLOCK = SOCK_NONBLOCK, O_CLOEXEC = SOCK_CLOEXEC or O_RDONLY), and the rest (AF_*, SOCK_RAW/DGRAM,
 * IPPROTO_*, IP_*, IPV6_*, MSG_*, SIOCGIF*, CLONE_NEWNET) come from architecture-independent headers
 * ({@code linux/socket.h}, {@code linux/in.h}, {@code linux/in6.h}, {@code linux/sockios.h}, {@code
 * linux/sched.h}). They differ on alpha, MIPS, PA-RISC and SPARC, where vrrp4j does not run: {@link
 * Platform#requireSupported()} says so before anything here is loaded, instead of sending wrong numbers
 * to the kernel.
 */
public final class Libc {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_BINDTODEVICE = 25;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVBUFFORCE = 33;
    static final int IPPROTO_IP = 0;
    static final int IP_TOS = 1;
    static final int IP_TTL = 2;
    static final int IP_PKTINFO = 8;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IP_MULTICAST_ALL = 49;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_CHECKSUM = 7;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int IPV6_MULTICAST_ALL = 29;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;
    static final int IPV6_TCLASS = 67;
    static final int ENOPROTOOPT = 92;
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    static final int EINVAL = 22;
    static final int EPERM = 1;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int EEXIST = 17;
    static final int EADDRNOTAVAIL = 99;
    static final int MSG_DONTWAIT = 0x40;
    static final int CLONE_NEWNET = 0x40000000;
    static final int O_RDONLY = 0;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCGIFHWADDR = 0x8927;
    static final long SIOCGIFADDR = 0x8915;
    static final short IFF_UP = 0x1;
    static final short IFF_RUNNING = 0x40;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = CStructs.C_INT;
    private static final ValueLayout.OfLong LONG = CStructs.C_LONG;     // long, and ssize_t on Linux
    private static final ValueLayout.OfLong SIZE_T = CStructs.C_SIZE_T;
    private static final ValueLayout ADDR = CStructs.C_POINTER;

    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETSOCKOPT = handle("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDR, INT));
    private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final MethodHandle RECVMSG = handle("recvmsg", FunctionDescriptor.of(LONG, INT, ADDR, INT));
    private static final MethodHandle SENDMSG = handle("sendmsg", FunctionDescriptor.of(LONG, INT, ADDR, INT));
    private static final MethodHandle SENDTO = handle("sendto", FunctionDescriptor.of(LONG, INT, ADDR, SIZE_T, INT, ADDR, INT));
    private static final MethodHandle RECV = handle("recv", FunctionDescriptor.of(LONG, INT, ADDR, SIZE_T, INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle IF_NAMETOINDEX = handle("if_nametoindex", FunctionDescriptor.of(INT, ADDR));
    // int ioctl(int, unsigned long, ...): the struct pointer is a variadic argument
    private static final MethodHandle IOCTL = handle("ioctl", FunctionDescriptor.of(INT, INT, LONG, ADDR),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(INT, ADDR, INT));

    private Libc() {
    }

    static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... more) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option[] options = java.util.Arrays.copyOf(more, more.length + 1);
        options[more.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** A failed call: the function, errno, and what it means for an operator. */
    public static final class NativeException extends java.io.IOException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        NativeException(String call, int errno, String context) {
            super(call + " failed: " + describe(errno) + (context.isEmpty() ? "" : " (" + context + ")"));
            this.errno = errno;
        }

        /** The errno value. */
        public int errno() {
            return errno;
        }

        static String describe(int errno) {
            return switch (errno) {
                case EPERM, EACCES -> "permission denied (errno " + errno + "): raw sockets need CAP_NET_RAW and addresses"
                        + " CAP_NET_ADMIN; run as root or grant them, e.g. systemd AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN";
                case ENODEV -> "no such interface (errno " + errno + ")";
                case EADDRNOTAVAIL -> "address not available on this host (errno " + errno + ")";
                case EEXIST -> "already exists (errno " + errno + ")";
                default -> "errno " + errno;
            };
        }
    }

    /** Per-thread state for calls: the errno capture segment. */
    static final class Call implements AutoCloseable {
        final Arena arena = Arena.ofShared(); // a socket's Call is made on one thread and used on the loop
        final MemorySegment state = arena.allocate(CAPTURE);

        int errno() {
            return (int) ERRNO.get(state, 0L);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    static int check(String call, int rc, Call c, String context) throws NativeException {
        if (rc < 0) {
            throw new NativeException(call, c.errno(), context);
        }
        return rc;
    }

    static int socket(int domain, int type, int protocol, String context) throws NativeException {
        try (Call c = new Call()) {
            return check("socket", (int) SOCKET.invokeExact(c.state, domain, type, protocol), c, context);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void setsockopt(int fd, int level, int name, MemorySegment value, String context) throws NativeException {
        try (Call c = new Call()) {
            check("setsockopt(" + level + "," + name + ")", (int) SETSOCKOPT.invokeExact(c.state, fd, level, name, value,
                    (int) value.byteSize()), c, context);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void setsockoptInt(int fd, int level, int name, int value, String context) throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(INT);
            v.set(INT, 0, value);
            setsockopt(fd, level, name, v, context);
        }
    }

    static void bind(int fd, MemorySegment addr, String context) throws NativeException {
        try (Call c = new Call()) {
            check("bind", (int) BIND.invokeExact(c.state, fd, addr, (int) addr.byteSize()), c, context);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** recvmsg; returns bytes, or -errno (EAGAIN when nothing is waiting). */
    static long recvmsg(int fd, MemorySegment msghdr, int flags, Call c) {
        try {
            long n = (long) RECVMSG.invokeExact(c.state, fd, msghdr, flags);
            return n < 0 ? -c.errno() : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** sendmsg; returns bytes, or -errno. */
    static long sendmsg(int fd, MemorySegment msghdr, int flags, Call c) {
        try {
            long n = (long) SENDMSG.invokeExact(c.state, fd, msghdr, flags);
            return n < 0 ? -c.errno() : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** sendto; returns bytes, or -errno. */
    static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, Call c) {
        try {
            long n = (long) SENDTO.invokeExact(c.state, fd, buf, len, flags, addr, (int) addr.byteSize());
            return n < 0 ? -c.errno() : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** recv; returns bytes, or -errno. */
    static long recv(int fd, MemorySegment buf, long len, int flags, Call c) {
        try {
            long n = (long) RECV.invokeExact(c.state, fd, buf, len, flags);
            return n < 0 ? -c.errno() : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        try (Call c = new Call()) {
            int rc = (int) CLOSE.invokeExact(c.state, fd);
            if (rc < 0) {
                // nothing useful to do: the fd is gone either way
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The interface's index in the calling thread's network namespace. */
    public static int ifindex(String name) throws NativeException {
        try (Call c = new Call()) {
            int idx = (int) IF_NAMETOINDEX.invokeExact(c.state, c.arena.allocateFrom(name));
            if (idx == 0) {
                throw new NativeException("if_nametoindex(" + name + ")", c.errno(), "unknown interface " + name);
            }
            return idx;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** ioctl with a {@code struct ifreq} (the name, then a union: {@link CStructs#IFREQ}); returns the ifreq. */
    static MemorySegment ifreq(int fd, long request, String ifname, Arena arena) throws NativeException {
        MemorySegment ifr = arena.allocate(CStructs.IFREQ);
        byte[] n = ifname.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(n, 0, ifr, CStructs.C_CHAR, CStructs.offset(CStructs.IFREQ, "ifr_name"),
                Math.min(n.length, CStructs.IFNAMSIZ - 1));
        try (Call c = new Call()) {
            check("ioctl(" + Long.toHexString(request) + ", " + ifname + ")", (int) IOCTL.invokeExact(c.state, fd, request, ifr), c, ifname);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return ifr;
    }

    /**
     * Moves the calling thread into a network namespace ({@code /var/run/netns/NAME} or any nsfs path).
     * Sockets created afterwards on this thread belong to that namespace and keep it.
     */
    public static void enterNetworkNamespace(String path) throws NativeException {
        try (Call c = new Call()) {
            int fd = check("open(" + path + ")", (int) OPEN.invokeExact(c.state, c.arena.allocateFrom(path), O_RDONLY), c, path);
            try {
                check("setns(" + path + ")", (int) SETNS.invokeExact(c.state, fd, CLONE_NEWNET), c, path);
            } finally {
                close(fd);
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
