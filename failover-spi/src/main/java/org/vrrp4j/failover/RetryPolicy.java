package org.vrrp4j.failover;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.ProviderConfigException;

/**
 * How an acquisition is retried: exponential backoff with jitter, a maximum number of attempts and an
 * overall deadline. A {@link FailoverOutcome.RetryableFailure#notBefore()} pushes the next attempt later.
 *
 * @param maxAttempts    attempts in all, at least 1
 * @param initialBackoff wait after the first failure
 * @param maxBackoff     the backoff never grows past this
 * @param multiplier     growth per failure, at least 1
 * @param jitter         0..1: each wait is randomly shortened by up to this fraction (spreads out retries)
 * @param deadline       no attempt starts later than this after the first
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
        double jitter, Duration deadline) {

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(deadline, "deadline");
        if (maxAttempts < 1) {
            throw new ProviderConfigException("retry.max_attempts", "must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new ProviderConfigException("retry.backoff", "need 0 <= initial <= max");
        }
        if (multiplier < 1 || jitter < 0 || jitter > 1) {
            throw new ProviderConfigException("retry", "multiplier must be >= 1 and jitter 0..1");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new ProviderConfigException("retry.deadline", "must be positive");
        }
    }

    /** The default: 8 attempts, 1 s doubling to 30 s, 20 % jitter, within 5 minutes. */
    public static RetryPolicy standard() {
        return new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.2, Duration.ofMinutes(5));
    }

    /**
     * A fixed policy: {@code attempts} tries {@code interval} apart, no growth, no jitter, within
     * {@code 2 × attempts × interval} (at least a minute), which leaves each attempt about as long to run
     * as the pause before it. {@code fixed(10, Duration.ofSeconds(3))} is the classic notify script's
     * loop of ten tries three seconds apart, within 60 s.
     *
     * @throws ProviderConfigException when {@code attempts} is below 1 or {@code interval} negative
     */
    public static RetryPolicy fixed(int attempts, Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative()) {
            throw new ProviderConfigException("retry", "the interval must not be negative, got " + interval);
        }
        if (attempts < 1) {
            throw new ProviderConfigException("retry", "needs at least 1 attempt, got " + attempts);
        }
        Duration deadline = interval.multipliedBy(2L * attempts);
        if (deadline.compareTo(Duration.ofMinutes(1)) < 0) {
            deadline = Duration.ofMinutes(1);
        }
        return new RetryPolicy(attempts, interval, interval, 1.0, 0.0, deadline);
    }

    /** The wait after failed attempt number {@code attempt} (1-based). */
    public Duration backoff(int attempt, RandomGenerator random) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        nanos = Math.min(nanos, maxBackoff.toNanos());
        nanos -= nanos * jitter * random.nextDouble();
        return Duration.ofNanos((long) nanos);
    }
}
