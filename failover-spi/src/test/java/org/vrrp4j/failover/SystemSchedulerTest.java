package org.vrrp4j.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coordinator's control thread never drops a task's failure: a scheduled executor would keep it in a
 * future nobody reads. Reported (to the log in the daemon, to a queue here), and the thread goes on.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SystemSchedulerTest {

    @Test
    void aFailingTaskIsLoggedAndTheThreadGoesOn() throws Exception {
        LinkedBlockingQueue<Throwable> reported = new LinkedBlockingQueue<>();
        SystemScheduler scheduler = new SystemScheduler(reported::add);
        try {
            scheduler.execute(() -> {
                throw new IllegalStateException("a machine step failed");
            });
            scheduler.schedule(Duration.ofMillis(5), () -> {
                throw new IllegalArgumentException("a timer failed");
            });
            CountDownLatch after = new CountDownLatch(1);
            scheduler.schedule(Duration.ofMillis(50), after::countDown);
            assertThat(after.await(10, TimeUnit.SECONDS)).as("the thread still runs tasks").isTrue();
        } finally {
            scheduler.close();
        }
        assertThat(reported).extracting(Throwable::getMessage).containsExactly("a machine step failed", "a timer failed");
    }
}
