package org.vrrp4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;

/** Every validation rule names its field and rule. */
class VirtualRouterConfigTest {
    private static final InetAddress VIP = InetAddress.ofLiteral("198.18.1.100");

    private static VirtualRouterConfig.Builder valid() {
        return VirtualRouterConfig.builder().vrid(1).addVirtualAddress(VIP);
    }

    private static void rejects(Consumer<VirtualRouterConfig.Builder> change, String field, String ruleFragment) {
        VirtualRouterConfig.Builder b = valid();
        change.accept(b);
        assertThatThrownBy(b::build).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).startsWith(field + ": ").contains(ruleFragment);
        });
    }

    @Test
    void defaultsAreRfc9568s() {
        VirtualRouterConfig c = valid().build();
        assertThat(c.version()).isEqualTo(VrrpVersion.V3);
        assertThat(c.priority()).isEqualTo(100);
        assertThat(c.advertIntervalCentis()).isEqualTo(100);
        assertThat(c.preempt()).isTrue();
        assertThat(c.acceptMode()).isFalse();
        assertThat(c.advertOnLowerPriority()).isTrue();
        assertThat(c.name()).isEqualTo("VR_1");
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 256, -1})
    void vridMustBe1To255(int vrid) {
        rejects(b -> b.vrid(vrid), "vrid", "1..255");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 256})
    void priorityMustBe1To255(int prio) {
        rejects(b -> b.priority(prio), "priority", "1..255 (255 = address owner), got " + prio);
    }

    @Test
    void v3IntervalIsWholeCentisecondsUpTo4095() {
        rejects(b -> b.advertInterval(Duration.ofMillis(5)), "advertInterval", "1..4095 cs");
        rejects(b -> b.advertInterval(Duration.ofMillis(40_960)), "advertInterval", "1..4095 cs");
        rejects(b -> b.advertInterval(Duration.ofMillis(15)), "advertInterval", "multiple of 10 ms");
        assertThat(valid().advertInterval(Duration.ofMillis(10)).build().advertIntervalCentis()).isEqualTo(1);
        assertThat(valid().advertInterval(Duration.ofMillis(40_950)).build().advertIntervalCentis()).isEqualTo(4095);
    }

    @Test
    void v2IntervalIsWholeSeconds1To255() {
        rejects(b -> b.version(VrrpVersion.V2).advertInterval(Duration.ofMillis(500)), "advertInterval", "whole seconds 1..255");
        rejects(b -> b.version(VrrpVersion.V2).advertInterval(Duration.ofSeconds(256)), "advertInterval", "whole seconds 1..255");
        assertThat(valid().version(VrrpVersion.V2).advertInterval(Duration.ofSeconds(2)).build().advertIntervalCentis())
                .isEqualTo(200);
    }

    @Test
    void oneAddressFamilyPerRouter() {
        rejects(b -> b.addVirtualAddress(InetAddress.ofLiteral("2001:db8::1")), "virtualAddresses", "one address family");
    }

    @Test
    void ipv6RoutersListALinkLocalAddressFirst() {
        assertThatThrownBy(() -> VirtualRouterConfig.builder().vrid(1)
                .addVirtualAddress(InetAddress.ofLiteral("2001:db8::1")).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("link-local address first");
        assertThat(VirtualRouterConfig.builder().vrid(1).addVirtualAddress(InetAddress.ofLiteral("fe80::1"))
                .addVirtualAddress(InetAddress.ofLiteral("2001:db8::1")).build().family().name()).isEqualTo("IPV6");
    }

    @Test
    void v2IsIpv4OnlyAndAuthIsV2Only() {
        assertThatThrownBy(() -> VirtualRouterConfig.builder().vrid(1).version(VrrpVersion.V2)
                .addVirtualAddress(InetAddress.ofLiteral("fe80::1")).build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("version: ");
        rejects(b -> b.authKey(VrrpAuthKey.ofPassword("x")), "authKey", "VRRPv2 only");
    }

    @Test
    void atLeastOneAddressAndNoDuplicates() {
        assertThatThrownBy(() -> VirtualRouterConfig.builder().vrid(1).build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("virtualAddresses: ");
        rejects(b -> b.addVirtualAddress(VIP), "virtualAddresses", "duplicate");
    }

    @Test
    void peersAndSourceMatchTheFamilyAndTrackersAreUnique() {
        rejects(b -> b.addUnicastPeer(InetAddress.ofLiteral("2001:db8::2")), "unicastPeers", "is not IPV4");
        rejects(b -> b.unicastSource(InetAddress.ofLiteral("2001:db8::2")), "unicastSource", "is not IPV4");
        rejects(b -> b.addTracker(new TrackerConfig("a", 1)).addTracker(new TrackerConfig("a", 2)), "trackers", "duplicate");
        assertThatThrownBy(() -> new TrackerConfig("a", 255)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("-254..254");
    }

    @Test
    void theAuthKeyNeverPrints() {
        VirtualRouterConfig c = valid().version(VrrpVersion.V2).authKey(VrrpAuthKey.ofPassword("s3cretpw")).build();
        assertThat(c.toString()).doesNotContain("s3cretpw").contains("****");
        assertThat(VrrpAuthKey.ofPassword("s3cretpw").toString()).doesNotContain("s3cret");
        assertThat(VrrpAuthKey.ofPassword("CUSTOM_PASSWORD")).isEqualTo(VrrpAuthKey.ofPassword("CUSTOM_P"));
        assertThat(VrrpAuthKey.isTruncated("CUSTOM_PASSWORD")).isTrue();
    }
}
