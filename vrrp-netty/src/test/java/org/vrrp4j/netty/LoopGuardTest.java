package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;
import org.vrrp4j.netty.shared.SharedEventLoop;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Listeners run off the node's loop, so they may call the node; a blocking call made on the loop itself
 * fails at once instead of waiting for the thread it blocks. Needs root (a namespace).
 */
@Timeout(30)
class LoopGuardTest {
    private NetnsLab lab;
    private String a;
    private IoEventLoopGroup group;
    private VrrpNode node;

    @BeforeEach
    void lab() throws Exception {
        lab = NetnsLab.create("vt");
        a = lab.add("a");
        String b = lab.add("b");
        lab.link(a, "198.18.1.1/24", b, "198.18.1.2/24");
    }

    @AfterEach
    void cleanup() {
        if (node != null) {
            node.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        lab.close();
    }

    private static VirtualRouterConfig router() {
        return VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(7).priority(100)
                .advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
    }

    @Test
    void aListenerRunsOffTheLoopAndMayAskTheNodeForItsStatus() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        node = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(router()).gratuitousArp(1, Duration.ZERO)
                .listener(new NodeListener() {
                    @Override
                    public void stateChanged(String router, State from, State to, TransitionReason reason) {
                        if (to == State.MASTER) {
                            try {
                                seen.complete(Thread.currentThread().getName() + " " + node.status().getFirst().state());
                            } catch (RuntimeException e) {
                                seen.completeExceptionally(e);
                            }
                        }
                    }
                }).build());
        assertThat(seen.get(5, TimeUnit.SECONDS)).startsWith("vrrp4j-listeners-").endsWith(" MASTER");
    }

    @Test
    void statusAndCloseOnTheLoopFailAtOnceWithAClearError() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        node = NetnsLab.inside(a, () -> SharedEventLoop.builderOn(group).addRouter(router()).build());
        for (String call : List.of("status", "close", "removeRouter")) {
            long t0 = System.nanoTime();
            Throwable failure = group.next().submit(() -> {
                try {
                    switch (call) {
                        case "status" -> node.status();
                        case "close" -> node.close();
                        default -> node.removeRouter("VI_1");
                    }
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            }).get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as(call + " failed at once").isLessThan(Duration.ofSeconds(1));
            assertThat(failure).as(call).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(call + "()").hasMessageContaining("event loop thread");
        }
        assertThat(node.status()).extracting(RouterStatus::name).as("the node still runs").containsExactly("VI_1");
        assertThatThrownBy(() -> group.next().submit(() -> node.interfaceDrops()).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
        node.close();
        node = null;
        assertThat(group.isShuttingDown()).as("the application's group outlives the node").isFalse();
        assertThat(group.next().submit(() -> "still running").get(5, TimeUnit.SECONDS)).isEqualTo("still running");
    }

    @Test
    void theNodesLoopThreadComesFromTheApplicationsThreadFactoryAndStopsWithTheNode() throws Exception {
        AtomicReference<Thread> made = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        ThreadFactory factory = r -> {
            calls.incrementAndGet();
            Thread t = new Thread(r, "app-vrrp-loop");
            t.setDaemon(true);
            made.set(t);
            return t;
        };
        CompletableFuture<Thread> masterOn = new CompletableFuture<>();
        node = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(router()).gratuitousArp(1, Duration.ZERO)
                .threadFactory(factory)
                .listenerExecutor(Runnable::run) // listeners then run on the loop thread itself
                .listener(new NodeListener() {
                    @Override
                    public void stateChanged(String router, State from, State to, TransitionReason reason) {
                        if (to == State.MASTER) {
                            masterOn.complete(Thread.currentThread());
                        }
                    }
                }).build());
        Thread loop = masterOn.get(5, TimeUnit.SECONDS);
        assertThat(calls).as("one loop thread per node").hasValue(1);
        assertThat(loop).isSameAs(made.get());
        assertThat(loop.getName()).isEqualTo("app-vrrp-loop");
        node.close();
        node = null;
        loop.join(5_000);
        assertThat(loop.isAlive()).as("the node stops the thread it made").isFalse();
    }
}
