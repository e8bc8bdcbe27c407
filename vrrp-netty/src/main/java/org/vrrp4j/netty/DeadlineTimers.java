package org.vrrp4j.netty;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import org.vrrp4j.core.fsm.TimerKind;

/**
 * One router's timers at the absolute deadlines the core asks for, on the loop's exact timers (the real
 * loop's are a timerfd: readable at the deadline, none of epoll_wait's millisecond rounding or slack). One
 * reusable timer per kind, made up front: nothing is allocated or linked for the first time at a take-over.
 * Loop only.
 */
final class DeadlineTimers {
    private final Map<TimerKind, EventLoopPort.Timer> timers = new EnumMap<>(TimerKind.class);

    /** @param fired called on the loop when a timer's deadline is reached (it is no longer armed then) */
    DeadlineTimers(EventLoopPort loop, Consumer<TimerKind> fired) {
        for (TimerKind kind : TimerKind.values()) {
            timers.put(kind, loop.timer(new Fire(fired, kind), kind == TimerKind.MASTER_DOWN)); // the take-over's
        }
    }

    /** Arms (or re-arms, replacing) {@code kind} at {@code deadlineNanos} on the loop's clock. */
    void arm(TimerKind kind, long deadlineNanos) {
        timers.get(kind).arm(deadlineNanos);
    }

    /** Cancels {@code kind} if armed. */
    void cancel(TimerKind kind) {
        timers.get(kind).cancel();
    }

    /** Cancels every timer. */
    void cancelAll() {
        timers.values().forEach(EventLoopPort.Timer::cancel);
    }

    /** Whether {@code kind} is armed. */
    boolean isArmed(TimerKind kind) {
        return timers.get(kind).armed();
    }

    /** Fires one kind. A class, not a lambda: nothing is linked the first time it runs. */
    private record Fire(Consumer<TimerKind> fired, TimerKind kind) implements Runnable {
        @Override
        public void run() {
            fired.accept(kind);
        }
    }
}
