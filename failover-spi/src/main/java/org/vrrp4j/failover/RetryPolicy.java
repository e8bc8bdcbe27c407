package org.vrrp4j.failover;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

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

    /** The seed tutorial's to_master.sh: 10 tries, 3 s apart, no jitter. */
    public static RetryPolicy seedScript() {
        return new RetryPolicy(10, Duration.ofSeconds(3), Duration.ofSeconds(3), 1.0, 0.0, Duration.ofSeconds(60));
    }

    /** A preset by name: {@code standard} or {@code seed}. */
    public static RetryPolicy preset(String name) {
        return switch (name) {
            case "standard" -> standard();
            case "seed" -> seedScript();
            default -> throw new ProviderConfigException("retry", "unknown preset '" + name + "'; known: seed, standard");
        };
    }

    /** The wait after failed attempt number {@code attempt} (1-based). */
    public Duration backoff(int attempt, RandomGenerator random) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        nanos = Math.min(nanos, maxBackoff.toNanos());
        nanos -= nanos * jitter * random.nextDouble();
        return Duration.ofNanos((long) nanos);
    }
}
