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
    void aRouterNeedsAnInterfaceAndAnIpv6RouterALinkLocalToSendFrom() {
        VirtualRouterConfig noIface = VirtualRouterConfig.builder().vrid(1)
                .addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(noIface).build())
                .hasMessageContaining("interfaceName is required");
        VirtualRouterConfig v6 = VirtualRouterConfig.builder().interfaceName("lo").vrid(1)
                .addVirtualAddress(InetAddress.ofLiteral("fe80::1")).build();
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(v6).build()) // lo has ::1 only
                .hasMessageContaining("interface lo has no IPv6 link-local address");
        assertThatThrownBy(() -> VrrpNode.builder().build()).hasMessageContaining("at least one router");
    }

    @Test
    void aVirtualMacNamesAKnownRouterAndAnInterfaceNameLinuxAccepts() {
        VirtualRouterConfig cfg = VirtualRouterConfig.builder().name("VI_1").interfaceName("lo").vrid(1)
                .addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
        assertThatThrownBy(() -> VrrpNode.builder().addRouter(cfg).virtualMac("VI_2").build())
                .hasMessageContaining("virtualMac: no router named VI_2");
        assertThatThrownBy(() -> VrrpNode.builder().virtualMac("VI_1", "a-name-that-is-too-long"))
                .hasMessageContaining("1 to 15 characters");
        assertThatThrownBy(() -> VrrpNode.builder().virtualMac("VI_1", "vrrp/1")).hasMessageContaining("'vrrp/1'");
    }
}
