package org.vrrp4j.failover.netcup;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vrrp4j.failover.spi.FailoverOutcome;

/** A netcup API call failed; {@link #kind()} says whether retrying can help. Never carries a secret. */
public final class NetcupException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether a retry can help. */
    public enum Kind { PERMANENT, RETRYABLE }

    private final Kind kind;
    private final transient Optional<Instant> notBefore;

    public NetcupException(Kind kind, String message, Optional<Instant> notBefore) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind);
        this.notBefore = Objects.requireNonNull(notBefore);
    }

    public static NetcupException permanent(String message) {
        return new NetcupException(Kind.PERMANENT, message, Optional.empty());
    }

    public static NetcupException retryable(String message) {
        return new NetcupException(Kind.RETRYABLE, message, Optional.empty());
    }

    public Kind kind() {
        return kind;
    }

    /** The earliest time a retry may start (rate limits). */
    public Optional<Instant> notBefore() {
        return notBefore == null ? Optional.empty() : notBefore;
    }

    /** The provider outcome this failure maps to. */
    public FailoverOutcome toOutcome() {
        return kind == Kind.PERMANENT ? new FailoverOutcome.PermanentFailure(getMessage())
                : new FailoverOutcome.RetryableFailure(getMessage(), notBefore());
    }
}
