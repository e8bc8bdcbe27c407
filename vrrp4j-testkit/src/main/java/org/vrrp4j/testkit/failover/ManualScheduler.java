package org.vrrp4j.testkit.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.vrrp4j.failover.FailoverScheduler;

/**
 * A {@link FailoverScheduler} with virtual time, driven by the test thread: tasks run only inside
 * {@link #runUntil}, {@link #advance} and {@link #drain}, so a test decides exactly what happens when.
 * Tasks may be submitted from any thread (provider calls complete on worker threads).
 */
public final class ManualScheduler implements FailoverScheduler {
    private final LinkedBlockingQueue<Runnable> ready = new LinkedBlockingQueue<>();
    private final PriorityQueue<Timed> timed = new PriorityQueue<>();
    private Instant now;
    private long sequence;

    public ManualScheduler(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        ready.add(task);
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Timed t = new Timed(now.plus(delay.isNegative() ? Duration.ZERO : delay), sequence++, task);
        timed.add(t);
        return () -> {
            synchronized (this) {
                timed.remove(t);
            }
        };
    }

    /** Runs every task ready now (and those they submit), without moving time. */
    public void drain() {
        Runnable r;
        while ((r = ready.poll()) != null) {
            r.run();
        }
    }

    /**
     * Runs ready tasks, waiting (in real time, up to {@code timeout}) for tasks from worker threads,
     * until {@code condition} holds. Time does not move.
     *
     * @throws AssertionError when the condition does not hold in time
     */
    public void runUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        drain();
        while (!condition.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("condition not reached within " + timeout + " (virtual time " + now() + ")");
            }
            Runnable r = ready.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
            if (r != null) {
                r.run();
                drain();
            }
        }
    }

    /** Moves virtual time forward by {@code d}, running timers in order and ready tasks after each. */
    public void advance(Duration d) {
        Instant target;
        synchronized (this) {
            target = now.plus(d);
        }
        drain();
        while (true) {
            Timed next;
            synchronized (this) {
                next = timed.peek();
                if (next == null || next.at.isAfter(target)) {
                    now = target;
                    break;
                }
                timed.poll();
                now = next.at;
            }
            next.task.run();
            drain();
        }
        drain();
    }

    /** When the next timer is due, if any. */
    public synchronized java.util.Optional<Instant> nextTimer() {
        return java.util.Optional.ofNullable(timed.peek()).map(t -> t.at);
    }

    private record Timed(Instant at, long seq, Runnable task) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
