package org.vrrp4j.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.spi.ProviderConfig;

/**
 * How the coordinator runs one provider for one router. In a configuration these are keys of the
 * provider's block ({@link #KEYS}); {@link #parse} takes them out before the provider's factory sees
 * the block, so no provider knows their names.
 *
 * @param retry         retries of acquisition
 * @param reverifyEvery how often a master checks the routing; zero turns it off
 * @param release       whether leaving master calls the provider's release (when it supports one)
 * @param checkEvery    how often the provider proves its credentials and lookup ({@link
 *                      org.vrrp4j.failover.spi.FailoverProvider#check}), on every node whatever its role, first
 *                      at bind; zero turns it off
 */
public record BindingOptions(RetryPolicy retry, Duration reverifyEvery, boolean release, Duration checkEvery) {
    /**
     * The keys of a provider block that belong to the binding: {@code retry}, {@code reverify}, {@code release},
     * {@code check_interval}.
     */
    public static final Set<String> KEYS = Set.of("retry", "reverify", "release", "check_interval");

    /**
     * The default {@code check_interval}: a day. netcup voids an offline token after 30 days without use, so
     * a daily proof keeps it alive with a month to spare, and a node finds out about a dead login a day after
     * the fact at worst, not at its next take-over.
     */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofDays(1);

    public BindingOptions {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(reverifyEvery, "reverifyEvery");
        Objects.requireNonNull(checkEvery, "checkEvery");
        if (reverifyEvery.isNegative()) {
            throw new IllegalArgumentException("reverifyEvery must not be negative: " + reverifyEvery);
        }
        if (checkEvery.isNegative()) {
            throw new IllegalArgumentException("checkEvery must not be negative: " + checkEvery);
        }
    }

    /** The given retries, re-verification and release, with credential checks every {@link #DEFAULT_CHECK_INTERVAL}. */
    public BindingOptions(RetryPolicy retry, Duration reverifyEvery, boolean release) {
        this(retry, reverifyEvery, release, DEFAULT_CHECK_INTERVAL);
    }

    /** Standard retries, re-verification every 60 s, release when the provider supports it, checks daily. */
    public static BindingOptions standard() {
        return new BindingOptions(RetryPolicy.standard(), Duration.ofSeconds(60), true);
    }

    /** These options with checks every {@code every} (zero: off). */
    public BindingOptions withCheckEvery(Duration every) {
        return new BindingOptions(retry, reverifyEvery, release, every);
    }

    /**
     * A provider block split in two: the binding's options and what is left for the provider.
     *
     * @param options        the parsed binding keys
     * @param providerConfig the block without {@link #KEYS}: give this to the provider's factory
     * @param warnings       things the operator should change (an old spelling), each naming key and block
     */
    public record Parsed(BindingOptions options, ProviderConfig providerConfig, List<String> warnings) {
        public Parsed {
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(providerConfig, "providerConfig");
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Parses the binding keys of a provider block:
     * <ul>
     * <li>{@code retry}: {@code standard} (default; {@link RetryPolicy#standard()}) or
     *     {@code fixed ATTEMPTS INTERVAL}, e.g. {@code fixed 10 3s} ({@link RetryPolicy#fixed});
     *     the old name {@code seed} still means {@code fixed 10 3s}, with a warning;</li>
     * <li>{@code reverify}: a duration, {@code 0} for off (default 60 s);</li>
     * <li>{@code release}: true or false (default true);</li>
     * <li>{@code check_interval}: a duration, {@code 0} for off (default 1 day): how often the provider
     *     proves its credentials and lookup, on every node whatever its role.</li>
     * </ul>
     *
     * @throws ProviderConfigException naming the key and the rule when a value is wrong
     */
    public static Parsed parse(ProviderConfig block) {
        List<String> warnings = new ArrayList<>();
        RetryPolicy retry = retry(block, warnings);
        BindingOptions options = new BindingOptions(retry, block.duration("reverify", Duration.ofSeconds(60)),
                block.bool("release", true), block.duration("check_interval", DEFAULT_CHECK_INTERVAL));
        return new Parsed(options, block.without(KEYS), warnings);
    }

    private static RetryPolicy retry(ProviderConfig block, List<String> warnings) {
        String value = block.string("retry", "standard");
        String[] words = value.split("\\s+");
        String where = " (provider " + block.name() + ")";
        switch (words[0]) {
            case "standard" -> {
                if (words.length == 1) {
                    return RetryPolicy.standard();
                }
            }
            case "fixed" -> {
                if (words.length == 3) {
                    int attempts;
                    try {
                        attempts = Integer.parseInt(words[1]);
                    } catch (NumberFormatException e) {
                        throw new ProviderConfigException("retry", "fixed: attempts must be a whole number, got '"
                                + words[1] + "'" + where);
                    }
                    if (attempts < 1 || attempts > 1000) {
                        throw new ProviderConfigException("retry", "fixed: attempts must be 1..1000, got " + attempts + where);
                    }
                    Duration interval;
                    try {
                        interval = ProviderConfig.parseDuration("retry", words[2]);
                    } catch (ProviderConfigException e) {
                        throw new ProviderConfigException("retry", "fixed: the interval " + e.getMessage()
                                .substring("retry: ".length()) + where);
                    }
                    return RetryPolicy.fixed(attempts, interval);
                }
            }
            case "seed" -> {
                if (words.length == 1) {
                    warnings.add("retry: 'seed' is an old name for 'fixed 10 3s' (10 tries 3 s apart); write that instead"
                            + where);
                    return RetryPolicy.fixed(10, Duration.ofSeconds(3));
                }
            }
            default -> {
                // falls through to the error below
            }
        }
        throw new ProviderConfigException("retry", "must be 'standard' or 'fixed ATTEMPTS INTERVAL' (e.g. 'fixed 10 3s'), got '"
                + value + "'" + where);
    }
}
