package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.vrrp4j.core.config.VirtualRouterConfig;

/** Mistakes an operator can make get errors that say what and how to fix it (no root needed). */
class NodeErrorsTest {

    @Test
    void anUnknownInterfaceIsNamed() {
        VirtualRouterConfig cfg = VirtualRouterConfig.builder().interfaceName("nosuch0").vrid(1)
                .addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(cfg).build()).isInstanceOf(IOException.class)
                .hasMessageContaining("nosuch0").hasMessageContaining("no such interface");
    }

    @Test
    void aRouterNeedsAnInterfaceAndIpv6IsRefusedClearlyForNow() {
        VirtualRouterConfig noIface = VirtualRouterConfig.builder().vrid(1)
                .addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(noIface).build())
                .hasMessageContaining("interfaceName is required");
        VirtualRouterConfig v6 = VirtualRouterConfig.builder().interfaceName("lo").vrid(1)
                .addVirtualAddress(InetAddress.ofLiteral("fe80::1")).build();
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(v6).build()).hasMessageContaining("IPv6");
        assertThatThrownBy(() -> VrrpNode.builder().build()).hasMessageContaining("at least one router");
    }
}
