package org.vrrp4j.failover.hetzner;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vrrp4j.failover.spi.FailoverOutcome;

/**
 * A Hetzner API call failed; {@link #kind()} says whether retrying can help. Never carries a secret: messages
 * name the call and Hetzner's error code, never a header.
 */
public final class HetznerException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether a retry can help. */
    public enum Kind { PERMANENT, RETRYABLE }

    private final Kind kind;
    private final transient Optional<Instant> notBefore;
    private final boolean clientTimeout;

    HetznerException(Kind kind, String message, Optional<Instant> notBefore, boolean clientTimeout) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind);
        this.notBefore = Objects.requireNonNull(notBefore);
        this.clientTimeout = clientTimeout;
    }

    static HetznerException permanent(String message) {
        return new HetznerException(Kind.PERMANENT, message, Optional.empty(), false);
    }

    static HetznerException retryable(String message) {
        return new HetznerException(Kind.RETRYABLE, message, Optional.empty(), false);
    }

    static HetznerException retryable(String message, Instant notBefore) {
        return new HetznerException(Kind.RETRYABLE, message, Optional.ofNullable(notBefore), false);
    }

    /** No answer within the client's timeout: the request may or may not have taken effect. */
    static HetznerException clientTimeout(String message) {
        return new HetznerException(Kind.RETRYABLE, message, Optional.empty(), true);
    }

    /** Whether a retry can help. */
    public Kind kind() {
        return kind;
    }

    /** The earliest time a retry may start (rate limits, locks). */
    public Optional<Instant> notBefore() {
        return notBefore == null ? Optional.empty() : notBefore;
    }

    /** Whether the call ended on the client's own timeout (its effect on the server is unknown). */
    public boolean isClientTimeout() {
        return clientTimeout;
    }

    /** The provider outcome this failure maps to. */
    public FailoverOutcome toOutcome() {
        return kind == Kind.PERMANENT ? new FailoverOutcome.PermanentFailure(getMessage())
                : new FailoverOutcome.RetryableFailure(getMessage(), notBefore());
    }
}
