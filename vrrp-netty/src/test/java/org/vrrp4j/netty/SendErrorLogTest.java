package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Send failures at WARN: the first at once, then at most one per period, and one when adverts leave again. */
@Timeout(10)
class SendErrorLogTest {
    private static final long S = 1_000_000_000L;

    @Test
    void theFirstFailureIsLoggedThenOnePerPeriodThenTheRecovery() {
        SendErrorLog log = new SendErrorLog(10 * S);
        assertThat(log.sent("VI_1", "eth0", 0, 0, 0)).as("all well: nothing").isFalse();
        assertThat(log.sent("VI_1", "eth0", 1, 1, 1 * S)).as("the first failure").isTrue();
        for (int i = 2; i <= 10; i++) {
            assertThat(log.sent("VI_1", "eth0", 1, 1, i * S)).as("within the period, at %d s", i).isFalse();
        }
        assertThat(log.sent("VI_1", "eth0", 1, 1, 11 * S)).as("the period is over").isTrue();
        assertThat(log.sent("VI_1", "eth0", 1, 1, 12 * S)).isFalse();
        assertThat(log.sent("VI_1", "eth0", 0, 0, 13 * S)).as("adverts leave again").isTrue();
        assertThat(log.sent("VI_1", "eth0", 0, 0, 14 * S)).isFalse();
        assertThat(log.sent("VI_1", "eth0", 1, 101, 15 * S)).as("a new failure after recovery: at once").isTrue();
    }

    @Test
    void errnosAreNamed() {
        assertThat(SendErrorLog.describe(1)).startsWith("EPERM").contains("firewall").endsWith("(errno 1)");
        assertThat(SendErrorLog.describe(101)).startsWith("ENETUNREACH");
        assertThat(SendErrorLog.describe(105)).startsWith("ENOBUFS");
        assertThat(SendErrorLog.describe(4242)).isEqualTo("errno 4242");
    }
}
