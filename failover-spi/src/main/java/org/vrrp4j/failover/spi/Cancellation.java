package org.vrrp4j.failover.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Cancels one provider call at once. A provider registers what aborts its work (an HTTP exchange's
 * future, a process) with {@link #onCancel}; the coordinator calls {@link #cancel()} when a newer role
 * supersedes the call, which runs the hooks and interrupts the calling thread. Thread-safe.
 */
public final class Cancellation {
    private final List<Runnable> hooks = new ArrayList<>();
    private boolean cancelled;

    /** Whether {@link #cancel()} was called. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link CancelledException} when cancelled: a convenient check between steps. */
    public void throwIfCancelled() {
        if (isCancelled()) {
            throw new CancelledException();
        }
    }

    /**
     * Runs {@code hook} on cancellation (at once if already cancelled). Returns a handle that unregisters
     * it, for use in try-with-resources around the step the hook aborts.
     */
    public Registration onCancel(Runnable hook) {
        boolean runNow;
        synchronized (this) {
            runNow = cancelled;
            if (!runNow) {
                hooks.add(hook);
            }
        }
        if (runNow) {
            hook.run();
            return () -> { };
        }
        return () -> {
            synchronized (this) {
                hooks.remove(hook);
            }
        };
    }

    /** Cancels: runs every hook once, in the order registered (the coordinator registers one that interrupts the call's thread). */
    public void cancel() {
        List<Runnable> run;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            run = List.copyOf(hooks);
            hooks.clear();
        }
        for (Runnable h : run) { // hooks outside the lock: they may block briefly or call back
            try {
                h.run();
            } catch (RuntimeException e) {
                // a failing abort hook must not stop the others
            }
        }
    }

    /** Unregisters a hook. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Thrown by {@link #throwIfCancelled()}; the coordinator maps it to {@link FailoverOutcome.Cancelled}. */
    public static final class CancelledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CancelledException() {
            super("cancelled", null, false, false);
        }
    }
}
