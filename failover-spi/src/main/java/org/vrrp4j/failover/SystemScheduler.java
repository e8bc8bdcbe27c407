package org.vrrp4j.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link FailoverScheduler} on one daemon thread with the system clock. */
final class SystemScheduler implements FailoverScheduler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SystemScheduler.class);
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vrrp4j-failover");
        t.setDaemon(true);
        return t;
    });

    private final java.util.function.Consumer<Throwable> report;

    SystemScheduler() {
        this(e -> LOG.error("a failover control task failed: {}", e.toString(), e));
    }

    /** @param report where a task's failure goes (the log; tests record it) */
    SystemScheduler(java.util.function.Consumer<Throwable> report) {
        this.report = report;
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(logged(task));
    }

    /**
     * A scheduled executor keeps a task's exception in a future nobody reads: the coordinator's step would
     * fail without a word. Logged here, at ERROR with its stack trace.
     */
    private Runnable logged(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                report.accept(e);
            }
        };
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(logged(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
