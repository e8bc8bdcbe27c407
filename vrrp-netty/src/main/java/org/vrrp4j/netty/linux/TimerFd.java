package org.vrrp4j.netty.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A Linux timerfd on CLOCK_MONOTONIC (the clock of {@link System#nanoTime()}), armed at absolute
 * deadlines: it becomes readable at the deadline exactly, with none of the slack the kernel adds to an
 * epoll_wait timeout (0.1 % of it) and none of epoll_wait's whole milliseconds. Non-blocking, close-on-exec.
 * One thread at a time (the node's event loop).
 */
public final class TimerFd implements AutoCloseable {
    private static final int CLOCK_MONOTONIC = 1;
    private static final int TFD_NONBLOCK = 04000;
    private static final int TFD_CLOEXEC = 02000000;
    private static final int TFD_TIMER_ABSTIME = 1;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int fd;
    private final Arena arena = Arena.ofShared(); // made on one thread, used on the loop
    private final MemorySegment spec = arena.allocate(CStructs.ITIMERSPEC); // it_interval stays zero: one-shot
    private final MemorySegment expirations = arena.allocate(CStructs.C_LONG);
    private final Libc.Call call = new Libc.Call();
    private boolean closed;

    private TimerFd(int fd) {
        this.fd = fd;
    }

    /** Creates a disarmed timer. */
    public static TimerFd open() throws Libc.NativeException {
        try (Libc.Call c = new Libc.Call()) {
            int fd = Libc.check("timerfd_create", (int) Libc.syscall(c, Libc.Sys.TIMERFD_CREATE, CLOCK_MONOTONIC,
                    TFD_NONBLOCK | TFD_CLOEXEC, 0, 0, 0, 0), c, "the node's deadline timer");
            return new TimerFd(fd);
        }
    }

    /** The descriptor, to watch for readability. */
    public int fd() {
        return fd;
    }

    /**
     * Arms the timer at {@code deadlineNanos} on the {@link System#nanoTime()} clock (a deadline already
     * past makes it readable at once), replacing an earlier arming.
     */
    public void armAt(long deadlineNanos) throws Libc.NativeException {
        long at = Math.max(1, deadlineNanos); // zero would disarm
        spec.set(CStructs.C_LONG, CStructs.IT_VALUE_SEC, at / NANOS_PER_SECOND);
        spec.set(CStructs.C_LONG, CStructs.IT_VALUE_NSEC, at % NANOS_PER_SECOND);
        Libc.check("timerfd_settime", (int) Libc.syscall(call, Libc.Sys.TIMERFD_SETTIME, fd, TFD_TIMER_ABSTIME,
                Libc.addr(spec), 0, 0, 0), call, "the node's deadline timer");
    }

    /** Reads the expiration count so the descriptor stops being readable (nothing to read is fine). */
    public void drain() {
        long n = Libc.syscall(call, Libc.Sys.READ, fd, Libc.addr(expirations), expirations.byteSize(), 0, 0, 0);
        if (n < 0 && call.errno() != Libc.EAGAIN) {
            throw new IllegalStateException("reading the deadline timer failed: " + Libc.NativeException.describe(call.errno()));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.close(fd);
        call.close();
        arena.close();
    }
}
