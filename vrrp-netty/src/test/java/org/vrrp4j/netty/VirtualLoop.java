package org.vrrp4j.netty;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * An {@link EventLoopPort} for tests: a virtual clock that moves only when told, scheduled tasks run in
 * deadline order as it moves, and descriptors whose readable callbacks the test calls. The test thread is
 * the loop.
 */
final class VirtualLoop implements EventLoopPort {
    private record Task(long at, long seq, Runnable run, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((x, y) -> x.at != y.at ? Long.compare(x.at, y.at)
            : Long.compare(x.seq, y.seq));
    private final Map<Integer, Runnable> readable = new HashMap<>();
    private long now = 1_000_000_000L;
    private long seq;
    /** When each task ran (for timer-accuracy assertions): the clock at the last run. */
    long lastRun = -1;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public boolean inLoop() {
        return true;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + Math.max(0, delayNanos), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public Cancellable register(int fd, Runnable onReadable) {
        if (readable.putIfAbsent(fd, onReadable) != null) {
            throw new IllegalStateException("fd " + fd + " registered twice");
        }
        return () -> readable.remove(fd);
    }

    /** Calls the readable callback of {@code fd}; false when nothing is registered for it. */
    boolean readable(int fd) {
        Runnable r = readable.get(fd);
        if (r == null) {
            return false;
        }
        r.run();
        return true;
    }

    boolean registered(int fd) {
        return readable.containsKey(fd);
    }

    /** Moves the clock forward by {@code nanos}, running every task due on the way at its own time. */
    void advance(long nanos) {
        long end = now + nanos;
        while (!tasks.isEmpty() && tasks.peek().at <= end) {
            Task t = tasks.poll();
            if (t.cancelled[0]) {
                continue;
            }
            now = Math.max(now, t.at);
            lastRun = now;
            t.run.run();
        }
        now = end;
    }

    /** Pending, not cancelled tasks. */
    long pending() {
        return tasks.stream().filter(t -> !t.cancelled[0]).count();
    }
}
