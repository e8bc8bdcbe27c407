package org.vrrp4j.keepalived;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Gratuitous ARP / unsolicited NA settings of a new master (keepalived's {@code garp_master_*} and
 * {@code vrrp_garp_interval}).
 *
 * @param masterDelay         {@code garp_master_delay}: delay of the second burst after becoming master (default 5 s)
 * @param masterRepeat        {@code garp_master_repeat}: messages per burst (default 5)
 * @param masterRefresh       {@code garp_master_refresh}: periodic refresh while master; zero is off (the default)
 * @param masterRefreshRepeat {@code garp_master_refresh_repeat}: messages per refresh (default 1)
 * @param interval            {@code vrrp_garp_interval}: gap between messages of a burst (default 0)
 * @param lowerPrioDelay      {@code garp_lower_prio_delay}: the second burst's delay after a master heard a
 *                            lower-priority master; empty: keepalived's default, {@code masterDelay}
 * @param lowerPrioRepeat     {@code garp_lower_prio_repeat}: messages per burst then (0: none); empty:
 *                            keepalived's default, {@code masterRepeat}
 */
public record GarpSettings(Duration masterDelay, int masterRepeat, Duration masterRefresh, int masterRefreshRepeat,
        Duration interval, Optional<Duration> lowerPrioDelay, OptionalInt lowerPrioRepeat) {

    /** keepalived 2.2.7's defaults. */
    public static final GarpSettings KEEPALIVED_DEFAULTS =
            new GarpSettings(Duration.ofSeconds(5), 5, Duration.ZERO, 1, Duration.ZERO);

    /** Settings whose lower-priority bursts are keepalived's default (those of a new master). */
    public GarpSettings(Duration masterDelay, int masterRepeat, Duration masterRefresh, int masterRefreshRepeat,
            Duration interval) {
        this(masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, interval, Optional.empty(), OptionalInt.empty());
    }

    public GarpSettings {
        Objects.requireNonNull(lowerPrioDelay, "lowerPrioDelay");
        Objects.requireNonNull(lowerPrioRepeat, "lowerPrioRepeat");
        if (lowerPrioRepeat.isPresent() && lowerPrioRepeat.getAsInt() < 0) {
            throw new IllegalArgumentException("garp_lower_prio_repeat must be >= 0");
        }
        Objects.requireNonNull(masterDelay, "masterDelay");
        Objects.requireNonNull(masterRefresh, "masterRefresh");
        Objects.requireNonNull(interval, "interval");
        if (masterRepeat < 1 || masterRefreshRepeat < 1) {
            throw new IllegalArgumentException("garp repeats must be >= 1");
        }
    }

    /** The second lower-priority burst's delay as keepalived runs it: {@code masterDelay} unless given. */
    public Duration effectiveLowerPrioDelay() {
        return lowerPrioDelay.orElse(masterDelay);
    }

    /** The lower-priority burst's size as keepalived runs it: {@code masterRepeat} unless given. */
    public int effectiveLowerPrioRepeat() {
        return lowerPrioRepeat.orElse(masterRepeat);
    }

    GarpSettings withLowerPrioDelay(Duration d) {
        return new GarpSettings(masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, interval, Optional.of(d),
                lowerPrioRepeat);
    }

    GarpSettings withLowerPrioRepeat(int n) {
        return new GarpSettings(masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, interval, lowerPrioDelay,
                OptionalInt.of(n));
    }

    GarpSettings withMasterDelay(Duration d) {
        return new GarpSettings(d, masterRepeat, masterRefresh, masterRefreshRepeat, interval, lowerPrioDelay, lowerPrioRepeat);
    }

    GarpSettings withMasterRepeat(int n) {
        return new GarpSettings(masterDelay, n, masterRefresh, masterRefreshRepeat, interval, lowerPrioDelay, lowerPrioRepeat);
    }

    GarpSettings withMasterRefresh(Duration d) {
        return new GarpSettings(masterDelay, masterRepeat, d, masterRefreshRepeat, interval, lowerPrioDelay, lowerPrioRepeat);
    }

    GarpSettings withMasterRefreshRepeat(int n) {
        return new GarpSettings(masterDelay, masterRepeat, masterRefresh, n, interval, lowerPrioDelay, lowerPrioRepeat);
    }

    GarpSettings withInterval(Duration d) {
        return new GarpSettings(masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, d, lowerPrioDelay,
                lowerPrioRepeat);
    }
}
