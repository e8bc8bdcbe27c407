package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A timer task that fails on the VRRP loop is reported (Netty would keep it in a future nobody reads). */
@Timeout(20)
class NettyLoopTest {

    @Test
    void aFailingTimerTaskIsReportedAndTheLoopGoesOn() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            LinkedBlockingQueue<Throwable> reported = new LinkedBlockingQueue<>();
            NettyLoop loop = new NettyLoop((io.netty.channel.IoEventLoop) group.next(), reported::add);
            loop.schedule(() -> {
                throw new IllegalStateException("a deadline step failed");
            }, 1_000_000L);
            CountDownLatch after = new CountDownLatch(1);
            loop.schedule(after::countDown, 20_000_000L);
            assertThat(after.await(10, TimeUnit.SECONDS)).as("the loop still runs timers").isTrue();
            assertThat(reported.poll(5, TimeUnit.SECONDS)).hasMessage("a deadline step failed");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
