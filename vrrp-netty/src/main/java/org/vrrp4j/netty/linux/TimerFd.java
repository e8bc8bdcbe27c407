package org.vrrp4j.netty.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

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
    private static final MethodHandle CREATE = Libc.handle("timerfd_create",
            FunctionDescriptor.of(CStructs.C_INT, CStructs.C_INT, CStructs.C_INT));
    private static final MethodHandle SETTIME = Libc.handle("timerfd_settime",
            FunctionDescriptor.of(CStructs.C_INT, CStructs.C_INT, CStructs.C_INT, CStructs.C_POINTER, CStructs.C_POINTER));
    private static final MethodHandle READ = Libc.handle("read",
            FunctionDescriptor.of(CStructs.C_LONG, CStructs.C_INT, CStructs.C_POINTER, CStructs.C_LONG));
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
            int fd = Libc.check("timerfd_create", (int) CREATE.invokeExact(c.state, CLOCK_MONOTONIC,
                    TFD_NONBLOCK | TFD_CLOEXEC), c, "the node's deadline timer");
            return new TimerFd(fd);
        } catch (Libc.NativeException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
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
        try {
            Libc.check("timerfd_settime", (int) SETTIME.invokeExact(call.state, fd, TFD_TIMER_ABSTIME, spec,
                    MemorySegment.NULL), call, "the node's deadline timer");
        } catch (Libc.NativeException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Reads the expiration count so the descriptor stops being readable (nothing to read is fine). */
    public void drain() {
        try {
            long n = (long) READ.invokeExact(call.state, fd, expirations, expirations.byteSize());
            if (n < 0 && call.errno() != Libc.EAGAIN) {
                throw new IllegalStateException("reading the deadline timer failed: " + Libc.NativeException.describe(call.errno()));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
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
