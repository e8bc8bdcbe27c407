package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TimerKind;
import org.vrrp4j.core.packet.DecodeResult;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpCodec;

/**
 * A router on a fake host and a virtual clock: what it sends, which addresses it adds and removes, what it
 * announces, as the core's actions are executed. No root.
 */
@Timeout(10)
class RouterDriverTest {
    private static final String VIP = "198.18.1.100";
    private final Harness h = new Harness(new AnnouncementSchedule.Cadence(2, Duration.ofSeconds(5), Duration.ZERO, 1));

    @Test
    void aBackupTakesOverSendsItsAdvertAddsAndAnnouncesItsAddressThenGivesItBackToAHigherPriority() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, VIP));
        FakeHost.Socket socket = h.host.socket("eth0", IpFamily.IPV4);
        FakeHost.Announcer announcer = h.host.announcers.get("eth0/4");
        assertThat(h.state("VI_1")).isEqualTo(State.BACKUP);
        assertThat(socket.sent).isEmpty();

        h.loop.advance(400 * Harness.MS);
        assertThat(h.state("VI_1")).isEqualTo(State.MASTER);
        FakeHost.Sent first = socket.sent.getFirst();
        assertThat(first.source()).isEqualTo(InetAddress.ofLiteral("198.18.1.1"));
        assertThat(first.destination()).isEqualTo(VrrpCodec.IPV4_GROUP);
        DecodeResult.Decoded d = (DecodeResult.Decoded) VrrpCodec.decode(first.message(), 0, first.message().length,
                IpFamily.IPV4, first.source().getAddress(), first.destination().getAddress(), 255);
        assertThat(d.packet().vrid()).isEqualTo(7);
        assertThat(d.packet().priority()).isEqualTo(100);
        assertThat(d.packet().addresses()).containsExactly(InetAddress.ofLiteral(VIP));
        assertThat(h.host.addresses).containsExactly("2 " + VIP + "/32");
        assertThat(announcer.announced).as("the first burst: garp repeat 2").hasSize(2)
                .allMatch(a -> a.equals(InetAddress.ofLiteral(VIP)));

        int sentAsMaster = socket.sent.size();
        h.loop.advance(1000 * Harness.MS);
        assertThat(socket.sent.size() - sentAsMaster).as("one advert per 100 ms").isBetween(9, 11);

        h.receive("eth0", Harness.advert("198.18.1.2", 7, 200, 255, VIP));
        assertThat(h.state("VI_1")).isEqualTo(State.BACKUP);
        assertThat(h.host.addresses).isEmpty();
        assertThat(h.host.history).containsExactly("add 2 " + VIP + "/32", "remove 2 " + VIP + "/32");
        int sentAsBackup = socket.sent.size();
        for (int i = 0; i < 50; i++) { // the new master keeps talking past the second burst's time
            h.loop.advance(100 * Harness.MS);
            h.receive("eth0", Harness.advert("198.18.1.2", 7, 200, 255, VIP));
        }
        assertThat(h.state("VI_1")).isEqualTo(State.BACKUP);
        assertThat(announcer.announced).as("no second burst once no longer master").hasSize(2);
        assertThat(h.runtime.router("VI_1").timers().isArmed(TimerKind.ADVERT)).isFalse();
        assertThat(socket.sent).as("a backup sends nothing").hasSize(sentAsBackup);
    }

    @Test
    void theSecondBurstComesAfterTheDelayWhileStillMaster() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, VIP));
        h.loop.advance(400 * Harness.MS);
        FakeHost.Announcer announcer = h.host.announcers.get("eth0/4");
        assertThat(announcer.announced).hasSize(2);
        h.loop.advance(4900 * Harness.MS);
        assertThat(announcer.announced).hasSize(2);
        h.loop.advance(200 * Harness.MS);
        assertThat(announcer.announced).hasSize(4);
    }

    @Test
    void aMasterHearingALowerPriorityMasterAnnouncesAgainAndReportsIt() throws Exception {
        Harness lower = new Harness(new AnnouncementSchedule.Cadence(2, Duration.ofSeconds(5), Duration.ZERO, 1, 3,
                Duration.ofSeconds(2)));
        lower.start(Harness.router("VI_1", "eth0", 7, 150, VIP));
        lower.loop.advance(400 * Harness.MS);
        FakeHost.Announcer announcer = lower.host.announcers.get("eth0/4");
        assertThat(announcer.announced).hasSize(2);
        lower.receive("eth0", Harness.advert("198.18.1.2", 7, 100, 255, VIP)); // the other master of a split brain
        assertThat(lower.state("VI_1")).isEqualTo(State.MASTER);
        assertThat(announcer.announced).as("garp_lower_prio_repeat 3 at once").hasSize(5)
                .allMatch(a -> a.equals(InetAddress.ofLiteral(VIP)));
        lower.loop.advance(2100 * Harness.MS);
        assertThat(announcer.announced).as("and 3 more after garp_lower_prio_delay").hasSize(8);
        assertThat(lower.runtime.router("VI_1").status().counters().lowerPriorityMasters()).isEqualTo(1);
    }

    @Test
    void aNonOwnerWithoutAcceptModeGetsItsFilterTableAndAnOwnerOrAnAcceptingRouterNone() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, VIP),
                Harness.router("VI_O", "eth1", 8, 255, "198.18.2.100"));
        h.runtime.attach(java.util.List.of(org.vrrp4j.core.config.VirtualRouterConfig.builder().name("VI_A")
                .interfaceName("eth1").vrid(9).acceptMode(true)
                .addVirtualAddress(InetAddress.ofLiteral("198.18.2.101")).build()), java.util.Map.of());
        assertThat(h.host.nftScripts).hasSize(1);
        String script = h.host.nftScripts.getFirst();
        assertThat(script).startsWith("table inet vrrp4j-eth0-4-7 {}\ndelete table inet vrrp4j-eth0-4-7\n")
                .contains("elements = { 198.18.1.100 }").contains("hook input priority -1").contains("ip daddr @vips drop")
                .doesNotContain("198.18.2.10");
        assertThat(h.runtime.remove("VI_1")).isTrue();
        // deleted off the loop (a removal does not wait for nft): bounded wait for the worker
        for (long end = System.nanoTime() + 5_000_000_000L; h.host.nftScripts.size() < 2 && System.nanoTime() < end; ) {
            Thread.sleep(5);
        }
        assertThat(h.host.nftScripts).hasSize(2);
        assertThat(h.host.nftScripts.get(1)).isEqualTo("add table inet vrrp4j-eth0-4-7\ndelete table inet vrrp4j-eth0-4-7\n");
    }

    @Test
    void aGracefulStopSendsPriorityZeroAndRemovesOnlyWhatTheNodeAdded() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, VIP));
        h.loop.advance(400 * Harness.MS);
        FakeHost.Socket socket = h.host.socket("eth0", IpFamily.IPV4);
        h.runtime.stop(true);
        FakeHost.Sent last = socket.sent.getLast();
        DecodeResult.Decoded d = (DecodeResult.Decoded) VrrpCodec.decode(last.message(), 0, last.message().length,
                IpFamily.IPV4, last.source().getAddress(), last.destination().getAddress(), 255);
        assertThat(d.packet().priority()).isZero();
        assertThat(h.host.addresses).isEmpty();
        assertThat(socket.closed).isTrue();
        assertThat(h.host.closed).isTrue();
        assertThat(h.events).endsWith("VI_1 INITIALIZE SHUTDOWN");
        assertThat(h.loop.pending()).as("no timer or announcement left behind").isZero();
    }

    @Test
    void aVirtualAddressLeftOnTheInterfaceIsRemovedWhenTheRouterStartsAsBackup() throws Exception {
        h.host.addresses.add("2 " + VIP + "/32"); // left by a kill -9 of the last run
        h.host.addresses.add("2 198.18.1.1/24");  // the interface's own address: not a VIP, never touched
        h.start(Harness.router("VI_1", "eth0", 7, 100, VIP));
        assertThat(h.state("VI_1")).isEqualTo(State.BACKUP);
        assertThat(h.host.addresses).containsExactly("2 198.18.1.1/24");
        assertThat(h.host.history).containsExactly("remove 2 " + VIP + "/32");
        // as master it adds it again, and removes it on stop
        h.loop.advance(400 * Harness.MS);
        assertThat(h.host.addresses).contains("2 " + VIP + "/32");
        h.runtime.stop(true);
        assertThat(h.host.addresses).containsExactly("2 198.18.1.1/24");
    }

    @Test
    void anAddressOwnersAddressIsNeverRemoved() throws Exception {
        h.host.addresses.add("2 " + VIP + "/32"); // priority 255: the VIP is the interface's own address
        h.start(Harness.router("VI_1", "eth0", 7, 255, VIP));
        h.receive("eth0", Harness.advert("198.18.1.2", 7, 255, 255, VIP)); // whatever happens, it stays
        h.runtime.stop(true);
        assertThat(h.host.addresses).containsExactly("2 " + VIP + "/32");
        assertThat(h.host.history).noneMatch(e -> e.startsWith("remove"));
    }

    @Test
    void trackerAndPriorityIntentsReachTheRouter() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, VIP));
        assertThat(h.runtime.input("VI_1", new Input.PriorityChanged(180))).isTrue();
        assertThat(h.runtime.router("VI_1").status().effectivePriority()).isEqualTo(180);
        assertThat(h.runtime.input("nope", new Input.PriorityChanged(180))).isFalse();
    }

    @Test
    void removingTheLastRouterOfAnInterfaceClosesItsSocket() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, VIP), Harness.router("VI_2", "eth0", 8, 100, "198.18.1.101"));
        FakeHost.Socket socket = h.host.socket("eth0", IpFamily.IPV4);
        assertThat(h.runtime.remove("VI_1")).isTrue();
        assertThat(socket.closed).isFalse();
        assertThat(h.loop.registered(socket.fd)).isTrue();
        assertThat(h.runtime.remove("VI_2")).isTrue();
        assertThat(socket.closed).isTrue();
        assertThat(h.loop.registered(socket.fd)).isFalse();
        assertThat(h.runtime.remove("VI_2")).isFalse();
    }

    @Test
    void aFailedAddUndoesEverythingItMade() throws Exception {
        h.start(Harness.router("VI_1", "eth0", 7, 100, VIP));
        var ok = Harness.router("VI_2", "eth1", 8, 100, "198.18.2.100");
        var bad = Harness.router("VI_3", "nosuch0", 9, 100, "198.18.2.101");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.runtime.attach(java.util.List.of(ok, bad),
                java.util.Map.of())).hasMessageContaining("nosuch0");
        assertThat(h.host.socket("eth1", IpFamily.IPV4).closed).as("eth1's new socket closed again").isTrue();
        assertThat(h.runtime.router("VI_2")).isNull();
        assertThat(h.runtime.status()).extracting(RouterStatus::name).containsExactly("VI_1");
        h.runtime.start(h.runtime.attach(java.util.List.of(ok), java.util.Map.of())); // and it can be added afterwards
        assertThat(h.runtime.status()).extracting(RouterStatus::name).containsExactly("VI_1", "VI_2");
    }
}
