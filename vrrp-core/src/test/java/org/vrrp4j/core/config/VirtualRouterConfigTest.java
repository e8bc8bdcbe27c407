package org.vrrp4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vrrp4j.core.config.VirtualRouterConfig.Field;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;

/** Every validation rule names its field and rule. */
@Timeout(30)
class VirtualRouterConfigTest {
    private static final InetAddress VIP = InetAddress.ofLiteral("198.18.1.100");

    private static VirtualRouterConfig.Builder valid() {
        return VirtualRouterConfig.builder().vrid(1).addVirtualAddress(VIP);
    }

    private static void rejects(Consumer<VirtualRouterConfig.Builder> change, Field field, String ruleFragment) {
        VirtualRouterConfig.Builder b = valid();
        change.accept(b);
        assertThatThrownBy(b::build).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.subject()).isEqualTo(field.propertyName());
            assertThat(e.getMessage()).isEqualTo(field.propertyName() + ": " + e.rule()).contains(ruleFragment);
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
        rejects(b -> b.vrid(vrid), Field.VRID, "1..255");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 256})
    void priorityMustBe1To255(int prio) {
        rejects(b -> b.priority(prio), Field.PRIORITY, "1..255 (255 = address owner), got " + prio);
    }

    @Test
    void v3IntervalIsWholeCentisecondsUpTo4095() {
        rejects(b -> b.advertInterval(Duration.ofMillis(5)), Field.ADVERT_INTERVAL, "1..4095 cs");
        rejects(b -> b.advertInterval(Duration.ofMillis(40_960)), Field.ADVERT_INTERVAL, "1..4095 cs");
        rejects(b -> b.advertInterval(Duration.ofMillis(15)), Field.ADVERT_INTERVAL, "multiple of 10 ms");
        assertThat(valid().advertInterval(Duration.ofMillis(10)).build().advertIntervalCentis()).isEqualTo(1);
        assertThat(valid().advertInterval(Duration.ofMillis(40_950)).build().advertIntervalCentis()).isEqualTo(4095);
    }

    @Test
    void v2IntervalIsWholeSeconds1To255() {
        rejects(b -> b.version(VrrpVersion.V2).advertInterval(Duration.ofMillis(500)), Field.ADVERT_INTERVAL, "whole seconds 1..255");
        rejects(b -> b.version(VrrpVersion.V2).advertInterval(Duration.ofSeconds(256)), Field.ADVERT_INTERVAL, "whole seconds 1..255");
        assertThat(valid().version(VrrpVersion.V2).advertInterval(Duration.ofSeconds(2)).build().advertIntervalCentis())
                .isEqualTo(200);
    }

    /** keepalived keeps an address listed twice: advertised twice, added once; an address given twice as a VIP is not. */
    @Test
    void aRepeatedAddressIsAdvertisedAgainAtItsPlaceAndMustBeOneOfTheVirtualAddresses() {
        InetAddress a = InetAddress.ofLiteral("198.18.0.1");
        InetAddress b = InetAddress.ofLiteral("198.18.0.2");
        VirtualRouterConfig c = VirtualRouterConfig.builder().vrid(1).addVirtualAddress(a).addRepeatedAddress(a)
                .addVirtualAddress(b).build();
        assertThat(c.advertisedAddresses()).containsExactly(a, a, b);
        assertThat(c.virtualAddresses()).extracting(VirtualAddress::address).containsExactly(a, b);
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c).isNotEqualTo(VirtualRouterConfig.builder().vrid(1).addVirtualAddress(a).addVirtualAddress(b).build());
        rejects(x -> x.addRepeatedAddress(b), Field.VIRTUAL_ADDRESSES, "repeated address 198.18.0.2 is not one of");
        rejects(x -> x.addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")), Field.VIRTUAL_ADDRESSES, "duplicate address");
    }

    @Test
    void oneAddressFamilyPerRouter() {
        rejects(b -> b.addVirtualAddress(InetAddress.ofLiteral("2001:db8::1")), Field.VIRTUAL_ADDRESSES, "one address family");
    }

    @Test
    void ipv6RoutersListALinkLocalAddressFirstOnlyWhenStrict() {
        VirtualRouterConfig globalOnly = VirtualRouterConfig.builder().vrid(1)
                .addVirtualAddress(InetAddress.ofLiteral("2001:db8::1")).build();
        assertThat(globalOnly.globalAddressFirst()).as("keepalived runs such files; so does vrrp4j by default").isTrue();
        assertThat(globalOnly.strictIpv6LinkLocalFirst()).isFalse();
        assertThat(globalOnly.toBuilder().build()).isEqualTo(globalOnly);
        assertThatThrownBy(() -> globalOnly.toBuilder().strictIpv6LinkLocalFirst(true).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("link-local address first")
                .hasMessageContaining(InetAddress.ofLiteral("2001:db8::1").getHostAddress());
        assertThat(VirtualRouterConfig.builder().vrid(1).strictIpv6LinkLocalFirst(true)
                .addVirtualAddress(InetAddress.ofLiteral("fe80::1")).addVirtualAddress(InetAddress.ofLiteral("2001:db8::1"))
                .build().globalAddressFirst()).isFalse();
        assertThat(VirtualRouterConfig.builder().vrid(1).addVirtualAddress(InetAddress.ofLiteral("fe80::1"))
                .addVirtualAddress(InetAddress.ofLiteral("2001:db8::1")).build().family().name()).isEqualTo("IPV6");
    }

    @Test
    void v2IsIpv4OnlyAndAuthIsV2Only() {
        assertThatThrownBy(() -> VirtualRouterConfig.builder().vrid(1).version(VrrpVersion.V2)
                .addVirtualAddress(InetAddress.ofLiteral("fe80::1")).build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("version: ");
        rejects(b -> b.authKey(VrrpAuthKey.ofPassword("x")), Field.AUTH_KEY, "VRRPv2 only");
    }

    @Test
    void atLeastOneAddressAndNoDuplicates() {
        assertThatThrownBy(() -> VirtualRouterConfig.builder().vrid(1).build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("virtualAddresses: ");
        rejects(b -> b.addVirtualAddress(VIP), Field.VIRTUAL_ADDRESSES, "duplicate");
    }

    @Test
    void peersAndSourceMatchTheFamilyAndTrackersAreUnique() {
        rejects(b -> b.addUnicastPeer(InetAddress.ofLiteral("2001:db8::2")), Field.UNICAST_PEERS, "is not IPV4");
        rejects(b -> b.unicastSource(InetAddress.ofLiteral("2001:db8::2")), Field.UNICAST_SOURCE, "is not IPV4");
        rejects(b -> b.addTracker(new TrackerConfig("a", 1)).addTracker(new TrackerConfig("a", 2)), Field.TRACKERS, "duplicate");
        assertThatThrownBy(() -> new TrackerConfig("a", 255)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("-254..254");
    }

    @Test
    void fieldsOfOtherRulesAreValuesToo() {
        assertThatThrownBy(() -> VirtualRouterConfig.builder().vrid(1).version(VrrpVersion.V2)
                .addVirtualAddress(InetAddress.ofLiteral("fe80::1")).build())
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo(Field.VERSION));
        rejects(b -> b.preemptDelay(Duration.ofSeconds(1001)), Field.PREEMPT_DELAY, "0..1000 s");
        rejects(b -> b.ipv4ChecksumForm(org.vrrp4j.core.packet.ChecksumForm.IPV6_PSEUDO_HEADER),
                Field.IPV4_CHECKSUM_FORM, "IPV4_PSEUDO_HEADER or MESSAGE_ONLY");
        // the parts of a router's configuration name the field they belong to and themselves
        assertThatThrownBy(() -> new TrackerConfig("if:eth0", 255)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.field()).isEqualTo(Field.TRACKERS);
            assertThat(e.subject()).isEqualTo("tracker if:eth0");
            assertThat(e.getMessage()).isEqualTo("tracker if:eth0: weight must be -254..254, got 255");
        });
        assertThatThrownBy(() -> new VirtualAddress(VIP, 33, java.util.Optional.empty(), java.util.Optional.empty(),
                AddressScope.GLOBAL)).isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo(Field.VIRTUAL_ADDRESSES);
                    assertThat(e.getMessage()).isEqualTo("virtual address 198.18.1.100: prefix length must be 0..32, got 33");
                });
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
