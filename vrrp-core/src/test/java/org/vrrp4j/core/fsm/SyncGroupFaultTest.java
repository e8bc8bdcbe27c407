package org.vrrp4j.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.core.config.VirtualRouterConfig;

/** A sync group stays in FAULT while any member has a fault of its own (keepalived counts faulty members). */
class SyncGroupFaultTest {
    private static final InetAddress PRIMARY = InetAddress.ofLiteral("198.18.0.1");
    private static final long S = 1_000_000_000L;
    private VirtualRouter a;
    private VirtualRouter b;
    private SyncGroup group;

    @BeforeEach
    void startBoth() {
        a = router("a", 1, "198.18.1.100");
        b = router("b", 2, "198.18.1.200");
        group = new SyncGroup("g", List.of(a, b));
        group.step("a", new Input.Start(PRIMARY), 0);
        group.step("b", new Input.Start(PRIMARY), 0);
        group.step("a", new Input.LinkChanged(false), S); // a FAULT, b FAULT through the group
    }

    @Test
    void overlappingMemberFaultsKeepTheWholeGroupInFaultUntilTheLastClears() {
        group.step("b", new Input.LinkChanged(false), 2 * S); // b's own link fails too
        List<SyncGroup.MemberAction> cleared = group.step("a", new Input.LinkChanged(true), 3 * S);

        assertThat(cleared).as("a stays in FAULT while b's link is down").isEmpty();
        assertThat(a.state()).isEqualTo(State.FAULT);
        assertThat(a.timerDeadline(TimerKind.MASTER_DOWN)).as("no Master_Down timer could make a MASTER").isEmpty();

        group.step("b", new Input.LinkChanged(true), 4 * S);
        assertThat(List.of(a.state(), b.state())).containsExactly(State.BACKUP, State.BACKUP);
    }

    @Test
    void aMemberStartedAfterTheGroupFaultClearedStartsAsBackup() {
        group.step("b", new Input.Shutdown(), 2 * S);
        group.step("a", new Input.LinkChanged(true), 3 * S);
        group.step("b", new Input.Start(PRIMARY), 4 * S);
        assertThat(List.of(a.state(), b.state())).containsExactly(State.BACKUP, State.BACKUP);
    }

    @Test
    void aMemberStartedWhileAnotherIsFaultyJoinsTheGroupFault() {
        group.step("b", new Input.Shutdown(), 2 * S);
        group.step("b", new Input.Start(PRIMARY), 3 * S);
        assertThat(List.of(a.state(), b.state())).containsExactly(State.FAULT, State.FAULT);
        group.step("a", new Input.LinkChanged(true), 4 * S);
        assertThat(List.of(a.state(), b.state())).containsExactly(State.BACKUP, State.BACKUP);
    }

    private static VirtualRouter router(String name, int vrid, String address) {
        return new VirtualRouter(VirtualRouterConfig.builder().name(name).vrid(vrid).priority(100)
                .advertInterval(Duration.ofSeconds(1)).addVirtualAddress(InetAddress.ofLiteral(address)).build());
    }
}
