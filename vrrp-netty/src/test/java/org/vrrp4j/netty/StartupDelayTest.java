package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.IpFamily;

/**
 * keepalived's {@code vrrp_startup_delay} through the node's start, on a fake host and a virtual clock: no
 * router becomes master during the delay, not even the owner, nothing is sent or added; a master heard in
 * the delay is followed; routers added later (a reload) start without the delay.
 */
@Timeout(10)
class StartupDelayTest {
    private final Harness h = new Harness();

    private List<RouterDriver> start(Duration delay, org.vrrp4j.core.config.VirtualRouterConfig... configs)
            throws IOException {
        List<RouterDriver> d = h.runtime.attach(List.of(configs), Map.of());
        h.runtime.start(d, delay);
        return d;
    }

    @Test
    void noRouterBecomesMasterDuringTheDelayNotEvenTheOwner() throws Exception {
        start(Duration.ofSeconds(2), Harness.router("OWNER", "eth0", 1, 255, "198.18.1.100"),
                Harness.router("VI_2", "eth1", 2, 100, "198.18.2.100"));
        FakeHost.Socket s0 = h.host.socket("eth0", IpFamily.IPV4);
        FakeHost.Socket s1 = h.host.socket("eth1", IpFamily.IPV4);
        assertThat(h.state("OWNER")).isEqualTo(State.BACKUP);
        // without the delay the owner is master at once and VI_2 after MDI (3 × 100 ms + skew, < 400 ms)
        h.loop.advance(1990 * Harness.MS);
        assertThat(h.state("OWNER")).isEqualTo(State.BACKUP);
        assertThat(h.state("VI_2")).isEqualTo(State.BACKUP);
        assertThat(s0.sent).isEmpty();
        assertThat(s1.sent).isEmpty();
        assertThat(h.host.addresses).isEmpty();
        // the owner at the end of the delay; the other a Master_Down_Interval later
        h.loop.advance(20 * Harness.MS);
        assertThat(h.state("OWNER")).isEqualTo(State.MASTER);
        assertThat(h.state("VI_2")).isEqualTo(State.BACKUP);
        assertThat(s0.sent).isNotEmpty();
        h.loop.advance(400 * Harness.MS);
        assertThat(h.state("VI_2")).isEqualTo(State.MASTER);
        assertThat(h.events).containsExactly("OWNER BACKUP STARTUP", "VI_2 BACKUP STARTUP",
                "OWNER MASTER MASTER_DOWN_TIMER", "VI_2 MASTER MASTER_DOWN_TIMER");
    }

    @Test
    void aMasterHeardDuringTheDelayIsFollowedAndARouterAddedLaterStartsAtOnce() throws Exception {
        start(Duration.ofSeconds(2), Harness.router("VI_1", "eth0", 7, 100, "198.18.1.100"));
        for (int i = 0; i < 40; i++) { // a higher-priority master advertising every 100 ms, for 4 s
            h.loop.advance(100 * Harness.MS);
            h.receive("eth0", Harness.advert("198.18.1.2", 7, 200, 255, "198.18.1.100"));
        }
        assertThat(h.state("VI_1")).isEqualTo(State.BACKUP);
        // a router added by a reload: the delay was the node's start only; an owner is master at once
        h.runtime.start(h.runtime.attach(List.of(Harness.router("OWNER", "eth1", 2, 255, "198.18.2.100")), Map.of()));
        assertThat(h.state("OWNER")).isEqualTo(State.MASTER);
        // and the master's silence is noticed after one Master_Down_Interval, as without a delay
        h.loop.advance(400 * Harness.MS);
        assertThat(h.state("VI_1")).isEqualTo(State.MASTER);
    }
}
