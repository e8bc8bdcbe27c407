package org.vrrp4j.failover.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link FailoverProvider#check} found: whether this node could take the resource over now, as far as
 * the provider can tell without moving anything (credentials accepted, tokens refreshed, the resource and
 * this server found).
 */
public sealed interface CredentialCheck {

    /**
     * The credentials and the lookup work.
     *
     * @param detail  what was proven, for the log and {@code /status}, e.g. {@code "token refreshed; 198.51.100.7
     *                routed to s2"}; no secrets
     * @param expires when the credentials stop working unless used or renewed, when the API says so (netcup's
     *                offline token: 30 days after its last use)
     */
    record Proven(String detail, Optional<Instant> expires) implements CredentialCheck {
        public Proven {
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(expires, "expires");
        }

        public Proven(String detail) {
            this(detail, Optional.empty());
        }
    }

    /**
     * The proof failed: a take-over now would fail the same way. {@code failure} is a
     * {@link FailoverOutcome.RetryableFailure} (the API is down, rate-limited) or a
     * {@link FailoverOutcome.PermanentFailure} (credentials refused or expired, the resource unknown).
     */
    record Failed(FailoverOutcome failure) implements CredentialCheck {
        public Failed {
            Objects.requireNonNull(failure, "failure");
            if (failure.succeeded() || failure instanceof FailoverOutcome.Cancelled) {
                throw new IllegalArgumentException("a failed check needs a failure, not " + failure);
            }
        }
    }

    /** The check was cancelled (the node stopped, the provider was unbound) before it finished. */
    record Cancelled(String detail) implements CredentialCheck {
        public Cancelled {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
