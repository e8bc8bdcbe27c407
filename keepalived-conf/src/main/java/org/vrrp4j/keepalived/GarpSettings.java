package org.vrrp4j.keepalived;

import java.time.Duration;
import java.util.Objects;

/**
 * Gratuitous ARP / unsolicited NA settings of a new master (keepalived's {@code garp_master_*} and
 * {@code vrrp_garp_interval}).
 *
 * @param masterDelay         {@code garp_master_delay}: delay of the second burst after becoming master (default 5 s)
 * @param masterRepeat        {@code garp_master_repeat}: messages per burst (default 5)
 * @param masterRefresh       {@code garp_master_refresh}: periodic refresh while master; zero is off (the default)
 * @param masterRefreshRepeat {@code garp_master_refresh_repeat}: messages per refresh (default 1)
 * @param interval            {@code vrrp_garp_interval}: gap between messages of a burst (default 0)
 */
public record GarpSettings(Duration masterDelay, int masterRepeat, Duration masterRefresh, int masterRefreshRepeat,
        Duration interval) {

    /** keepalived 2.2.7's defaults. */
    public static final GarpSettings KEEPALIVED_DEFAULTS =
            new GarpSettings(Duration.ofSeconds(5), 5, Duration.ZERO, 1, Duration.ZERO);

    public GarpSettings {
        Objects.requireNonNull(masterDelay, "masterDelay");
        Objects.requireNonNull(masterRefresh, "masterRefresh");
        Objects.requireNonNull(interval, "interval");
        if (masterRepeat < 1 || masterRefreshRepeat < 1) {
            throw new IllegalArgumentException("garp repeats must be >= 1");
        }
    }

    GarpSettings withMasterDelay(Duration d) {
        return new GarpSettings(d, masterRepeat, masterRefresh, masterRefreshRepeat, interval);
    }

    GarpSettings withMasterRepeat(int n) {
        return new GarpSettings(masterDelay, n, masterRefresh, masterRefreshRepeat, interval);
    }

    GarpSettings withMasterRefresh(Duration d) {
        return new GarpSettings(masterDelay, masterRepeat, d, masterRefreshRepeat, interval);
    }

    GarpSettings withMasterRefreshRepeat(int n) {
        return new GarpSettings(masterDelay, masterRepeat, masterRefresh, n, interval);
    }

    GarpSettings withInterval(Duration d) {
        return new GarpSettings(masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, d);
    }
}
