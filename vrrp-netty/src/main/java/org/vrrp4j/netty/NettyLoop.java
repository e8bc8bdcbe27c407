package org.vrrp4j.netty;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** {@link EventLoopPort} on a Netty epoll loop: our FFM sockets join it through {@link VrrpIoHandle}. */
final class NettyLoop implements EventLoopPort {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NettyLoop.class);
    private final IoEventLoop loop;

    private final java.util.function.Consumer<Throwable> report;

    NettyLoop(IoEventLoop loop) {
        this(loop, e -> LOG.error("a timer task on the VRRP loop failed: {}", e.toString(), e));
    }

    /** @param report where a timer task's failure goes (the log; tests record it) */
    NettyLoop(IoEventLoop loop, java.util.function.Consumer<Throwable> report) {
        this.loop = loop;
        this.report = report;
    }

    /** Raw sockets go through the FFM API: without native access nothing works; say how to grant it. */
    static void requireNativeAccess() {
        Module self = NettyLoop.class.getModule();
        if (!self.isNativeAccessEnabled()) {
            throw new IllegalStateException("native access is not enabled for " + (self.isNamed() ? self.getName()
                    : "the class path") + ": start the JVM with --enable-native-access="
                    + (self.isNamed() ? self.getName() : "ALL-UNNAMED") + " (raw sockets go through the FFM API)");
        }
    }

    /** Runs {@code task} on the loop and waits (the caller is not on it); its failure is thrown here. */
    <T> T call(java.util.concurrent.Callable<T> task, long timeoutSeconds) throws Exception {
        try {
            return loop.submit(task).get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    IoEventLoop loop() {
        return loop;
    }

    private static final long NOT_HELD = Long.MIN_VALUE;
    /** The instant the clock is held at (loop only), or {@link #NOT_HELD}. */
    private long held = NOT_HELD;

    @Override
    public long nanoTime() {
        long h = held;
        return h != NOT_HELD ? h : System.nanoTime();
    }

    /**
     * Holds the clock at {@code instant} until {@link #release()}: what runs in one wake-up sees one time,
     * as keepalived's time_now. Routers that time out or start together then re-arm at the same deadlines
     * and share their wake-ups ever after (500 routers: ~20 wake-ups a second instead of ~4000). Every
     * step still sees a time at or after its deadline: only due timers run.
     */
    void hold(long instant) {
        held = instant;
    }

    void release() {
        try {
            for (int i = 0; i < atEndCount; i++) { // still held: the tasks belong to the instant
                Runnable task = atEnd[i];
                atEnd[i] = null;
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    report.accept(e);
                }
            }
        } finally {
            atEndCount = 0;
            held = NOT_HELD;
        }
    }

    /** What runs when the held instant ends (loop only). */
    private Runnable[] atEnd = new Runnable[4];
    private int atEndCount;

    @Override
    public boolean atInstantEnd(Runnable task) {
        if (held == NOT_HELD) {
            return false;
        }
        if (atEndCount == atEnd.length) {
            atEnd = java.util.Arrays.copyOf(atEnd, atEndCount * 2);
        }
        atEnd[atEndCount++] = task;
        return true;
    }

    @Override
    public void atOneInstant(Runnable task) {
        if (held != NOT_HELD) {
            task.run();
            return;
        }
        hold(System.nanoTime());
        try {
            task.run();
        } finally {
            release();
        }
    }

    @Override
    public boolean inLoop() {
        return loop.inEventLoop();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        // Netty keeps a scheduled task's exception in its future, which nobody reads: log it here
        ScheduledFuture<?> f = loop.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                report.accept(e);
            }
        }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    private ExactTimers timers;

    /** A timer on this loop's timerfd (made with the first timer; {@link #close()} gives it back). */
    @Override
    public synchronized Timer timer(Runnable task, boolean wakeEarly) {
        if (timers == null) {
            try {
                timers = new ExactTimers(this, report);
            } catch (IOException e) {
                throw new IllegalStateException("cannot make the node's deadline timer: " + e.getMessage(), e);
            }
        }
        return timers.timer(task, wakeEarly);
    }

    /** Closes the timerfd once the node no longer uses its timers (the loop may live on: a shared one). */
    synchronized void close() {
        if (timers != null) {
            ExactTimers t = timers;
            timers = null;
            if (loop.inEventLoop() || loop.isShuttingDown()) {
                t.close();
            } else {
                loop.execute(t::close);
            }
        }
    }

    @Override
    public Cancellable register(int fd, Runnable onReadable) throws IOException {
        IoRegistration registration;
        try {
            registration = loop.register(new VrrpIoHandle(fd, onReadable)).sync().getNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while registering fd " + fd + " on the loop", e);
        }
        registration.submit(EpollIoOps.EPOLLIN); // register alone arms EPOLLERR only
        return registration::cancel;
    }
}
