package org.vrrp4j.testkit.failover;

import java.time.Duration;
import java.time.Instant;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.RoleChange;

/** A {@link FailoverContext} for calling a provider directly in a test: real time, attempt 1, 60 s deadline. */
public record DirectContext(RoleChange change, Cancellation cancellation, Instant deadline) implements FailoverContext {

    /** A context for {@code change} that {@code cancellation} cancels. */
    public static DirectContext of(RoleChange change, Cancellation cancellation) {
        return new DirectContext(change, cancellation, Instant.now().plusSeconds(60));
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    /** Sleeps, and ends early with {@link Cancellation.CancelledException} when cancelled. */
    @Override
    public void sleep(Duration d) throws InterruptedException {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        try (Cancellation.Registration r = cancellation.onCancel(latch::countDown)) {
            latch.await(d.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        cancellation.throwIfCancelled();
    }
}
