package org.vrrp4j.daemon;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control thread: one thread for listeners, trackers and reloads, which never loses a task's
 * failure. A plain scheduled executor keeps a task's exception in its future, where nobody looks for a
 * task given with {@code execute} or {@code schedule*}: a tracker whose result step threw would stop
 * silently, a periodic task would end without a word. Here every failure is reported (logged at ERROR
 * with its stack trace) the moment the task ends; a caller who waits on the future still gets it too.
 */
final class ControlExecutor extends ScheduledThreadPoolExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ControlExecutor.class);

    private final Consumer<Throwable> report;

    /** @param report where failures go (the log, in the daemon) */
    ControlExecutor(String threadName, Consumer<Throwable> report) {
        super(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        this.report = report;
        setRemoveOnCancelPolicy(true);
    }

    /** The daemon's control thread, reporting failures to the log. */
    static ControlExecutor create(String threadName) {
        return new ControlExecutor(threadName, t -> LOG.error("a task on {} failed: {}", threadName, t.toString(), t));
    }

    @Override
    protected void afterExecute(Runnable r, Throwable thrown) {
        super.afterExecute(r, thrown);
        Throwable failure = thrown;
        if (failure == null && r instanceof Future<?> f && f.isDone() && !f.isCancelled()) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (CancellationException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            try {
                report.accept(failure);
            } catch (RuntimeException e) {
                // the report itself must not take the thread down
            }
        }
    }
}
