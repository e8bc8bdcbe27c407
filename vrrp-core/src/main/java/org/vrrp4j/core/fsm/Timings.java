package org.vrrp4j.core.fsm;

import org.vrrp4j.core.packet.VrrpVersion;

/**
 * The RFC's timer arithmetic, exact to the nanosecond (no truncation to whole centiseconds, so with a
 * 1 cs interval backups of different priorities still fire at different times).
 */
public final class Timings {
    /** Nanoseconds per centisecond. */
    public static final long NANOS_PER_CENTI = 10_000_000L;

    private Timings() {
    }

    /** An interval in centiseconds as nanoseconds. */
    public static long centisToNanos(int centis) {
        return centis * NANOS_PER_CENTI;
    }

    /**
     * Skew_Time in nanoseconds. VRRPv3 (RFC 9568 §6.1): ((256 − Priority) × Master_Adver_Interval) / 256.
     * VRRPv2 (RFC 3768 §6.1): (256 − Priority) / 256 seconds, independent of the interval.
     */
    public static long skewNanos(VrrpVersion version, int priority, int masterAdverIntervalCentis) {
        long unit = version == VrrpVersion.V3 ? centisToNanos(masterAdverIntervalCentis) : 1_000_000_000L;
        return (256L - priority) * unit / 256L;
    }

    /** Master_Down_Interval in nanoseconds: 3 × Master_Adver_Interval + Skew_Time. */
    public static long masterDownNanos(VrrpVersion version, int priority, int masterAdverIntervalCentis) {
        return 3L * centisToNanos(masterAdverIntervalCentis) + skewNanos(version, priority, masterAdverIntervalCentis);
    }
}
