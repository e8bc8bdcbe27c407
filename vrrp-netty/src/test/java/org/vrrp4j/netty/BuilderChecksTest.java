package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.netty.shared.SharedEventLoop;

/** A builder's mistakes fail before anything is opened, with what is wrong. No root. */
@Timeout(10)
class BuilderChecksTest {
    private static VirtualRouterConfig router(String name, int vrid) {
        return VirtualRouterConfig.builder().name(name).interfaceName("eth0").vrid(vrid)
                .addVirtualAddress(InetAddress.ofLiteral("198.18.1." + vrid)).build();
    }

    @Test
    void aSyncGroupNamesRoutersOfTheNodeEachInOneGroup() {
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(router("VI_1", 1)).syncGroup("G", List.of("VI_1", "VI_9"))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessage("syncGroup G: no router named VI_9");
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(router("VI_1", 1)).addRouter(router("VI_2", 2))
                .syncGroup("G", List.of("VI_1")).syncGroup("H", List.of("VI_2", "VI_1")).build())
                .hasMessage("syncGroup H: VI_1 is a member of G already");
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(router("VI_1", 1)).syncGroup("G", List.of("VI_1", "VI_1"))
                .build()).hasMessage("syncGroup G: VI_1 is named twice");
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(router("VI_1", 1)).syncGroup("G", List.of()).build())
                .hasMessage("syncGroup G: needs at least one router");
        assertThatThrownBy(() -> VrrpNode.builder().syncGroup("G", List.of("VI_1")).syncGroup("G", List.of("VI_1")))
                .hasMessage("syncGroup: G is declared already");
    }

    @Test
    void twoVirtualMacsCannotNameOneInterface() {
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(router("VI_1", 1)).addRouter(router("VI_2", 2))
                .virtualMac("VI_1", "vm0").virtualMac("VI_2", "vm0").build())
                .hasMessageContaining("two routers name the same interface");
    }

    @Test
    void aSharedLoopGroupMustBeEpollAndExcludesAThreadFactory() {
        IoEventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        IoEventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            assertThatThrownBy(() -> SharedEventLoop.builderOn(nio)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not epoll loops").hasMessageContaining("EpollIoHandler.newFactory()");
            assertThatThrownBy(() -> SharedEventLoop.builderOn(epoll).addRouter(router("VI_1", 1))
                    .threadFactory(Thread.ofPlatform().factory()).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threadFactory")
                    .hasMessageContaining("shared event loop group");
            assertThatThrownBy(() -> VrrpNode.builder().threadFactory(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("threadFactory");
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
