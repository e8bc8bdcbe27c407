package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node's timers on a real epoll loop and timerfd: never before their deadline, in deadline order,
 * re-armed and cancelled in place, a failing task reported without stopping the others.
 */
@Timeout(30)
class ExactTimersTest {
    private static final long MS = 1_000_000L;
    private MultiThreadIoEventLoopGroup group;
    private NettyLoop loop;
    private final LinkedBlockingQueue<Throwable> reported = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = new NettyLoop((IoEventLoop) group.next(), reported::add);
    }

    @AfterEach
    void stop() throws Exception {
        loop.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.call(task, 10);
    }

    @Test
    void manyTimersFireInDeadlineOrderAndNeverEarly() throws Exception {
        int n = 300;
        long[] firedAt = new long[n];
        long[] deadlines = new long[n];
        List<Integer> order = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(n);
        Random random = new Random(42);
        onLoop(() -> {
            long base = loop.nanoTime() + 20 * MS;
            for (int i = 0; i < n; i++) {
                int id = i;
                deadlines[i] = base + random.nextInt(200) * MS / 4; // within 50 ms, many close together
                EventLoopPort.Timer t = loop.timer(() -> {
                    firedAt[id] = System.nanoTime();
                    order.add(id);
                    all.countDown();
                }, id % 2 == 0); // half wake the loop early: that wake-up must not run them
                t.arm(deadlines[i]);
            }
            return null;
        });
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < n; i++) {
            assertThat(firedAt[i]).as("timer %d not before its deadline", i).isGreaterThanOrEqualTo(deadlines[i]);
        }
        List<Integer> byDeadline = onLoop(() -> new ArrayList<>(order));
        for (int i = 1; i < byDeadline.size(); i++) {
            assertThat(deadlines[byDeadline.get(i)]).isGreaterThanOrEqualTo(deadlines[byDeadline.get(i - 1)]);
        }
    }

    @Test
    void reArmingMovesATimerAndCancellingStopsIt() throws Exception {
        LinkedBlockingQueue<String> fired = new LinkedBlockingQueue<>();
        long[] armedAt = new long[1];
        onLoop(() -> {
            EventLoopPort.Timer a = loop.timer(() -> fired.add("a@" + loop.nanoTime()));
            EventLoopPort.Timer b = loop.timer(() -> fired.add("b"));
            EventLoopPort.Timer c = loop.timer(() -> fired.add("c"));
            long now = loop.nanoTime();
            a.arm(now + 10 * MS);
            b.arm(now + 20 * MS);
            c.arm(now + 5 * MS);
            a.arm(now + 60 * MS); // later: the kernel timer armed for 5 ms wakes once for c, then for b
            armedAt[0] = now + 60 * MS;
            c.cancel();
            assertThat(c.armed()).isFalse();
            assertThat(a.armed()).isTrue();
            return null;
        });
        assertThat(fired.poll(5, TimeUnit.SECONDS)).isEqualTo("b");
        String a = fired.poll(5, TimeUnit.SECONDS);
        assertThat(a).startsWith("a@");
        assertThat(Long.parseLong(a.substring(2))).isGreaterThanOrEqualTo(armedAt[0]);
        assertThat(fired.poll(100, TimeUnit.MILLISECONDS)).as("c was cancelled").isNull();
    }

    @Test
    void aFailingTaskIsReportedAndTheOthersRun() throws Exception {
        CountDownLatch after = new CountDownLatch(1);
        onLoop(() -> {
            long now = loop.nanoTime();
            loop.timer(() -> {
                throw new IllegalStateException("a router timer failed");
            }).arm(now + MS);
            loop.timer(after::countDown).arm(now + MS);
            return null;
        });
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(reported.poll(5, TimeUnit.SECONDS)).hasMessage("a router timer failed");
    }

    @Test
    void aTimerArmedFromItsOwnTaskRunsAgain() throws Exception {
        CountDownLatch three = new CountDownLatch(3);
        onLoop(() -> {
            EventLoopPort.Timer[] t = new EventLoopPort.Timer[1];
            t[0] = loop.timer(() -> {
                three.countDown();
                if (three.getCount() > 0) {
                    t[0].arm(loop.nanoTime() + 2 * MS); // as an advert timer re-arms itself
                }
            });
            t[0].arm(loop.nanoTime() + 2 * MS);
            return null;
        });
        assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
