package org.vrrp4j.failover;

import java.time.Duration;
import java.time.Instant;

/**
 * The coordinator's clock and control thread. All of the coordinator's decisions run as tasks here,
 * one at a time, so its state needs no locks; tests use a manual implementation with virtual time
 * (see the test-jar's {@code ManualScheduler}).
 */
public interface FailoverScheduler extends AutoCloseable {

    /** The current time. */
    Instant now();

    /** Runs {@code task} soon, on the control thread, after every task submitted before it. */
    void execute(Runnable task);

    /** Runs {@code task} on the control thread after {@code delay}; the handle cancels it. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Stops the control thread (no-op for schedulers the caller owns). */
    @Override
    default void close() {
    }

    /** The real thing: one daemon thread and the system clock. */
    static FailoverScheduler system() {
        return new SystemScheduler();
    }
}
