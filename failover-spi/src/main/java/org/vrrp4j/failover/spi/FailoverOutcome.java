package org.vrrp4j.failover.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The typed result of one provider call. */
public sealed interface FailoverOutcome {

    /** Whether the resource is where it should be after this call. */
    default boolean succeeded() {
        return this instanceof Done || this instanceof AlreadyInPlace;
    }

    /** The call changed the routing and it took effect. */
    record Done(String detail) implements FailoverOutcome {
        public Done {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Nothing to change: the resource was already routed here (a provider checks before it changes anything). */
    record AlreadyInPlace(String detail) implements FailoverOutcome {
        public AlreadyInPlace {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Worth trying again: a timeout, a 5xx, a rate limit. {@code notBefore} is the earliest time a
     * retry may start (e.g. netcup's one re-route per 5 minutes, an HTTP 429 Retry-After).
     */
    record RetryableFailure(String message, Optional<Instant> notBefore) implements FailoverOutcome {
        public RetryableFailure {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(notBefore, "notBefore");
        }

        public RetryableFailure(String message) {
            this(message, Optional.empty());
        }
    }

    /** Retrying cannot help: bad credentials, an unknown IP or server, a script that failed. */
    record PermanentFailure(String message) implements FailoverOutcome {
        public PermanentFailure {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The call was cancelled (a newer role superseded it) before it finished. */
    record Cancelled(String detail) implements FailoverOutcome {
        public Cancelled {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
