package org.vrrp4j.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.AuthType;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * IPv6 address lists that start with a global address, as keepalived sends for a file whose VIPs are all
 * global: a backup counts and reports them but follows the master (dropping them made two masters), sends
 * its own list as configured, and only the strict switch restores RFC 9568 §5.2.9 to the letter.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GlobalFirstIpv6Test {
    private static final long MS = 1_000_000L;
    private static final InetAddress OWN_LL = InetAddress.ofLiteral("fe80::2");
    private static final InetAddress PEER_LL = InetAddress.ofLiteral("fe80::1");
    private static final InetAddress GROUP = InetAddress.ofLiteral("ff02::12");
    private static final InetAddress VIP = InetAddress.ofLiteral("2001:db8::7");

    private static VirtualRouterConfig.Builder config() {
        return VirtualRouterConfig.builder().name("VI_G").vrid(7).priority(100).addVirtualAddress(VIP);
    }

    private static Input.AdvertReceived advert(int priority) {
        VrrpPacket p = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV6, 7, priority, 100, List.of(VIP), AuthType.NONE, null);
        return new Input.AdvertReceived(p, PEER_LL, GROUP, ChecksumForm.IPV6_PSEUDO_HEADER);
    }

    @Test
    void aBackupFollowsAMasterWhoseListIsGlobalOnlyAndCountsIt() {
        VirtualRouter r = new VirtualRouter(config().build());
        r.step(new Input.Start(OWN_LL), 0);
        long deadline = r.timerDeadline(TimerKind.MASTER_DOWN).orElseThrow();

        List<Action> out = r.step(advert(200), 1000 * MS);

        assertThat(out).noneMatch(a -> a instanceof Action.PacketDiscarded);
        assertThat(out).anySatisfy(a -> assertThat(a).isInstanceOfSatisfying(Action.ConfigMismatch.class,
                m -> assertThat(m.what()).contains(VIP.getHostAddress(), "not link-local")));
        assertThat(r.counters().ipv6GlobalFirstLists()).isEqualTo(1);
        assertThat(r.counters().advertisementsReceived()).isEqualTo(1);
        assertThat(r.counters().dropped(DropReason.IPV6_FIRST_NOT_LINK_LOCAL)).isZero();
        assertThat(r.timerDeadline(TimerKind.MASTER_DOWN).orElseThrow()).as("the master's advert reset the timer")
                .isGreaterThan(deadline);
        assertThat(r.masterAddress()).contains(PEER_LL);

        // the master adverts every second for 20 s: the Master_Down timer (fired whenever it is due) never is
        for (long t = 2000; t <= 20_000; t += 1000) {
            long now = t * MS;
            if (r.timerDeadline(TimerKind.MASTER_DOWN).orElseThrow() <= now) {
                r.step(new Input.TimerFired(TimerKind.MASTER_DOWN), now);
            }
            r.step(advert(200), now);
        }
        assertThat(r.state()).isEqualTo(State.BACKUP);
        assertThat(r.counters().ipv6GlobalFirstLists()).isEqualTo(20);
    }

    @Test
    void aMasterSendsTheGlobalOnlyListAsConfigured() {
        VirtualRouter r = new VirtualRouter(config().build());
        r.step(new Input.Start(OWN_LL), 0);
        long deadline = r.timerDeadline(TimerKind.MASTER_DOWN).orElseThrow();
        List<Action> out = r.step(new Input.TimerFired(TimerKind.MASTER_DOWN), deadline);
        assertThat(r.state()).isEqualTo(State.MASTER);
        assertThat(out).filteredOn(a -> a instanceof Action.SendAdvert).first()
                .satisfies(a -> assertThat(((Action.SendAdvert) a).packet().addresses()).containsExactly(VIP));
    }

    @Test
    void theStrictSwitchRefusesTheConfigurationAndDropsTheAdverts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> config().strictIpv6LinkLocalFirst(true).build())
                .hasMessageContaining("link-local address first");
        VirtualRouter r = new VirtualRouter(VirtualRouterConfig.builder().name("VI_S").vrid(7).priority(100)
                .strictIpv6LinkLocalFirst(true).addVirtualAddress(InetAddress.ofLiteral("fe80::7"))
                .addVirtualAddress(VIP).build());
        r.step(new Input.Start(OWN_LL), 0);
        long deadline = r.timerDeadline(TimerKind.MASTER_DOWN).orElseThrow();

        List<Action> out = r.step(advert(200), 1000 * MS);

        assertThat(out).contains(new Action.PacketDiscarded(DropReason.IPV6_FIRST_NOT_LINK_LOCAL, PEER_LL));
        assertThat(r.counters().dropped(DropReason.IPV6_FIRST_NOT_LINK_LOCAL)).isEqualTo(1);
        assertThat(r.counters().ipv6GlobalFirstLists()).isZero();
        assertThat(r.timerDeadline(TimerKind.MASTER_DOWN).orElseThrow()).as("a dropped advert resets nothing")
                .isEqualTo(deadline);
    }
}
