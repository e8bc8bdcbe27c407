package org.vrrp4j.failover;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How the coordinator runs one provider for one router.
 *
 * @param retry         retries of acquisition
 * @param reverifyEvery how often a master checks the routing; zero turns it off
 * @param release       whether leaving master calls the provider's release
 */
public record BindingOptions(RetryPolicy retry, Duration reverifyEvery, boolean release) {
    /** The keys of a provider block that are the binding's, not the provider's. */
    public static final Set<String> KEYS = Set.of("retry", "reverify", "release");

    public BindingOptions {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(reverifyEvery, "reverifyEvery");
        if (reverifyEvery.isNegative()) {
            throw new IllegalArgumentException("reverifyEvery must not be negative: " + reverifyEvery);
        }
    }

    /** Standard retries, re-verification every 60 s, release when the provider supports it. */
    public static BindingOptions standard() {
        return new BindingOptions(RetryPolicy.standard(), Duration.ofSeconds(60), true);
    }

    /** Options from a provider block: {@code retry}, {@code reverify} (0 for off; default 60 s), {@code release}. */
    public static BindingOptions fromConfig(ProviderConfig config) {
        RetryPolicy retry = RetryPolicy.preset(config.string("retry", "standard"));
        return new BindingOptions(retry, config.duration("reverify", Duration.ofSeconds(60)), config.bool("release", true));
    }
}
