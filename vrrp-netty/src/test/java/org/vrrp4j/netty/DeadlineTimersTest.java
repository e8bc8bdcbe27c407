package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.fsm.TimerKind;

/** Timers on a virtual clock: they fire at their deadline exactly, replaced and cancelled. */
@Timeout(10)
class DeadlineTimersTest {
    private static final long MS = 1_000_000L;
    private final VirtualLoop loop = new VirtualLoop();
    private final List<String> fired = new ArrayList<>();
    private final DeadlineTimers timers = new DeadlineTimers(loop, k -> fired.add(k + "@" + loop.nanoTime()));

    @Test
    void aFarDeadlineFiresExactlyAtItAndNotBefore() {
        long deadline = loop.nanoTime() + 3_600 * MS;
        timers.arm(TimerKind.MASTER_DOWN, deadline);
        loop.advance(3_599 * MS + 999_999);
        assertThat(fired).as("not early").isEmpty();
        assertThat(timers.isArmed(TimerKind.MASTER_DOWN)).isTrue();
        loop.advance(1);
        assertThat(fired).containsExactly("MASTER_DOWN@" + deadline);
        assertThat(timers.isArmed(TimerKind.MASTER_DOWN)).isFalse();
    }

    @Test
    void reArmingReplacesAndCancellingStops() {
        long now = loop.nanoTime();
        timers.arm(TimerKind.ADVERT, now + 100 * MS);
        timers.arm(TimerKind.ADVERT, now + 300 * MS);
        timers.arm(TimerKind.MASTER_DOWN, now + 200 * MS);
        timers.cancel(TimerKind.MASTER_DOWN);
        loop.advance(1_000 * MS);
        assertThat(fired).containsExactly("ADVERT@" + (now + 300 * MS));
    }

    @Test
    void aDeadlineInThePastFiresAtOnce() {
        timers.arm(TimerKind.ADVERT, loop.nanoTime() - 5 * MS);
        loop.advance(0);
        assertThat(fired).hasSize(1);
    }

    @Test
    void cancelAllLeavesNothingPending() {
        timers.arm(TimerKind.ADVERT, loop.nanoTime() + 1_000 * MS);
        timers.arm(TimerKind.MASTER_DOWN, loop.nanoTime() + 3 * MS);
        timers.cancelAll();
        assertThat(loop.pending()).isZero();
        loop.advance(2_000 * MS);
        assertThat(fired).isEmpty();
    }
}
