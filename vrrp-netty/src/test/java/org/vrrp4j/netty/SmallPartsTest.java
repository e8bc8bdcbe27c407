package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;
import org.vrrp4j.core.packet.IpFamily;

/** The node's smaller parts: mismatch rate limit, warm-up, listener dispatch, link watcher. No root. */
@Timeout(10)
class SmallPartsTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aMismatchIsLoggedOncePerMinutePerRouterAndSource() {
        MismatchLog log = new MismatchLog(60 * S);
        InetAddress a = InetAddress.ofLiteral("198.18.1.2");
        InetAddress b = InetAddress.ofLiteral("198.18.1.3");
        assertThat(log.report("VI_1", "interval 200 cs, ours 100 cs", a, 0)).isTrue();
        assertThat(log.report("VI_1", "interval 200 cs, ours 100 cs", a, 10 * S)).isFalse();
        assertThat(log.report("VI_1", "interval 200 cs, ours 100 cs", b, 10 * S)).as("another source").isTrue();
        assertThat(log.report("VI_2", "interval 200 cs, ours 100 cs", a, 10 * S)).as("another router").isTrue();
        assertThat(log.report("VI_1", "interval 200 cs, ours 100 cs", a, 60 * S)).isTrue();
        log.forget("VI_1");
        assertThat(log.report("VI_1", "x", a, 61 * S)).isTrue();
    }

    @Test
    void theWarmUpRehearsesTheFirstInterfaceFullyTheNextOnceAndCanBeSwitchedOff() throws Exception {
        Harness h = new Harness();
        h.start(Harness.router("VI_1", "eth0", 7, 100, "198.18.1.100"));
        WarmUp on = new WarmUp(true);
        InterfaceChannel c = h.runtime.channel("eth0", IpFamily.IPV4);
        int rounds = on.rehearse(c, h.runtime.router("VI_1").router.config());
        assertThat(rounds).as("all, unless the time budget ran out").isBetween(1, WarmUp.FULL_ROUNDS);
        assertThat(h.host.socket("eth0", IpFamily.IPV4).warmUps).as("each round rehearsed a send").isEqualTo(rounds);
        assertThat(on.rehearse(c, h.runtime.router("VI_1").router.config())).isEqualTo(1);
        assertThat(h.host.socket("eth0", IpFamily.IPV4).sent).as("a rehearsal sends nothing").isEmpty();
        assertThat(new WarmUp(false).rehearse(c, h.runtime.router("VI_1").router.config())).isZero();
    }

    @Test
    void listenersRunOffTheCallingThreadInEventOrderAndAFailingOneDoesNotStopTheOthers() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(100);
        NodeListener failing = new NodeListener() {
            @Override
            public void stateChanged(String router, State from, State to, TransitionReason reason) {
                throw new IllegalStateException("listener bug");
            }
        };
        NodeListener recording = new NodeListener() {
            @Override
            public void stateChanged(String router, State from, State to, TransitionReason reason) {
                seen.add(router);
                threads.add(Thread.currentThread());
                done.countDown();
            }
        };
        ListenerDispatch d = new ListenerDispatch(List.of(failing, recording), null);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String r = "VI_" + i;
            expected.add(r);
            d.dispatch(l -> l.stateChanged(r, State.BACKUP, State.MASTER, TransitionReason.MASTER_DOWN_TIMER));
        }
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(threads).doesNotContain(Thread.currentThread()).allMatch(t -> t.getName().startsWith("vrrp4j-listeners-"));
        d.close();
        d.dispatch(l -> l.stateChanged("late", State.MASTER, State.INITIALIZE, TransitionReason.SHUTDOWN)); // dropped, no throw
        assertThat(seen).doesNotContain("late");
    }

    @Test
    void aLinkEventForAnotherInterfaceOrNoChangeStepsNobody() throws Exception {
        Harness h = new Harness();
        h.start(Harness.router("VI_1", "eth0", 7, 100, "198.18.1.100"));
        h.events.clear();
        h.runtime.links().linkChanged(99, false);
        h.runtime.links().linkChanged(h.host.interfaces.get("eth0").ifindex, true); // up already
        assertThat(h.events).isEmpty();
        h.host.interfaces.get("eth0").ipv4 = InetAddress.ofLiteral("198.18.1.9");
        h.runtime.links().addressesChanged(h.host.interfaces.get("eth0").ifindex);
        h.loop.advance(400 * Harness.MS);
        assertThat(h.host.socket("eth0", IpFamily.IPV4).sent.getFirst().source())
                .as("adverts leave from the new primary").isEqualTo(InetAddress.ofLiteral("198.18.1.9"));
    }
}
