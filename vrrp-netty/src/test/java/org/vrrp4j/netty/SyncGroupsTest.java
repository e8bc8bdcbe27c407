package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.fsm.State;

/**
 * Sync groups through the seams: two routers on two interfaces, link events as rtnetlink would bring them,
 * the core's SyncGroup run on the loop. No root (the namespace version is SyncGroupNodeTest).
 */
@Timeout(10)
class SyncGroupsTest {
    private final Harness h = new Harness();
    private int eth0;
    private int eth1;

    @BeforeEach
    void twoMastersInOneGroup() throws Exception {
        h.runtime.attach(List.of(Harness.router("VI_1", "eth0", 1, 100, "198.18.1.100"),
                Harness.router("VI_2", "eth1", 2, 100, "198.18.2.100")), java.util.Map.of());
        h.runtime.declareSyncGroup("G", List.of("VI_1", "VI_2"));
        h.runtime.start(List.of(h.runtime.router("VI_1"), h.runtime.router("VI_2")));
        h.loop.advance(400 * Harness.MS);
        assertThat(List.of(h.state("VI_1"), h.state("VI_2"))).containsOnly(State.MASTER);
        eth0 = h.host.interfaces.get("eth0").ifindex;
        eth1 = h.host.interfaces.get("eth1").ifindex;
        h.events.clear();
    }

    @Test
    void overlappingMemberFaultsKeepTheWholeGroupInFaultUntilTheLastClears() {
        h.runtime.links().linkChanged(eth0, false);
        assertThat(h.events).containsExactly("VI_1 FAULT LINK_DOWN", "VI_2 FAULT SYNC_GROUP", "group G FAULT VI_1");
        assertThat(h.host.addresses).as("both gave their addresses up").isEmpty();
        h.runtime.links().linkChanged(eth1, false);
        h.runtime.links().linkChanged(eth0, true); // VI_1's own fault clears; VI_2's has not
        h.loop.advance(2_000 * Harness.MS);
        assertThat(List.of(h.state("VI_1"), h.state("VI_2"))).containsOnly(State.FAULT);
        assertThat(h.host.addresses).isEmpty();
        assertThat(h.events).as("one report per group state").containsOnlyOnce("group G FAULT VI_1")
                .noneMatch(e -> e.startsWith("group G FAULT VI_2"));
        h.runtime.links().linkChanged(eth1, true);
        assertThat(List.of(h.state("VI_1"), h.state("VI_2"))).containsOnly(State.BACKUP);
        assertThat(h.events).endsWith("group G BACKUP VI_2");
        h.loop.advance(400 * Harness.MS);
        assertThat(List.of(h.state("VI_1"), h.state("VI_2"))).containsOnly(State.MASTER);
        assertThat(h.events).endsWith("group G MASTER VI_1");
        assertThat(h.host.addresses).hasSize(2);
    }

    @Test
    void aMemberThatLosesToAHigherPriorityTakesTheOtherToBackup() {
        h.receive("eth0", Harness.advert("198.18.1.2", 1, 200, 255, "198.18.1.100"));
        assertThat(h.events).containsExactly("VI_1 BACKUP HIGHER_PRIORITY_ADVERT", "VI_2 BACKUP SYNC_GROUP",
                "group G BACKUP VI_1");
        assertThat(h.host.addresses).isEmpty();
    }

    @Test
    void aRemovedMemberLeavesTheGroupAndOneAddedUnderItsNameJoinsAgain() throws Exception {
        assertThat(h.runtime.remove("VI_2")).isTrue();
        h.runtime.links().linkChanged(eth0, false);
        assertThat(h.events).containsExactly("VI_2 INITIALIZE SHUTDOWN", "VI_1 FAULT LINK_DOWN", "group G FAULT VI_1");
        h.runtime.start(h.runtime.attach(List.of(Harness.router("VI_2", "eth1", 2, 100, "198.18.2.100")),
                java.util.Map.of()));
        assertThat(h.state("VI_2")).as("it joins the group's fault").isEqualTo(State.FAULT);
        h.runtime.links().linkChanged(eth0, true);
        assertThat(List.of(h.state("VI_1"), h.state("VI_2"))).containsOnly(State.BACKUP);
    }

    @Test
    void aRouterBelongsToOneGroupAndAGroupNamesRoutersOfTheNode() {
        assertThatThrownBy(() -> h.runtime.declareSyncGroup("H", List.of("VI_1"))).hasMessageContaining("VI_1 is a member of G");
        assertThatThrownBy(() -> h.runtime.declareSyncGroup("H", List.of("VI_9"))).hasMessageContaining("no router named VI_9");
        assertThatThrownBy(() -> h.runtime.declareSyncGroup("G", List.of("VI_1"))).hasMessageContaining("exists already");
        assertThat(h.runtime.removeSyncGroup("G")).isTrue();
        h.runtime.links().linkChanged(eth0, false);
        assertThat(h.events).containsExactly("VI_1 FAULT LINK_DOWN");
        assertThat(h.state("VI_2")).isEqualTo(State.MASTER);
    }
}
