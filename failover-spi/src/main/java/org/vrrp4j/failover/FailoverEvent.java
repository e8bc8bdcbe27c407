package org.vrrp4j.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverOutcome;

/** What the coordinator did, step by step; delivered to {@link FailoverCoordinator.Listener}s. */
public sealed interface FailoverEvent {

    /** The router the event belongs to. */
    String router();

    /** The provider's resource. */
    String resource();

    /** When it happened, on the coordinator's clock. */
    Instant at();

    /** What a provider call does. */
    enum Step { ACQUIRE, RELEASE, VERIFY }

    /** A provider call started. */
    record Started(String router, String resource, Instant at, Step step, int attempt) implements FailoverEvent {
        public Started {
            Objects.requireNonNull(step, "step");
        }
    }

    /** A provider call finished (for VERIFY the outcome describes the location found). */
    record Finished(String router, String resource, Instant at, Step step, int attempt, FailoverOutcome outcome,
            Duration took) implements FailoverEvent {
        public Finished {
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** The next acquisition attempt is scheduled. */
    record RetryScheduled(String router, String resource, Instant at, int nextAttempt, Instant startsAt)
            implements FailoverEvent {
    }

    /** No more attempts: permanent failure, attempts exhausted, or the deadline passed. */
    record GaveUp(String router, String resource, Instant at, String reason) implements FailoverEvent {
    }

    /** Re-verification (periodic, or a reassert) found the resource routed elsewhere while we are master. */
    record Drift(String router, String resource, Instant at, String detail) implements FailoverEvent {
    }

    /**
     * A credential check ({@link org.vrrp4j.failover.spi.FailoverProvider#check}) finished.
     *
     * @param result       what it found
     * @param failuresInARow checks failed in a row, this one included (0 when it proved the credentials)
     * @param next         when the next check is due, if one is
     */
    record Checked(String router, String resource, Instant at, CredentialCheck result, Duration took, int failuresInARow,
            java.util.Optional<Instant> next) implements FailoverEvent {
        public Checked {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(took, "took");
            Objects.requireNonNull(next, "next");
        }
    }
}
