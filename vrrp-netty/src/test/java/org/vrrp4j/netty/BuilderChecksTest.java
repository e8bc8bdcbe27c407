package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.VirtualRouterConfig;

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
}
