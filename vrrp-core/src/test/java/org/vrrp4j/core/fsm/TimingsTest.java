package org.vrrp4j.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vrrp4j.core.packet.VrrpVersion;

/** The checklist's worked values (RFC 9568 §6.1) and the VRRPv2 seconds rule (RFC 3768 §6.1). */
class TimingsTest {

    @ParameterizedTest(name = "v3 prio {0} at 100 cs: skew {1} cs, MDI {2} cs")
    @CsvSource({"100, 60.94, 360.94", "200, 21.88, 321.88", "254, 0.78, 300.78", "1, 99.61, 399.61"})
    void v3MatchesTheChecklistWithinOneHundredthOfACentisecond(int prio, double skewCs, double mdiCs) {
        assertThat(Timings.skewNanos(VrrpVersion.V3, prio, 100) / 1e7).isCloseTo(skewCs, within(0.01));
        assertThat(Timings.masterDownNanos(VrrpVersion.V3, prio, 100) / 1e7).isCloseTo(mdiCs, within(0.01));
    }

    @ParameterizedTest(name = "v3 at 1 cs prio {0} and {1} still differ")
    @CsvSource({"100, 101", "253, 254", "1, 2"})
    void aOneCentisecondIntervalStillStaggersBackupsByPriority(int low, int high) {
        assertThat(Timings.masterDownNanos(VrrpVersion.V3, high, 1))
                .isLessThan(Timings.masterDownNanos(VrrpVersion.V3, low, 1));
    }

    @ParameterizedTest(name = "v2 prio {0} interval {1} s: skew {2} s")
    @CsvSource({"254, 2, 0.0078125", "100, 1, 0.609375", "100, 10, 0.609375", "1, 5, 0.99609375"})
    void v2SkewIsInSecondsWhateverTheInterval(int prio, int intervalSeconds, double skewSeconds) {
        assertThat(Timings.skewNanos(VrrpVersion.V2, prio, intervalSeconds * 100) / 1e9).isEqualTo(skewSeconds);
        assertThat(Timings.masterDownNanos(VrrpVersion.V2, prio, intervalSeconds * 100) / 1e9)
                .isEqualTo(3.0 * intervalSeconds + skewSeconds);
    }
}
