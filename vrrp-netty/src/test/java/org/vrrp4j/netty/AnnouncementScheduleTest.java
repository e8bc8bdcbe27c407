package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.packet.IpFamily;

/** keepalived's announcement cadence on a virtual clock: bursts, the delayed second burst, refreshes. */
@Timeout(10)
class AnnouncementScheduleTest {
    private static final long S = 1_000_000_000L;
    private final VirtualLoop loop = new VirtualLoop();
    private final FakeHost.Announcer announcer = new FakeHost.Announcer();
    private boolean master = true;
    private final List<VirtualAddress> addresses = List.of(VirtualAddress.of(InetAddress.ofLiteral("198.18.1.100")),
            VirtualAddress.of(InetAddress.ofLiteral("2001:db8::100")));

    private AnnouncementSchedule schedule(int repeat, Duration delay, Duration refresh, int refreshRepeat) {
        return new AnnouncementSchedule("VI_1", new AnnouncementSchedule.Cadence(repeat, delay, refresh, refreshRepeat),
                loop, announcer, IpFamily.IPV4, () -> master);
    }

    @Test
    void aBurstNowAnotherAfterTheDelayOnlyTheAnnouncersFamily() {
        schedule(3, Duration.ofSeconds(5), Duration.ZERO, 1).announce(addresses);
        assertThat(announcer.announced).hasSize(3).containsOnly(InetAddress.ofLiteral("198.18.1.100"));
        loop.advance(5 * S);
        assertThat(announcer.announced).hasSize(6);
        loop.advance(60 * S);
        assertThat(announcer.announced).hasSize(6);
    }

    @Test
    void refreshesWhileMasterAndStopsByItselfAfter() {
        schedule(1, Duration.ZERO, Duration.ofSeconds(10), 2).announce(addresses);
        loop.advance(30 * S);
        assertThat(announcer.announced).hasSize(1 + 3 * 2);
        master = false;
        loop.advance(30 * S);
        assertThat(announcer.announced).hasSize(7);
        assertThat(loop.pending()).isZero();
    }

    @Test
    void stopCancelsWhatIsScheduled() {
        AnnouncementSchedule s = schedule(1, Duration.ofSeconds(5), Duration.ofSeconds(10), 1);
        s.announce(addresses);
        s.stop();
        loop.advance(60 * S);
        assertThat(announcer.announced).hasSize(1);
    }

    @Test
    void aLowerPriorityMasterHeardAnnouncesAgainNowAndAfterItsOwnDelayWhileStillMaster() {
        AnnouncementSchedule s = new AnnouncementSchedule("VI_1", new AnnouncementSchedule.Cadence(5, Duration.ofSeconds(5),
                Duration.ZERO, 1, 2, Duration.ofSeconds(3)), loop, announcer, IpFamily.IPV4, () -> master);
        s.announceAgain(addresses);
        assertThat(announcer.announced).hasSize(2).containsOnly(InetAddress.ofLiteral("198.18.1.100"));
        loop.advance(3 * S);
        assertThat(announcer.announced).as("garp_lower_prio_delay: the second burst").hasSize(4);
        // heard again twice in a row: one pending second burst, not two
        s.announceAgain(addresses);
        s.announceAgain(addresses);
        loop.advance(3 * S);
        assertThat(announcer.announced).hasSize(4 + 2 + 2 + 2);
        // no longer master when the delay ends: no second burst
        s.announceAgain(addresses);
        master = false;
        loop.advance(3 * S);
        assertThat(announcer.announced).hasSize(12);
        assertThat(loop.pending()).isZero();
    }

    @Test
    void aLowerPriorityRepeatOfZeroSendsNothingAndTheDefaultIsTheMastersCadence() {
        AnnouncementSchedule off = new AnnouncementSchedule("VI_1", new AnnouncementSchedule.Cadence(5, Duration.ofSeconds(5),
                Duration.ZERO, 1, 0, Duration.ofSeconds(3)), loop, announcer, IpFamily.IPV4, () -> master);
        off.announceAgain(addresses);
        loop.advance(10 * S);
        assertThat(announcer.announced).isEmpty();
        AnnouncementSchedule.Cadence defaults = new AnnouncementSchedule.Cadence(5, Duration.ofSeconds(5), Duration.ZERO, 1);
        assertThat(defaults.lowerPriorityRepeat()).isEqualTo(5);
        assertThat(defaults.lowerPriorityDelay()).isEqualTo(Duration.ofSeconds(5));
    }
}
