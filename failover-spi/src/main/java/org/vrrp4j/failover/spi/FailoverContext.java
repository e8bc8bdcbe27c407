package org.vrrp4j.failover.spi;

import java.time.Duration;
import java.time.Instant;

/** What a provider call gets: why it runs, how to notice cancellation, the time and a way to wait. */
public interface FailoverContext {

    /** The change that caused this call. */
    RoleChange change();

    /** Cancellation of this call; register abort hooks on it. */
    Cancellation cancellation();

    /** The attempt number, from 1. */
    int attempt();

    /** The coordinator's clock (virtual in tests). */
    Instant now();

    /** The overall deadline of this acquisition; a provider's verification polls stop there. */
    Instant deadline();

    /**
     * Waits {@code duration} on the coordinator's clock; returns early by throwing
     * {@link Cancellation.CancelledException} when cancelled. Use it between verification polls.
     */
    void sleep(Duration duration) throws InterruptedException;
}
