package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;

/** The receive path of a channel: who is charged with each drop, and the read budget. No root. */
@Timeout(10)
class InterfaceChannelTest {
    private final Harness h = new Harness();

    @Test
    void dropsNoRouterCanBeChargedWithAreCountedOnTheInterface() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, "198.18.1.100"));
        h.receive("eth0", Harness.advert("198.18.1.2", 8, 150, 255, "198.18.1.200")); // VRID 8: nobody here
        byte[] badHeader = Harness.advert("198.18.1.2", 7, 150, 255, "198.18.1.100");
        badHeader[0] = 0x44;
        h.receive("eth0", badHeader);
        h.receive("eth0", Arrays.copyOf(badHeader, 10));
        Map<DropReason, Long> drops = h.runtime.interfaceDrops().get("eth0");
        assertThat(drops).containsEntry(DropReason.VRID_NOT_CONFIGURED, 1L).containsEntry(DropReason.IP_HEADER_INVALID, 1L)
                .containsEntry(DropReason.TRUNCATED, 1L);
        assertThat(h.runtime.router("VI_1").status().counters().droppedTotal()).isZero();
    }

    @Test
    void aDropOfAKnownVridIsTheRoutersAndLeavesItsStateAlone() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, "198.18.1.100"));
        h.receive("eth0", Harness.advert("198.18.1.2", 7, 250, 64, "198.18.1.100")); // TTL 64: not from the link
        assertThat(h.runtime.router("VI_1").status().counters().dropped(DropReason.TTL_INVALID)).isEqualTo(1);
        assertThat(h.runtime.interfaceDrops().get("eth0")).isEmpty();
        h.loop.advance(400 * Harness.MS); // Master_Down_Interval: 3 × 100 ms + skew
        assertThat(h.events).as("the higher priority of a dropped advert counts for nothing")
                .containsExactly("VI_1 BACKUP STARTUP", "VI_1 MASTER MASTER_DOWN_TIMER");
    }

    @Test
    void oneReadableEventReadsAtMostTheBudgetSoOtherWorkGetsItsTurn() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, "198.18.1.100"));
        FakeHost.Socket s = h.host.socket("eth0", IpFamily.IPV4);
        for (int i = 0; i < InterfaceChannel.RECEIVE_BUDGET + 5; i++) {
            s.inbound.add(Harness.advert("198.18.1.2", 8, 150, 255, "198.18.1.200"));
        }
        h.loop.readable(s.fd);
        assertThat(s.inbound).hasSize(5);
        assertThat(h.runtime.interfaceDrops().get("eth0")).containsEntry(DropReason.VRID_NOT_CONFIGURED,
                (long) InterfaceChannel.RECEIVE_BUDGET);
    }
}
