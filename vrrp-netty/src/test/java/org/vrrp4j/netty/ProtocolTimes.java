package org.vrrp4j.netty;

import java.time.Duration;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * A backup's protocol times, computed here from the RFCs' formulas (not from the code under test), and the
 * bounds tests derive from them.
 *
 * <p>A master that stops gracefully sends priority 0 and its backup takes over after Skew_Time; one that
 * crashes goes silent and the backup takes over when Master_Down_Interval has passed since the last advert
 * it heard, so no sooner than Master_Down_Interval minus one Advertisement_Interval after the crash. A
 * hand-over bound proves priority 0 only when it lies below that earliest silent take-over; it is Skew_Time
 * plus {@link #MARGIN}, and {@link #priorityZeroBound()} refuses an interval too short to leave room for
 * the margin (100 ms adverts leave 200 ms: too little to tell on a loaded machine).
 *
 * @param version        the VRRP version (v2's Skew_Time does not scale with the interval)
 * @param backupPriority the priority of the backup that takes over
 * @param advert         the master's advertisement interval
 */
record ProtocolTimes(VrrpVersion version, int backupPriority, Duration advert) {
    /** The slack for a shared 2-vCPU machine: a JIT or GC pause, an event loop's late wake-up, a peer's scheduling. */
    static final Duration MARGIN = Duration.ofMillis(1_500);

    /** Skew_Time. RFC 9568 §6.1: ((256 − Priority) × Master_Adver_Interval) / 256; RFC 3768 §6.1: (256 − Priority) / 256 s. */
    Duration skew() {
        long unitNanos = version == VrrpVersion.V3 ? advert.toNanos() : 1_000_000_000L;
        return Duration.ofNanos((256L - backupPriority) * unitNanos / 256L);
    }

    /** Master_Down_Interval: 3 × Master_Adver_Interval + Skew_Time. */
    Duration masterDown() {
        return advert.multipliedBy(3).plus(skew());
    }

    /** The soonest a backup can take over from a master that went silent (no priority 0), counted from the silence. */
    Duration earliestSilentTakeOver() {
        return masterDown().minus(advert);
    }

    /** A take-over by Master_Down_Interval, with the margin: the bound for awaiting one. */
    Duration silentTakeOverBound() {
        return masterDown().plus(MARGIN);
    }

    /**
     * The bound of a hand-over on priority 0: Skew_Time plus the margin, which must stay below the earliest
     * silent take-over, else a test could not tell a priority 0 from a crash.
     */
    Duration priorityZeroBound() {
        Duration bound = skew().plus(MARGIN);
        if (bound.compareTo(earliestSilentTakeOver()) >= 0) {
            throw new IllegalStateException("with " + advert.toMillis() + " ms adverts a silent take-over can come "
                    + earliestSilentTakeOver().toMillis() + " ms after the master stops, before Skew_Time + margin ("
                    + bound.toMillis() + " ms): use a longer interval to tell a priority 0 from a crash");
        }
        return bound;
    }
}
