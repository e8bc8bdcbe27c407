package org.vrrp4j.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverOutcome;

/**
 * The credential-check part of a {@link BindingMachine}: whether a check is due or armed, what the checks
 * found, and when the next one runs. Pure like the machine: times are nanoseconds since the machine's origin.
 */
final class CheckBook {
    /** A check that has not returned by then is cancelled and counts as failed. */
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** The first retry of a failed check; it doubles up to {@link #MAX_RETRY}. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    /** The longest wait after a failed check (never longer than the interval either). */
    static final Duration MAX_RETRY = Duration.ofHours(1);

    private final Duration every;
    boolean due;
    boolean armed;
    private long armedAt;
    CheckStatus status;

    CheckBook(CheckStatus initial, Duration every) {
        this.status = initial;
        this.every = every;
    }

    /**
     * Records a finished check (not a cancelled one) at {@code now} and arms the next.
     *
     * @return when the next check is due
     */
    long finished(CredentialCheck result, long now, Instant origin) {
        CheckStatus s = status;
        Optional<Instant> at = Optional.of(origin.plusNanos(now));
        long next;
        if (result instanceof CredentialCheck.Proven p) {
            status = new CheckStatus(s.router(), s.resource(), at, Optional.of(p.detail()), s.lastFailure(),
                    s.lastFailureMessage(), p.expires(), s.failures(), 0, false, s.nextCheck());
            next = now + every.toNanos();
        } else if (result instanceof CredentialCheck.Failed f) {
            int inARow = s.failuresInARow() + 1;
            status = new CheckStatus(s.router(), s.resource(), s.lastSuccess(), s.lastSuccessDetail(), at,
                    Optional.of(message(f.failure())), s.expires(), s.failures() + 1, inARow, false, s.nextCheck());
            next = now + retry(inARow).toNanos();
            if (f.failure() instanceof FailoverOutcome.RetryableFailure r && r.notBefore().isPresent()) {
                next = Math.max(next, Duration.between(origin, r.notBefore().get()).toNanos());
            }
        } else {
            throw new IllegalArgumentException("a cancelled check records nothing");
        }
        armed = true;
        armedAt = next;
        return next;
    }

    /** The wait after the {@code inARow}th failed check in a row: 30 s doubling, at most 1 h and at most the interval. */
    Duration retry(int inARow) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(inARow - 1, 20));
        if (d.compareTo(MAX_RETRY) > 0) {
            d = MAX_RETRY;
        }
        return d.compareTo(every) > 0 ? every : d;
    }

    /** Updates the snapshot with whether a check runs and when the next is due; true when it changed. */
    boolean publish(boolean running, Instant origin) {
        CheckStatus s = status;
        CheckStatus next = new CheckStatus(s.router(), s.resource(), s.lastSuccess(), s.lastSuccessDetail(), s.lastFailure(),
                s.lastFailureMessage(), s.expires(), s.failures(), s.failuresInARow(), running,
                armed ? Optional.of(origin.plusNanos(armedAt)) : Optional.empty());
        if (next.equals(s)) {
            return false;
        }
        status = next;
        return true;
    }

    private static String message(FailoverOutcome failure) {
        return switch (failure) {
            case FailoverOutcome.RetryableFailure r -> r.message();
            case FailoverOutcome.PermanentFailure p -> p.message();
            default -> failure.toString();
        };
    }
}
