package org.vrrp4j.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;

/**
 * A reload that only adds or removes virtual addresses, or changes a non-owner's priority, reaches a running
 * router as {@link Input.Reconfigured}: state, timers and mastership stay (no priority 0, no failover), as
 * keepalived keeps an instance across such a reload.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReconfiguredTest {
    private static final long MS = 1_000_000L;
    private static final InetAddress OWN = InetAddress.ofLiteral("198.18.0.2");
    private static final VirtualAddress VIP = VirtualAddress.of(InetAddress.ofLiteral("198.18.1.100"));
    private static final VirtualAddress SECOND = VirtualAddress.of(InetAddress.ofLiteral("198.18.1.101"));

    private static VirtualRouterConfig config(int priority, VirtualAddress... vips) {
        VirtualRouterConfig.Builder b = VirtualRouterConfig.builder().name("VI_1").vrid(7).priority(priority);
        for (VirtualAddress v : vips) {
            b.addVirtualAddress(v);
        }
        return b.build();
    }

    private static VirtualRouter master(VirtualRouterConfig c) {
        VirtualRouter r = new VirtualRouter(c);
        r.step(new Input.Start(OWN), 0);
        long down = r.timerDeadline(TimerKind.MASTER_DOWN).orElseThrow();
        r.step(new Input.TimerFired(TimerKind.MASTER_DOWN), down);
        assertThat(r.state()).isEqualTo(State.MASTER);
        return r;
    }

    @Test
    void aMasterAddsAndAnnouncesANewAddressAndKeepsEverythingElse() {
        VirtualRouter r = master(config(150, VIP));
        long advertDue = r.timerDeadline(TimerKind.ADVERT).orElseThrow();

        List<Action> out = r.step(new Input.Reconfigured(config(150, VIP, SECOND)), advertDue - 10 * MS);

        assertThat(out).containsExactly(new Action.AddAddresses(List.of(SECOND)), new Action.Announce(List.of(VIP, SECOND)));
        assertThat(r.state()).isEqualTo(State.MASTER);
        assertThat(r.timerDeadline(TimerKind.ADVERT)).as("the advert cadence is not reset").hasValue(advertDue);
        assertThat(r.config().virtualAddresses()).containsExactly(VIP, SECOND);
        List<Action> next = r.step(new Input.TimerFired(TimerKind.ADVERT), advertDue);
        assertThat(next).filteredOn(Action.SendAdvert.class::isInstance).singleElement()
                .satisfies(a -> assertThat(((Action.SendAdvert) a).packet().addresses())
                        .as("the next advert carries the new list").containsExactly(VIP.address(), SECOND.address()));
    }

    @Test
    void aMasterRemovesADroppedAddressWithoutResigning() {
        VirtualRouter r = master(config(150, VIP, SECOND));

        List<Action> out = r.step(new Input.Reconfigured(config(150, VIP)), 4_000 * MS);

        assertThat(out).containsExactly(new Action.RemoveAddresses(List.of(SECOND)), new Action.Announce(List.of(VIP)));
        assertThat(r.state()).isEqualTo(State.MASTER);
        assertThat(r.counters().priorityZeroSent()).isZero();
    }

    @Test
    void aBackupTakesTheNewListSilentlyAndKeepsItsMasterDownTimer() {
        VirtualRouter r = new VirtualRouter(config(100, VIP));
        r.step(new Input.Start(OWN), 0);
        long down = r.timerDeadline(TimerKind.MASTER_DOWN).orElseThrow();

        assertThat(r.step(new Input.Reconfigured(config(100, VIP, SECOND)), 100 * MS)).isEmpty();
        assertThat(r.state()).isEqualTo(State.BACKUP);
        assertThat(r.timerDeadline(TimerKind.MASTER_DOWN)).hasValue(down);
        r.step(new Input.TimerFired(TimerKind.MASTER_DOWN), down);
        assertThat(r.state()).isEqualTo(State.MASTER);
    }

    @Test
    void aPriorityChangeAppliesAsAPriorityChangeWould() {
        VirtualRouter r = master(config(150, VIP));
        r.step(new Input.Reconfigured(config(120, VIP)), 4_000 * MS);
        assertThat(r.effectivePriority()).isEqualTo(120);
        assertThat(r.state()).isEqualTo(State.MASTER);
    }

    @Test
    void onlyAddressesAndANonOwnerPriorityTakeInPlace() {
        VirtualRouterConfig c = config(150, VIP);
        assertThat(VirtualRouter.takesInPlace(c, config(150, VIP, SECOND))).isTrue();
        assertThat(VirtualRouter.takesInPlace(c, config(100, SECOND))).isTrue();
        assertThat(VirtualRouter.takesInPlace(c, config(255, VIP))).as("becoming the owner").isFalse();
        assertThat(VirtualRouter.takesInPlace(c, c.toBuilder().vrid(8).build())).isFalse();
        assertThat(VirtualRouter.takesInPlace(c, c.toBuilder().advertInterval(Duration.ofSeconds(2)).build())).isFalse();
        assertThat(VirtualRouter.takesInPlace(c, c.toBuilder().preempt(false).build())).isFalse();

        VirtualRouter r = master(c);
        assertThat(r.step(new Input.Reconfigured(c.toBuilder().vrid(8).build()), 4_000 * MS))
                .as("a change that needs a restart is ignored, never half-applied").isEmpty();
        assertThat(r.config()).isEqualTo(c);
    }
}
