package org.vrrp4j.netty;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import org.vrrp4j.core.fsm.TimerKind;

/**
 * One router's timers at the absolute deadlines the core asks for. Netty's epoll loop waits with
 * epoll_wait's whole milliseconds for timeouts of 10 ms and more (io.netty.channel.epoll.epollWaitThreshold),
 * to which Linux adds 0.1 % slack (select_estimate_accuracy): 3.6 ms on a 3.6 s Master_Down_Interval.
 * Below 10 ms it arms a timerfd, which is exact. So a far deadline is aimed at in steps: a wake-up early by
 * more than that error (delay/500 + 1.5 ms), until less than 9 ms remain, then the exact rest. Loop only.
 */
final class DeadlineTimers {
    /** Below this the loop's timer is exact (a timerfd): the last step. */
    static final long EXACT_BELOW_NANOS = 9_000_000L;

    private final EventLoopPort loop;
    private final Consumer<TimerKind> fired;
    private final Map<TimerKind, EventLoopPort.Cancellable> armed = new EnumMap<>(TimerKind.class);

    /** @param fired called on the loop when a timer's deadline is reached (it is no longer armed then) */
    DeadlineTimers(EventLoopPort loop, Consumer<TimerKind> fired) {
        this.loop = loop;
        this.fired = fired;
    }

    /** Arms (or re-arms, replacing) {@code kind} at {@code deadlineNanos} on the loop's clock. */
    void arm(TimerKind kind, long deadlineNanos) {
        cancel(kind);
        aim(kind, deadlineNanos);
    }

    /** Cancels {@code kind} if armed. */
    void cancel(TimerKind kind) {
        EventLoopPort.Cancellable c = armed.remove(kind);
        if (c != null) {
            c.cancel();
        }
    }

    /** Cancels every timer. */
    void cancelAll() {
        armed.values().forEach(EventLoopPort.Cancellable::cancel);
        armed.clear();
    }

    /** Whether {@code kind} is armed. */
    boolean isArmed(TimerKind kind) {
        return armed.containsKey(kind);
    }

    private void aim(TimerKind kind, long deadline) {
        long delay = deadline - loop.nanoTime();
        if (delay > EXACT_BELOW_NANOS) {
            long lead = delay / 500 + 1_500_000L;
            armed.put(kind, loop.schedule(new Step(kind, deadline, false), delay - lead));
            return;
        }
        armed.put(kind, loop.schedule(new Step(kind, deadline, true), Math.max(0, delay)));
    }

    /**
     * One step towards a deadline: the last one fires it. A class, not a lambda: a lambda is linked the
     * first time it is captured, and the last step is first captured at the first take-over, which it
     * then delayed by a millisecond.
     */
    private final class Step implements Runnable {
        private final TimerKind kind;
        private final long deadline;
        private final boolean fires;

        Step(TimerKind kind, long deadline, boolean fires) {
            this.kind = kind;
            this.deadline = deadline;
            this.fires = fires;
        }

        @Override
        public void run() {
            if (!fires) {
                aim(kind, deadline);
                return;
            }
            armed.remove(kind);
            fired.accept(kind);
        }
    }
}
