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
 * The few system calls vrrp4j needs, through the FFM API (no JNI, nothing to build or ship). Each call
 * captures errno. All go through libc's {@code syscall(2)} and one downcall handle: the FFM API spins a
 * stub for each distinct C signature, and the thirteen functions called one by one cost ~60 ms more at
 * start on a 2-vCPU VPS than one shared signature (issue 12). Arguments are C longs: pointers are the
 * addresses of segments from explicit arenas (checked to be alive), ints are sign-extended (the kernel
 * reads the low half). The numbers are x86_64's and asm-generic's (aarch64's), {@link Sys}; the structs
 * are {@link CStructs}' layouts.
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
    static final int O_CLOEXEC = 0x80000;
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

    static final int AT_FDCWD = -100;
    static final long SIOCGIFINDEX = 0x8933;
    private static final int S_IFIFO = 0010000;
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall")),
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG, LONG, LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    /**
     * System call numbers: x86_64's own table ({@code asm/unistd_64.h}) and asm-generic's ({@code
     * asm-generic/unistd.h}), which aarch64 uses. {@code SyscallNumbersTest} checks both against the headers.
     */
    enum Sys {
        READ(0, 63),
        CLOSE(3, 57),
        RT_SIGACTION(13, 134),
        IOCTL(16, 29),
        SOCKET(41, 198),
        SENDTO(44, 206),
        RECVFROM(45, 207),
        SENDMSG(46, 211),
        RECVMSG(47, 212),
        BIND(49, 200),
        SETSOCKOPT(54, 208),
        KILL(62, 129),
        OPENAT(257, 56),
        MKNODAT(259, 33),
        TIMERFD_CREATE(283, 85),
        TIMERFD_SETTIME(286, 86),
        SENDMMSG(307, 269),
        SETNS(308, 268);

        final int x86_64;
        final int generic;
        /** This machine's number, or -1 on an architecture vrrp-netty does not run on. */
        final long number;

        Sys(int x86_64, int generic) {
            this.x86_64 = x86_64;
            this.generic = generic;
            this.number = switch (System.getProperty("os.arch", "")) {
                case "amd64", "x86_64" -> x86_64;
                case "aarch64" -> generic;
                default -> -1;
            };
        }
    }

    private Libc() {
    }

    /**
     * {@code syscall(nr, a1..a6)}: the result, or -1 with errno in {@code c}. Unused trailing arguments are
     * zero (the kernel ignores them).
     */
    static long syscall(Call c, Sys nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        if (nr.number < 0) {
            Platform.requireSupported();
        }
        try {
            return (long) SYSCALL.invokeExact(c.state, nr.number, a1, a2, a3, a4, a5, a6);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The segment's address for a system call; a freed segment fails here rather than in the kernel. */
    static long addr(MemorySegment s) {
        if (!s.scope().isAlive()) {
            throw new IllegalStateException("the segment's memory is already freed");
        }
        return s.address();
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
            return check("socket", (int) syscall(c, Sys.SOCKET, domain, type, protocol, 0, 0, 0), c, context);
        }
    }

    static void setsockopt(int fd, int level, int name, MemorySegment value, String context) throws NativeException {
        try (Call c = new Call()) {
            check("setsockopt(" + level + "," + name + ")", (int) syscall(c, Sys.SETSOCKOPT, fd, level, name, addr(value),
                    value.byteSize(), 0), c, context);
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
            check("bind", (int) syscall(c, Sys.BIND, fd, addr(addr), addr.byteSize(), 0, 0, 0), c, context);
        }
    }

    /** recvmsg; returns bytes, or -errno (EAGAIN when nothing is waiting). */
    static long recvmsg(int fd, MemorySegment msghdr, int flags, Call c) {
        long n = syscall(c, Sys.RECVMSG, fd, addr(msghdr), flags, 0, 0, 0);
        return n < 0 ? -c.errno() : n;
    }

    /** sendmsg; returns bytes, or -errno. */
    static long sendmsg(int fd, MemorySegment msghdr, int flags, Call c) {
        long n = syscall(c, Sys.SENDMSG, fd, addr(msghdr), flags, 0, 0, 0);
        return n < 0 ? -c.errno() : n;
    }

    /**
     * sendmmsg(2) of the {@code vlen} messages from byte {@code offset} of {@code mmsghdrs}: how many were
     * sent (the first unsent one failed, or the socket had no room), or -errno when the first failed.
     */
    static long sendmmsg(int fd, MemorySegment mmsghdrs, long offset, int vlen, int flags, Call c) {
        long n = syscall(c, Sys.SENDMMSG, fd, addr(mmsghdrs) + offset, vlen, flags, 0, 0);
        return n < 0 ? -c.errno() : n;
    }

    /** sendto; returns bytes, or -errno. */
    static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, Call c) {
        long n = syscall(c, Sys.SENDTO, fd, addr(buf), len, flags, addr(addr), addr.byteSize());
        return n < 0 ? -c.errno() : n;
    }

    /** recv; returns bytes, or -errno. */
    static long recv(int fd, MemorySegment buf, long len, int flags, Call c) {
        long n = syscall(c, Sys.RECVFROM, fd, addr(buf), len, flags, 0, 0); // recv(2) is recvfrom without an address
        return n < 0 ? -c.errno() : n;
    }

    static void close(int fd) {
        try (Call c = new Call()) {
            syscall(c, Sys.CLOSE, fd, 0, 0, 0, 0, 0); // a failure leaves nothing to do: the fd is gone either way
        }
    }

    /**
     * The interface's index in the calling thread's network namespace: SIOCGIFINDEX on a datagram socket,
     * as glibc's if_nametoindex does it.
     */
    public static int ifindex(String name) throws NativeException {
        if (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.US_ASCII).length >= CStructs.IFNAMSIZ) {
            throw new NativeException("if_nametoindex(" + name + ")", ENODEV, "unknown interface " + name);
        }
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0, "looking up interface " + name);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(fd, SIOCGIFINDEX, name, a);
            return ifr.get(INT, CStructs.IFR_IFINDEX);
        } catch (NativeException e) {
            throw new NativeException("if_nametoindex(" + name + ")", e.errno(), "unknown interface " + name);
        } finally {
            close(fd);
        }
    }

    /** ioctl with a {@code struct ifreq} (the name, then a union: {@link CStructs#IFREQ}); returns the ifreq. */
    static MemorySegment ifreq(int fd, long request, String ifname, Arena arena) throws NativeException {
        MemorySegment ifr = arena.allocate(CStructs.IFREQ);
        byte[] n = ifname.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(n, 0, ifr, CStructs.C_CHAR, CStructs.offset(CStructs.IFREQ, "ifr_name"),
                Math.min(n.length, CStructs.IFNAMSIZ - 1));
        try (Call c = new Call()) {
            check("ioctl(" + Long.toHexString(request) + ", " + ifname + ")", (int) syscall(c, Sys.IOCTL, fd, request, addr(ifr),
                    0, 0, 0), c, ifname);
        }
        return ifr;
    }

    /**
     * Moves the calling thread into a network namespace ({@code /var/run/netns/NAME} or any nsfs path).
     * Sockets created afterwards on this thread belong to that namespace and keep it.
     */
    public static void enterNetworkNamespace(String path) throws NativeException {
        try (Call c = new Call()) {
            int fd = check("open(" + path + ")", (int) syscall(c, Sys.OPENAT, AT_FDCWD, addr(c.arena.allocateFrom(path)),
                    O_RDONLY | O_CLOEXEC, 0, 0, 0), c, path);
            try {
                check("setns(" + path + ")", (int) syscall(c, Sys.SETNS, fd, CLONE_NEWNET, 0, 0, 0, 0), c, path);
            } finally {
                close(fd);
            }
        }
    }

    /** kill(2): sends {@code signal} to {@code pid} (0 only checks that the process exists and may be signalled). */
    public static void kill(int pid, int signal) throws NativeException {
        try (Call c = new Call()) {
            check("kill(" + pid + ", " + signal + ")", (int) syscall(c, Sys.KILL, pid, signal, 0, 0, 0, 0), c, "");
        }
    }

    /** mkfifo(3): a FIFO at {@code path} with {@code mode} (less the umask), as mknodat(2) makes it. */
    public static void mkfifo(String path, int mode) throws NativeException {
        try (Call c = new Call()) {
            check("mkfifo(" + path + ")", (int) syscall(c, Sys.MKNODAT, AT_FDCWD, addr(c.arena.allocateFrom(path)),
                    S_IFIFO | mode, 0, 0, 0), c, path);
        }
    }

    /**
     * Sets {@code signal}'s action back to the default (SIG_DFL) with rt_sigaction(2): an all-zero
     * {@code struct sigaction} is SIG_DFL, no flags, an empty mask.
     */
    public static void defaultSignalAction(int signal) throws NativeException {
        try (Call c = new Call()) {
            MemorySegment action = c.arena.allocate(CStructs.KERNEL_SIGACTION); // zeroed
            check("rt_sigaction(" + signal + ")", (int) syscall(c, Sys.RT_SIGACTION, signal, addr(action), 0,
                    CStructs.C_LONG.byteSize(), 0, 0), c, ""); // the kernel's sigset_t: 64 signals, one long
        }
    }
}
