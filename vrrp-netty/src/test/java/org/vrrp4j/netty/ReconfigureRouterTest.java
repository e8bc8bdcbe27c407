package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.AddressScope;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.DecodeResult;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpCodec;

/**
 * A VIP added to and removed from a running master by reload ({@link VrrpNode#reconfigureRouter}): the host
 * gains and loses exactly that address, the router stays master, no priority 0 goes out, and the adverts carry
 * the new list. A backup changes nothing on the host. No root.
 */
@Timeout(10)
class ReconfigureRouterTest {
    private static final String VIP = "198.18.1.100";
    private static final String SECOND = "198.18.1.101";
    private final Harness h = new Harness();

    private static VirtualRouterConfig withSecond(VirtualRouterConfig c) {
        return c.toBuilder().addVirtualAddress(InetAddress.ofLiteral(SECOND)).build();
    }

    @Test
    void aMasterGainsAndLosesTheAddressWithoutResigning() throws Exception {
        VirtualRouterConfig c = Harness.router("VI_1", "eth0", 7, 100, VIP);
        h.start(c);
        h.loop.advance(400 * Harness.MS);
        assertThat(h.state("VI_1")).isEqualTo(State.MASTER);
        FakeHost.Socket socket = h.host.socket("eth0", IpFamily.IPV4);

        assertThat(h.runtime.reconfigure(withSecond(c))).isTrue();
        assertThat(h.host.addresses).containsExactlyInAnyOrder("2 " + VIP + "/32", "2 " + SECOND + "/32");
        int before = socket.sent.size();
        h.loop.advance(100 * Harness.MS);
        FakeHost.Sent next = socket.sent.get(before);
        DecodeResult.Decoded d = (DecodeResult.Decoded) VrrpCodec.decode(next.message(), 0, next.message().length,
                IpFamily.IPV4, next.source().getAddress(), next.destination().getAddress(), 255);
        assertThat(d.packet().addresses()).containsExactly(InetAddress.ofLiteral(VIP), InetAddress.ofLiteral(SECOND));

        assertThat(h.runtime.reconfigure(c)).isTrue();
        assertThat(h.host.addresses).containsExactly("2 " + VIP + "/32");
        assertThat(h.state("VI_1")).isEqualTo(State.MASTER);
        assertThat(h.events).containsExactly("VI_1 BACKUP STARTUP", "VI_1 MASTER MASTER_DOWN_TIMER");
        assertThat(socket.sent).as("no priority 0 was sent").noneMatch(s -> s.message()[2] == 0);
    }

    @Test
    void aBackupTouchesNothingAndAChangeThatNeedsARestartIsRefusedBeforeAnythingChanges() throws Exception {
        VirtualRouterConfig c = Harness.router("VI_1", "eth0", 7, 100, VIP);
        h.start(c);
        assertThat(h.runtime.reconfigure(withSecond(c))).isTrue();
        assertThat(h.host.history).isEmpty();
        assertThat(h.state("VI_1")).isEqualTo(State.BACKUP);

        assertThatThrownBy(() -> h.runtime.reconfigure(c.toBuilder().advertInterval(Duration.ofSeconds(1)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VI_1");
        VirtualRouterConfig unknownDevice = c.toBuilder()
                .addVirtualAddress(new VirtualAddress(InetAddress.ofLiteral(SECOND), 32, Optional.of("nosuch0"), Optional.empty(),
                        AddressScope.GLOBAL))
                .build();
        assertThatThrownBy(() -> h.runtime.reconfigure(unknownDevice)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nosuch0");
        assertThat(h.runtime.router("VI_1").router.config().virtualAddresses()).hasSize(2);
        assertThat(h.runtime.reconfigure(Harness.router("VI_9", "eth0", 9, 100, VIP))).as("no such router").isFalse();
    }
}
