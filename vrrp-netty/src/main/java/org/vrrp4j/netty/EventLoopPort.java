package org.vrrp4j.netty;

import java.io.IOException;

/**
 * The seam between the node's parts and the thread they run on: a clock, one-shot scheduling and file
 * descriptors that call back when readable. {@link NettyLoop} is the real one (a Netty epoll loop); tests
 * drive the parts with a virtual clock and call the readable callbacks themselves. Every method is called
 * on the loop thread, except {@link #inLoop()}.
 */
interface EventLoopPort {

    /** Something armed that can be taken back; cancelling twice or after it ran does nothing. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** The loop's clock (monotonic nanoseconds; the core's deadlines are on it). */
    long nanoTime();

    /**
     * Runs {@code task} with the clock held at one instant (on the loop): routers started in it arm their
     * timers at the same deadlines and so share wake-ups. This default runs it as is.
     */
    default void atOneInstant(Runnable task) {
        task.run();
    }

    /** Whether the calling thread is the loop's (a blocking call from it would wait for itself). */
    boolean inLoop();

    /**
     * Runs {@code task} on the loop when the instant now held ({@link #atOneInstant}, a wake-up of the timers)
     * ends, after everything due in it: the adverts of routers due together leave in one system call. Returns
     * false, running nothing, when no instant is held. This default holds none.
     */
    default boolean atInstantEnd(Runnable task) {
        return false;
    }

    /** Runs {@code task} once, {@code delayNanos} from now (at once when not positive). */
    Cancellable schedule(Runnable task, long delayNanos);

    /**
     * A one-shot timer at absolute deadlines that can be armed again and again without allocating: the
     * router timers (advert, master down), several thousand arms a second with 500 routers.
     */
    interface Timer {
        /** Arms at {@code deadlineNanos} on the loop's clock, replacing an earlier arming. */
        void arm(long deadlineNanos);

        /** Disarms; nothing when not armed. */
        void cancel();

        /** Whether armed and not yet run. */
        boolean armed();
    }

    /**
     * A timer that runs {@code task} on the loop at the deadlines it is armed at. This default rides on
     * {@link #schedule}; the real loop has an exact one of its own (a timerfd).
     */
    default Timer timer(Runnable task) {
        return timer(task, false);
    }

    /**
     * {@link #timer(Runnable)}; {@code wakeEarly}: the loop is also woken shortly before each deadline, so
     * it runs the deadline's task from a CPU that is awake (the take-over's timer). The default ignores it.
     */
    default Timer timer(Runnable task, boolean wakeEarly) {
        return new Timer() {
            private Cancellable pending;

            @Override
            public void arm(long deadlineNanos) {
                cancel();
                Cancellable[] self = new Cancellable[1];
                self[0] = schedule(() -> {
                    if (pending == self[0]) {
                        pending = null;
                        task.run();
                    }
                }, deadlineNanos - nanoTime());
                pending = self[0];
            }

            @Override
            public void cancel() {
                if (pending != null) {
                    pending.cancel();
                    pending = null;
                }
            }

            @Override
            public boolean armed() {
                return pending != null;
            }
        };
    }

    /** Calls {@code onReadable} on the loop whenever {@code fd} is readable, until cancelled. */
    Cancellable register(int fd, Runnable onReadable) throws IOException;
}
