package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A control task's failure is reported when the task ends, whichever way it was given to the thread. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlExecutorTest {
    private final LinkedBlockingQueue<Throwable> reported = new LinkedBlockingQueue<>();
    private final ControlExecutor control = new ControlExecutor("test-control", reported::add);

    @AfterEach
    void stop() {
        control.shutdownNow();
    }

    private Throwable next() throws InterruptedException {
        Throwable t = reported.poll(10, TimeUnit.SECONDS);
        assertThat(t).as("a failure was reported").isNotNull();
        return t;
    }

    @Test
    void aFailureOfAnExecutedTaskIsReported() throws Exception {
        control.execute(() -> {
            throw new IllegalStateException("tracker result step");
        });
        assertThat(next()).isInstanceOf(IllegalStateException.class).hasMessage("tracker result step");
    }

    @Test
    void aPeriodicTaskThatFailsIsReportedNotSilentlyEnded() throws Exception {
        control.scheduleWithFixedDelay(() -> {
            throw new IllegalArgumentException("interface poll");
        }, 0, 10, TimeUnit.MILLISECONDS);
        assertThat(next()).hasMessage("interface poll");
    }

    @Test
    void aScheduledTaskAndAnErrorAreReportedAndTheThreadGoesOn() throws Exception {
        control.schedule(() -> {
            throw new AssertionError("an Error too");
        }, 5, TimeUnit.MILLISECONDS);
        assertThat(next()).isInstanceOf(AssertionError.class);
        assertThat(control.submit(() -> "alive").get(10, TimeUnit.SECONDS)).isEqualTo("alive");
        assertThat(reported).isEmpty(); // a task that succeeded reports nothing
    }
}
