package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.core.config.AddressScope;
import org.vrrp4j.core.config.TrackerConfig;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;

/** One corpus file per keyword group, each read into the model it should mean. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepalivedConfigReaderTest {
    @TempDir
    Path tmp;

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static VirtualRouterConfig router(KeepalivedConfig c, String name) {
        return c.instance(name).orElseThrow().router();
    }

    @Test
    void globalDefs() throws Exception {
        KeepalivedConfig c = Corpus.read("global-defs.conf");
        GlobalDefs g = c.global();
        assertThat(g.routerId()).isEqualTo("lb-east-1");
        assertThat(g.vrrpVersion()).isEqualTo(VrrpVersion.V3);
        assertThat(g.scriptUser()).contains("keepalived_script:nogroup");
        assertThat(g.enableScriptSecurity()).isTrue();
        assertThat(g.garp()).isEqualTo(new GarpSettings(Duration.ofSeconds(2), 3, Duration.ofSeconds(60), 2,
                Duration.ofMillis(1)));
        // the global version and garp settings reach the instance
        Instance i = c.instance("VI_G").orElseThrow();
        assertThat(i.router().version()).isEqualTo(VrrpVersion.V3);
        assertThat(i.router().advertInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(i.garp()).isEqualTo(g.garp());
        // script_user and enable_script_security are applied (the daemon runs scripts as that user), their
        // lines kept for its errors; what is only read is said at its line
        assertThat(c.locations().global("script_user")).map(l -> l.line()).contains(5);
        assertThat(c.locations().global("enable_script_security")).map(l -> l.line()).contains(6);
        assertThat(Corpus.warnings(c)).containsExactly(
                "global-defs.conf:11: 'vrrp_garp_interval' in global_defs is read but vrrp4j does not act on it: "
                        + "vrrp4j does not space the gratuitous ARP / NA messages of a burst by this interval",
                "global-defs.conf:12: 'notification_email' in global_defs is not supported by vrrp4j; ignored",
                "global-defs.conf:15: 'smtp_server' in global_defs is not supported by vrrp4j; ignored");
    }

    /**
     * keepalived's {@code @ID line} / {@code @^ID line}: the line counts only where the config_id (the host's
     * name up to its first dot) is / is not ID. keepalived's own sample keepalived.conf.conditional_conf uses them.
     */
    @Test
    void configIdLinesApplyOnlyToTheirHost() throws Exception {
        Path f = tmp.resolve("conditional.conf");
        Files.writeString(f, """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                @high    priority 170
                @low    priority 85
                @^high    advert_int 3
                @high
                    virtual_ipaddress {
                        198.18.0.1
                    }
                }
                """);
        VirtualRouterConfig high = KeepalivedConfigReader.read(f, n -> n.equals("HOSTNAME") ? "high.example.org" : null)
                .instance("VI_1").orElseThrow().router();
        assertThat(high.priority()).isEqualTo(170);
        assertThat(high.advertInterval()).isEqualTo(Duration.ofSeconds(1));
        VirtualRouterConfig low = KeepalivedConfigReader.read(f, n -> n.equals("HOSTNAME") ? "low" : null)
                .instance("VI_1").orElseThrow().router();
        assertThat(low.priority()).isEqualTo(85);
        assertThat(low.advertInterval()).isEqualTo(Duration.ofSeconds(3));
        VirtualRouterConfig other = KeepalivedConfigReader.read(f, n -> n.equals("HOSTNAME") ? "elsewhere" : null)
                .instance("VI_1").orElseThrow().router();
        assertThat(other.priority()).isEqualTo(100);
        assertThat(other.advertInterval()).isEqualTo(Duration.ofSeconds(3));
    }

    /**
     * What keepalived 2.2.7 takes from its own samples: an address listed twice (keepalived.conf.vrrp) is
     * advertised twice and added once; a sync group without members (keepalived.conf.vrrp.lvs_syncd) is
     * removed with a warning. The effective configuration reads back to the same routers.
     */
    @Test
    void anAddressListedTwiceAndASyncGroupWithoutMembersAreTakenAsKeepalivedTakesThem() throws Exception {
        Path f = tmp.resolve("samples-like.conf");
        Files.writeString(f, """
                vrrp_sync_group VG1 {
                  VI_2
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    virtual_ipaddress {
                        198.18.0.16
                        198.18.0.18
                        198.18.0.17
                        198.18.0.18 label eth0:1
                    }
                }
                """);
        KeepalivedConfig c = KeepalivedConfigReader.read(f, n -> null);
        VirtualRouterConfig r = c.instance("VI_1").orElseThrow().router();
        assertThat(r.advertisedAddresses()).containsExactly(ip("198.18.0.16"), ip("198.18.0.18"), ip("198.18.0.17"),
                ip("198.18.0.18"));
        assertThat(r.virtualAddresses()).extracting(VirtualAddress::address)
                .containsExactly(ip("198.18.0.16"), ip("198.18.0.18"), ip("198.18.0.17"));
        assertThat(r.virtualAddresses().get(1).label()).isEmpty();
        assertThat(c.syncGroups()).isEmpty();
        assertThat(c.warnings()).extracting(w -> w.line() + ": " + w.message()).containsExactly(
                "2: unknown keyword 'VI_2' in vrrp_sync_group; ignored",
                "1: vrrp_sync_group VG1 has no members ('group { INSTANCE ... }'); removed (as keepalived does)",
                "11: virtual address 198.18.0.18 is listed again; adverts carry it twice as keepalived's do, and it is"
                        + " added once, as its first line says (this line's options have no effect, as in keepalived)");
        Path out = tmp.resolve("effective.conf");
        Files.writeString(out, EffectiveConfig.render(c));
        assertThat(KeepalivedConfigReader.read(out, n -> null).instance("VI_1").orElseThrow().router()).isEqualTo(r);
    }

    /**
     * keepalived (vrrp_complete_instance): an address owner's priority never moves, so a weighted
     * track_interface or track_script on it is dropped with a message; a weight-0 one (FAULT) stays.
     */
    @Test
    void weightedTrackersOfAnAddressOwnerAreDroppedAsKeepalivedDropsThem() throws Exception {
        Path f = tmp.resolve("owner-trackers.conf");
        Files.writeString(f, """
                vrrp_script chk {
                    script "/bin/true"
                    weight -20
                }
                vrrp_instance VI_O {
                    state MASTER
                    interface eth0
                    virtual_router_id 5
                    track_interface {
                        eth1 weight -30
                        eth2
                    }
                    track_script {
                        chk
                    }
                    virtual_ipaddress {
                        198.18.0.5
                    }
                }
                """);
        KeepalivedConfig c = KeepalivedConfigReader.read(f, n -> null);
        Instance o = c.instance("VI_O").orElseThrow();
        assertThat(o.router().priority()).isEqualTo(255);
        assertThat(o.router().trackers()).extracting(TrackerConfig::weight).containsExactly(0);
        assertThat(o.trackInterfaces()).containsExactly("eth2");
        assertThat(o.trackScripts()).isEmpty();
        assertThat(c.warnings()).extracting(w -> w.line() + ": " + w.message()).containsExactly(
                "10: track_interface eth1 with a weight is ignored: the address owner's priority (255) never moves"
                        + " (as keepalived does)",
                "14: track_script chk with a weight is ignored: the address owner's priority (255) never moves"
                        + " (as keepalived does)");
    }

    /** keepalived's {@code vrrp_startup_delay}: decimal seconds from 1 ms; none by default; printed back. */
    @Test
    void vrrpStartupDelayIsReadAsKeepalivedReadsIt() throws Exception {
        KeepalivedConfig c = Corpus.read("global-defs.conf");
        assertThat(c.global().vrrpStartupDelay()).isEqualTo(Duration.ofMillis(5500));
        assertThat(EffectiveConfig.render(c)).contains("vrrp_startup_delay 5.5");
        assertThat(Corpus.read("instance-basic.conf").global().vrrpStartupDelay()).isZero();
        assertThat(Keywords.find(Keyword.Block.GLOBAL_DEFS, "vrrp_startup_delay").orElseThrow().support())
                .isEqualTo(Keyword.Support.SUPPORTED);
        Path large = tmp.resolve("large.conf");
        Files.writeString(large, "global_defs {\n    vrrp_startup_delay 90\n}\n");
        KeepalivedConfig l = KeepalivedConfigReader.read(large, n -> null);
        assertThat(l.global().vrrpStartupDelay()).isEqualTo(Duration.ofSeconds(90));
        assertThat(l.warnings()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(2);
            assertThat(w.message()).startsWith("the vrrp_startup_delay is very large - 90 seconds");
        });
    }

    @Test
    void routerIdDefaultsToTheHostName() throws Exception {
        assertThat(Corpus.read("instance-basic.conf").global().routerId()).isEqualTo("testhost");
    }

    /**
     * vrrp4j's {@code vrrp_v3_ipv4_checksum}: global_defs sets the VRRPv3/IPv4 checksum form, an instance
     * overrides it, keepalived's pseudo-header form is the default, and the effective configuration says it.
     */
    @Test
    void v3Ipv4ChecksumFormFromGlobalDefsAndPerInstanceDefaultPseudoHeader() throws Exception {
        KeepalivedConfig c = Corpus.read("ipv4-checksum.conf");
        assertThat(c.global().vrrpV3Ipv4Checksum()).isEqualTo(ChecksumForm.MESSAGE_ONLY);
        assertThat(router(c, "VI_GLOBAL").ipv4ChecksumForm()).isEqualTo(ChecksumForm.MESSAGE_ONLY);
        assertThat(router(c, "VI_OWN").ipv4ChecksumForm()).isEqualTo(ChecksumForm.IPV4_PSEUDO_HEADER);
        assertThat(Corpus.warnings(c)).containsExactly("ipv4-checksum.conf:29: vrrp_v3_ipv4_checksum applies to "
                + "VRRPv3 over IPv4 only; this instance runs VRRPv2 and ignores it");
        String effective = EffectiveConfig.render(c);
        assertThat(effective).contains("vrrp_v3_ipv4_checksum message").contains("vrrp_v3_ipv4_checksum pseudo_header");
        // keepalived's form when nothing is said, globally and per instance
        KeepalivedConfig plain = Corpus.read("global-defs.conf");
        assertThat(plain.global().vrrpV3Ipv4Checksum()).isEqualTo(ChecksumForm.IPV4_PSEUDO_HEADER);
        assertThat(router(plain, "VI_G").version()).isEqualTo(VrrpVersion.V3);
        assertThat(router(plain, "VI_G").ipv4ChecksumForm()).isEqualTo(ChecksumForm.IPV4_PSEUDO_HEADER);
        assertThat(EffectiveConfig.render(plain)).as("vrrp4j's keyword printed only when used").doesNotContain("vrrp_v3_ipv4_checksum");
        assertThat(effective).containsOnlyOnce("vrrp_v3_ipv4_checksum message");
        // the printed configuration reads back to the same routers
        Path out = tmp.resolve("effective.conf");
        Files.writeString(out, effective);
        KeepalivedConfig again = KeepalivedConfigReader.read(out, n -> null);
        assertThat(again.instance("VI_GLOBAL").orElseThrow().router().ipv4ChecksumForm()).isEqualTo(ChecksumForm.MESSAGE_ONLY);
        assertThat(again.instance("VI_OWN").orElseThrow().router().ipv4ChecksumForm())
                .isEqualTo(ChecksumForm.IPV4_PSEUDO_HEADER);
    }

    @Test
    void instanceScalarsAndKeepalivedDefaults() throws Exception {
        KeepalivedConfig c = Corpus.read("instance-basic.conf");
        assertThat(c.instances()).extracting(Instance::name).containsExactly("VI_1", "VI_2", "VI_3");

        Instance i1 = c.instance("VI_1").orElseThrow();
        VirtualRouterConfig r1 = i1.router();
        assertThat(i1.initialState()).isEqualTo(InitialState.BACKUP);
        assertThat(c.locations().instance("VI_1").orElseThrow().line()).isEqualTo(2);
        assertThat(c.locations().instanceKeyword("VI_1", "priority").orElseThrow().line()).isEqualTo(6);
        assertThat(r1.interfaceName()).isEqualTo("eth1");
        assertThat(r1.vrid()).isEqualTo(51);
        assertThat(r1.priority()).isEqualTo(150);
        assertThat(r1.advertInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r1.version()).isEqualTo(VrrpVersion.V2);
        assertThat(r1.preempt()).isFalse();
        assertThat(r1.acceptMode()).isFalse();
        assertThat(r1.authKey()).isEmpty();
        assertThat(r1.virtualAddresses()).containsExactly(new VirtualAddress(ip("198.18.0.51"), 24,
                Optional.empty(), Optional.empty(), AddressScope.GLOBAL));
        assertThat(i1.providers()).isEmpty();
        assertThat(i1.useVmac()).isFalse();
        assertThat(i1.garp()).isEqualTo(GarpSettings.KEEPALIVED_DEFAULTS);

        VirtualRouterConfig r2 = router(c, "VI_2");
        assertThat(r2.priority()).isEqualTo(100);
        assertThat(r2.advertInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(r2.preempt()).isTrue();
        assertThat(r2.preemptDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r2.acceptMode()).isTrue();
        assertThat(r2.advertOnLowerPriority()).isFalse();
        assertThat(c.instance("VI_2").orElseThrow().initialState()).isEqualTo(InitialState.BACKUP);

        // keepalived: state MASTER without a priority is the address owner
        Instance i3 = c.instance("VI_3").orElseThrow();
        assertThat(i3.initialState()).isEqualTo(InitialState.MASTER);
        assertThat(i3.router().priority()).isEqualTo(255);
        assertThat(i3.router().acceptMode()).isTrue();
        // no_accept is enforced by the node (an nftables table of the router's own): no warning
        assertThat(Corpus.warnings(c)).isEmpty();
    }

    @Test
    void authentication() throws Exception {
        KeepalivedConfig c = Corpus.read("authentication.conf");
        assertThat(router(c, "VI_AUTH").authKey()).contains(VrrpAuthKey.ofPassword("s3cr3tpa"));
        assertThat(router(c, "VI_AUTH").virtualAddresses()).extracting(VirtualAddress::address)
                .containsExactly(ip("198.18.0.9"));
        // VRRPv3 has no authentication: keepalived ignores the block with a warning, so does vrrp4j
        assertThat(router(c, "VI_AUTH_V3").version()).isEqualTo(VrrpVersion.V3);
        assertThat(router(c, "VI_AUTH_V3").authKey()).isEmpty();
        assertThat(Corpus.warnings(c)).containsExactly(
                "authentication.conf:5: auth_pass is longer than 8 bytes; only the first 8 are used (as keepalived does)",
                "authentication.conf:14: VRRP version 3 has no authentication; the authentication block is ignored (as keepalived does)");
        assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("short");
        assertThat(EffectiveConfig.render(c)).doesNotContain("s3cr3t");
    }

    @Test
    void virtualAddressesWithDeviceLabelScopeAndIpv6() throws Exception {
        KeepalivedConfig c = Corpus.read("virtual-ipaddress.conf");
        VirtualRouterConfig v4 = router(c, "VI_V4");
        assertThat(v4.family()).isEqualTo(IpFamily.IPV4);
        assertThat(v4.version()).isEqualTo(VrrpVersion.V2);
        assertThat(v4.virtualAddresses()).containsExactly(
                new VirtualAddress(ip("198.18.0.20"), 24, Optional.of("eth0"), Optional.of("eth0:vip"), AddressScope.GLOBAL),
                new VirtualAddress(ip("198.18.0.21"), 32, Optional.of("eth2"), Optional.empty(), AddressScope.GLOBAL),
                new VirtualAddress(ip("198.18.0.22"), 32, Optional.empty(), Optional.empty(), AddressScope.LINK),
                VirtualAddress.of(ip("198.18.0.23")));

        VirtualRouterConfig v6 = router(c, "VI_V6");
        assertThat(v6.family()).isEqualTo(IpFamily.IPV6);
        // keepalived: IPv6 instances run VRRPv3 whatever vrrp_version says
        assertThat(v6.version()).isEqualTo(VrrpVersion.V3);
        assertThat(v6.advertInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(v6.virtualAddresses()).containsExactly(
                VirtualAddress.of(ip("fe80::21")),
                new VirtualAddress(ip("2001:db8::21"), 64, Optional.of("eth0"), Optional.empty(), AddressScope.GLOBAL),
                VirtualAddress.of(ip("2001:db8::22")));
        assertThat(Corpus.warnings(c)).containsExactly(
                "virtual-ipaddress.conf:8: virtual_ipaddress option 'brd' is not supported by vrrp4j; ignored",
                "virtual-ipaddress.conf:19: a scope cannot be given for an IPv6 address (2001:db8::22); ignored as keepalived does");
    }

    @Test
    void globalOnlyIpv6AddressesRunWithKeepalivedsWarningAtTheFirstAddress() throws Exception {
        KeepalivedConfig c = Corpus.read("ipv6-global-only.conf");
        VirtualRouterConfig g = router(c, "VI_G");
        assertThat(g.family()).isEqualTo(IpFamily.IPV6);
        assertThat(g.virtualAddresses()).extracting(VirtualAddress::address)
                .as("sent as written, as keepalived sends them").containsExactly(ip("2001:db8::7"), ip("2001:db8::8"));
        assertThat(g.globalAddressFirst()).isTrue();
        assertThat(g.strictIpv6LinkLocalFirst()).isFalse();
        assertThat(Corpus.warnings(c)).containsExactly(
                "ipv6-global-only.conf:8: the first IPv6 VIP address should be link local (RFC 9568 §5.2.9), got "
                        + "2001:db8::7; adverts list the addresses as written, as keepalived sends them");
        assertThat(c.warnings().getFirst().kind().differsFromKeepalived()).as("keepalived does the same").isFalse();
    }

    @Test
    void nopreemptWorksOnlyWithAnInitialBackupStateAndNotForTheOwner() throws Exception {
        KeepalivedConfig c = Corpus.read("nopreempt-master.conf");
        assertThat(router(c, "VI_M").preempt()).isTrue();
        assertThat(router(c, "VI_M").preemptDelay()).isEqualTo(Duration.ZERO);
        assertThat(router(c, "VI_O").preempt()).isTrue();
        assertThat(router(c, "VI_B").preempt()).as("BACKUP keeps it").isFalse();
        assertThat(Corpus.warnings(c)).containsExactly(
                "nopreempt-master.conf:8: nopreempt does not work with state MASTER; cleared (as keepalived does)",
                "nopreempt-master.conf:9: preempt_delay does not work with state MASTER; cleared (as keepalived does)",
                "nopreempt-master.conf:19: nopreempt is incompatible with priority 255; preempting (as keepalived does)");
    }

    @Test
    void unicast() throws Exception {
        KeepalivedConfig c = Corpus.read("unicast.conf");
        VirtualRouterConfig r = router(c, "VI_U");
        assertThat(r.unicastSource()).contains(ip("198.18.1.1"));
        assertThat(r.unicastPeers()).containsExactly(ip("198.18.1.2"), ip("198.18.1.3"));
        assertThat(r.isUnicast()).isTrue();
        assertThat(Corpus.warnings(c)).containsExactly(
                "unicast.conf:7: unicast_peer options (min_ttl 250) are not supported by vrrp4j; ignored");
    }

    @Test
    void vrrpScriptsAndTracking() throws Exception {
        KeepalivedConfig c = Corpus.read("track.conf");
        assertThat(c.scripts()).containsOnlyKeys("chk_nginx", "chk_disk");
        VrrpScript nginx = c.scripts().get("chk_nginx");
        assertThat(nginx.script()).isEqualTo("/usr/local/bin/check nginx --quiet");
        assertThat(nginx.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(nginx.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(nginx.weight()).isEqualTo(-20);
        assertThat(nginx.rise()).isEqualTo(3);
        assertThat(nginx.fall()).isEqualTo(2);
        assertThat(nginx.user()).contains("nobody");
        assertThat(c.locations().script("chk_nginx").orElseThrow().line()).isEqualTo(1);
        VrrpScript disk = c.scripts().get("chk_disk");
        assertThat(c.locations().script("chk_disk")).contains(new SourceLocation(Corpus.file("track.conf"), 11));
        assertThat(disk).isEqualTo(new VrrpScript("chk_disk", "/usr/local/bin/check-disk", Duration.ofSeconds(1), Duration.ofSeconds(1), 0, 1, 1, Optional.empty()));

        Instance i = c.instance("VI_T").orElseThrow();
        assertThat(i.trackInterfaces()).containsExactly("eth0", "eth1");
        assertThat(i.trackScripts()).containsExactly("chk_nginx", "chk_disk");
        // the script's weight is the default; the instance's weight overrides it
        assertThat(i.router().trackers()).containsExactly(
                new TrackerConfig("if:eth0", 0), new TrackerConfig("if:eth1", -10),
                new TrackerConfig("script:chk_nginx", -20), new TrackerConfig("script:chk_disk", 5));
        assertThat(Corpus.warnings(c)).containsExactly( // vrrp_script's user (line 8) is applied: no warning
                "track.conf:24: duplicate track_interface eth0; ignored (as keepalived does)");
    }

    @Test
    void notifyScriptsBecomeOneExecProviderBlock() throws Exception {
        KeepalivedConfig c = Corpus.read("notify.conf");
        Instance i = c.instance("VI_N").orElseThrow();
        assertThat(i.providers()).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo("exec");
            assertThat(p.values()).containsExactly(
                    Map.entry("notify_master", "/etc/keepalived/to_master.sh 198.18.0.60 'two words'"),
                    Map.entry("notify_backup", "/etc/keepalived/to_backup.sh"),
                    Map.entry("notify_fault", "/etc/keepalived/to_backup.sh fault"),
                    Map.entry("notify_stop", "/etc/keepalived/stop.sh"),
                    Map.entry("notify", "/etc/keepalived/notify.sh"));
        });
        assertThat(c.locations().instanceProvider("VI_N", 0).orElseThrow().line()).isEqualTo(7);
        Instance nu = c.instance("VI_NU").orElseThrow();
        assertThat(nu.providers().getFirst().values()).containsExactly( // keepalived's USER word: root
                Map.entry("notify_master", "/etc/keepalived/to_master.sh"), Map.entry("notify_master_user", "root"));
        assertThat(Corpus.warnings(c)).containsExactly(
                "notify.conf:12: notify_backup is already set for vrrp_instance VI_N; this one is ignored (as keepalived does)");
    }

    /**
     * keepalived 2.2.7's {@code notify* SCRIPT [USER [GROUP]]} (notify_script_init: the line re-split with
     * quotes and escapes, word 2 the user, word 3 the group, later words ignored), on instances and sync
     * groups: each becomes the exec block's {@code KEYWORD_user} ({@code USER} or {@code USER:GROUP}) with
     * the keyword's own line, and prints back in keepalived's form.
     */
    @Test
    void notifyKeywordsTakeKeepalivedsUserAndGroupWords() throws Exception {
        KeepalivedConfig c = Corpus.read("notify-users.conf");
        Instance i = c.instance("VI_USERS").orElseThrow();
        assertThat(i.providers()).singleElement().satisfies(p -> assertThat(p.values()).containsExactly(
                Map.entry("notify_master", "/etc/keepalived/to_master.sh"),
                Map.entry("notify_master_user", "nobody"),
                Map.entry("notify_backup", "/etc/keepalived/to_backup.sh 198.18.0.62 'two words'"),
                Map.entry("notify_backup_user", "nobody:nogroup"),
                Map.entry("notify_fault", "/etc/keepalived/fault.sh"),
                Map.entry("notify_fault_user", "nobody"),
                Map.entry("notify_stop", "/etc/keepalived/stop.sh"),
                Map.entry("notify_stop_user", "nobody:nogroup"),
                Map.entry("notify", "/etc/keepalived/notify.sh")));
        SyncGroup g = c.syncGroups().getFirst();
        assertThat(g.providers()).singleElement().satisfies(p -> assertThat(p.values()).containsExactly(
                Map.entry("notify_master", "/etc/keepalived/group_master.sh"),
                Map.entry("notify_master_user", "nobody:nogroup"),
                Map.entry("notify", "/etc/keepalived/group.sh all"),
                Map.entry("notify_user", "nobody"),
                Map.entry("group", "true")));
        // each keyword's own line, for errors about its user (file:line)
        assertThat(c.locations().instanceProviderKey("VI_USERS", 0, "notify_backup").orElseThrow().line()).isEqualTo(17);
        assertThat(c.locations().instanceProviderKey("VI_USERS", 0, "notify").orElseThrow().line()).isEqualTo(20);
        assertThat(c.locations().syncGroupProviderKey("G_USERS", 0, "notify").orElseThrow().line()).isEqualTo(7);
        assertThat(Corpus.warnings(c)).containsExactly("notify-users.conf:19: notify_stop: words after the user and"
                + " group are ignored (as keepalived does): these words are ignored. Quote the command line to pass arguments");
        assertThat(c.warnings().getFirst().kind().differsFromKeepalived()).isFalse();

        String effective = EffectiveConfig.render(c);
        assertThat(effective).contains("    notify_master /etc/keepalived/group_master.sh nobody nogroup\n")
                .contains("    notify \"/etc/keepalived/group.sh all\" nobody\n");
        Path out = tmp.resolve("notify-users.conf");
        Files.writeString(out, effective);
        KeepalivedConfig back = KeepalivedConfigReader.read(out, n -> null);
        assertThat(back.syncGroups()).isEqualTo(c.syncGroups());
        assertThat(back.instance("VI_USERS").orElseThrow().providers()).isEqualTo(i.providers());
    }

    @Test
    void garpGlobalDefaultsAndInstanceOverrides() throws Exception {
        KeepalivedConfig c = Corpus.read("garp.conf");
        GarpSettings global = new GarpSettings(Duration.ofSeconds(10), 2, Duration.ZERO, 1, Duration.ZERO);
        assertThat(c.global().garp()).isEqualTo(global);
        assertThat(c.instance("VI_DEFAULT_GARP").orElseThrow().garp()).isEqualTo(global);
        assertThat(c.instance("VI_OWN_GARP").orElseThrow().garp())
                .isEqualTo(new GarpSettings(Duration.ofSeconds(1), 1, Duration.ofSeconds(30), 4, Duration.ZERO));
        String perInstance = " in vrrp_instance is read but vrrp4j does not act on it: per-instance values are not "
                + "supported; global_defs' vrrp_garp_master_* apply to every instance";
        assertThat(Corpus.warnings(c)).containsExactly(
                "garp.conf:17: 'garp_master_delay'" + perInstance,
                "garp.conf:18: 'garp_master_repeat'" + perInstance,
                "garp.conf:18: 'garp_master_repeat' must be greater than 0; using 1 (as keepalived does)",
                "garp.conf:19: 'garp_master_refresh'" + perInstance,
                "garp.conf:20: 'garp_master_refresh_repeat'" + perInstance);
    }

    @Test
    void garpLowerPrioGlobalValuesDefaultToTheMastersAndPerInstanceOnesAreWarnedAbout() throws Exception {
        KeepalivedConfig c = Corpus.read("garp-lower-prio.conf");
        GarpSettings global = c.global().garp();
        assertThat(global.effectiveLowerPrioDelay()).as("unset: garp_master_delay").isEqualTo(Duration.ofSeconds(7));
        assertThat(global.effectiveLowerPrioRepeat()).as("0: no lower-priority bursts").isZero();
        assertThat(c.instance("VI_DEFAULT").orElseThrow().garp()).isEqualTo(global);
        assertThat(GarpSettings.KEEPALIVED_DEFAULTS.effectiveLowerPrioRepeat()).isEqualTo(5);
        assertThat(GarpSettings.KEEPALIVED_DEFAULTS.effectiveLowerPrioDelay()).isEqualTo(Duration.ofSeconds(5));
        GarpSettings own = c.instance("VI_OWN").orElseThrow().garp();
        assertThat(own.effectiveLowerPrioDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(own.effectiveLowerPrioRepeat()).isEqualTo(4);
        String perInstance = " in vrrp_instance is read but vrrp4j does not act on it: per-instance values are not "
                + "supported; global_defs' vrrp_garp_master_* apply to every instance";
        assertThat(Corpus.warnings(c)).containsExactly(
                "garp-lower-prio.conf:17: 'garp_lower_prio_delay'" + perInstance,
                "garp-lower-prio.conf:18: 'garp_lower_prio_repeat'" + perInstance);
        assertThat(EffectiveConfig.render(c)).contains("vrrp_garp_lower_prio_repeat 0").doesNotContain("vrrp_garp_lower_prio_delay 7");
    }

    @Test
    void vmacVersionAndAdvertRounding() throws Exception {
        KeepalivedConfig c = Corpus.read("vmac-version.conf");
        Instance vmac = c.instance("VI_VMAC").orElseThrow();
        assertThat(vmac.useVmac()).isTrue();
        assertThat(vmac.vmacName()).contains("vrrp.80");
        // the instance's version beats vrrp_version; v2 rounds 1.4 s to whole seconds as keepalived does
        assertThat(vmac.router().version()).isEqualTo(VrrpVersion.V2);
        assertThat(vmac.router().advertInterval()).isEqualTo(Duration.ofSeconds(1));

        Instance dflt = c.instance("VI_VMAC_DEFAULT").orElseThrow();
        assertThat(dflt.useVmac()).isTrue();
        assertThat(dflt.vmacName()).isEmpty();
        assertThat(dflt.router().version()).isEqualTo(VrrpVersion.V3);
        assertThat(dflt.router().advertInterval()).isEqualTo(Duration.ofMillis(120));
        assertThat(Corpus.warnings(c)).containsExactly(
                "vmac-version.conf:10: a VRRPv2 advert_int is whole seconds; 1.4 s rounded to 1 s (as keepalived does)",
                "vmac-version.conf:20: a VRRPv3 advert_int is in units of 10 ms; rounded to 0.12 s");
    }

    @Test
    void failoverProviderBlocksComeBeforeTheNotifyExecBlock() throws Exception {
        KeepalivedConfig c = Corpus.read("failover-provider.conf");
        Instance i = c.instance("VI_F").orElseThrow();
        assertThat(i.providers()).extracting(ProviderBlock::type).containsExactly("netcup", "exec");
        ProviderBlock netcup = i.providers().getFirst();
        assertThat(c.locations().instanceProvider("VI_F", 0).orElseThrow().line()).isEqualTo(9);
        assertThat(netcup.values()).containsExactly(
                Map.entry("api", "rest"),
                Map.entry("failover_ip", "198.18.0.100/32"),
                Map.entry("server_name", "v2202400000000000000"),
                Map.entry("mac", "00:00:5e:00:01:65"),
                Map.entry("api_token_file", "/etc/vrrp4j/netcup token"),
                Map.entry("retry", "seed"),
                Map.entry("customer_password", "not in any output"));
        // where a secret is stays visible, the secret itself does not
        assertThat(netcup.toString()).contains("api_token_file=/etc/vrrp4j/netcup token")
                .contains("customer_password=****").doesNotContain("not in any output");
        assertThat(EffectiveConfig.render(c)).contains("customer_password ****").doesNotContain("not in any output");
        assertThat(c.toString()).doesNotContain("not in any output");
        assertThat(i.providers().get(1).values()).containsExactly(Map.entry("notify_master", "/etc/keepalived/to_master.sh"));
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void syncGroup() throws Exception {
        KeepalivedConfig c = Corpus.read("sync-group.conf");
        assertThat(c.syncGroups()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("SG_1");
            assertThat(g.members()).containsExactly("VI_A", "VI_B");
            assertThat(g.providers()).singleElement().satisfies(p -> {
                assertThat(p.type()).isEqualTo("exec");
                assertThat(p.values()).containsExactly(
                        Map.entry("notify_master", "/etc/keepalived/group.sh master"),
                        Map.entry("notify", "/etc/keepalived/group-notify.sh"),
                        Map.entry("group", "true"));
            });
        });
        assertThat(c.locations().syncGroup("SG_1").orElseThrow().line()).isEqualTo(1);
        assertThat(c.instances()).extracting(Instance::name).containsExactly("VI_A", "VI_B");
        assertThat(Corpus.warnings(c)).containsExactly(
                "sync-group.conf:8: 'global_tracking' in vrrp_sync_group is not supported by vrrp4j; ignored");
    }

    @Test
    void includeWithGlobsRelativeToTheIncludingFile() throws Exception {
        KeepalivedConfig c = Corpus.read("include-main.conf");
        assertThat(c.global().routerId()).isEqualTo("included");
        assertThat(c.scripts()).containsOnlyKeys("chk_inc");
        assertThat(c.locations().script("chk_inc"))
                .contains(new SourceLocation(Corpus.file("conf.d/10-script.conf"), 1));
        assertThat(c.instances()).extracting(Instance::name).containsExactly("VI_INC", "VI_MAIN");
        assertThat(c.locations().instance("VI_INC"))
                .contains(new SourceLocation(Corpus.file("conf.d/20-instance.conf"), 2));
        assertThat(c.instance("VI_INC").orElseThrow().trackScripts()).containsExactly("chk_inc");
        // an include inside a block splices lines there (keepalived reads includes at the line level)
        assertThat(router(c, "VI_MAIN").virtualAddresses()).extracting(VirtualAddress::address)
                .containsExactly(ip("198.18.0.100"), ip("198.18.0.101"));
        assertThat(Corpus.warnings(c)).containsExactly(
                "include-main.conf:5: include conf.d/*.nothing: no files match",
                "conf.d/20-instance.conf:11: unknown keyword 'bogus_included_keyword' in vrrp_instance; ignored");
    }

    @Test
    void includeWithAnAbsolutePathAndBraceGlob() throws Exception {
        Path main = tmp.resolve("main.conf");
        Files.writeString(main, "include " + Corpus.dir().resolve("conf.d") + "/{10-script,20-instance}.conf\n");
        KeepalivedConfig c = KeepalivedConfigReader.read(main, n -> null);
        assertThat(c.instances()).extracting(Instance::name).containsExactly("VI_INC");
    }

    @Test
    void commentsAndQuoting() throws Exception {
        KeepalivedConfig c = Corpus.read("comments-quoting.conf");
        Instance i = c.instance("VI_C").orElseThrow();
        VirtualRouterConfig r = i.router();
        assertThat(r.interfaceName()).isEqualTo("eth0");
        assertThat(r.vrid()).isEqualTo(110);
        assertThat(r.priority()).isEqualTo(120);
        // '#' and '!' inside double quotes are part of the password, not comments
        assertThat(r.authKey()).contains(VrrpAuthKey.ofPassword("p#ss!wd"));
        assertThat(r.virtualAddresses()).extracting(VirtualAddress::address)
                .containsExactly(ip("198.18.0.110"), ip("198.18.0.111"));
        assertThat(i.providers().getFirst().values()).containsExactly(
                Map.entry("notify_master", "/bin/echo \"quoted # not a comment\""),
                Map.entry("notify_backup", "/bin/echo#not-a-comment"));
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void unknownKeywordsAreWarningsWithTheirLine() throws Exception {
        KeepalivedConfig c = Corpus.read("unknown-keyword.conf");
        assertThat(c.instances()).extracting(Instance::name).containsExactly("VI_UK");
        assertThat(Corpus.warnings(c)).containsExactly(
                "unknown-keyword.conf:7: unknown keyword 'frobnicate' in vrrp_instance; ignored",
                "unknown-keyword.conf:8: 'smtp_alert' in vrrp_instance is not supported by vrrp4j; ignored",
                "unknown-keyword.conf:9: 'virtual_routes' in vrrp_instance is not supported by vrrp4j; ignored",
                "unknown-keyword.conf:14: 'virtual_server' is not supported by vrrp4j; ignored",
                "unknown-keyword.conf:20: unknown keyword 'made_up_block'; ignored");
        assertThat(c.warnings().getFirst().toString())
                .isEqualTo(Corpus.file("unknown-keyword.conf") + ":7: unknown keyword 'frobnicate' in vrrp_instance; ignored");
    }

    @Test
    void everyCorpusFileRendersAndReadsBackToTheSameModel() throws Exception {
        List<Path> files;
        try (var s = Files.list(Corpus.dir())) {
            files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(14);
        for (Path f : files) {
            KeepalivedConfig c = KeepalivedConfigReader.read(f, n -> "testhost");
            Path out = tmp.resolve(f.getFileName());
            Files.writeString(out, EffectiveConfig.render(c));
            KeepalivedConfig back = KeepalivedConfigReader.read(out, n -> "testhost");
            assertThat(back.global()).as(f.toString()).isEqualTo(c.global());
            assertThat(back.scripts()).as(f.toString()).isEqualTo(c.scripts());
            assertThat(back.instances()).as(f.toString()).hasSameSizeAs(c.instances());
            for (int k = 0; k < c.instances().size(); k++) {
                Instance a = c.instances().get(k);
                Instance b = back.instances().get(k);
                VirtualRouterConfig expected = a.router().authKey().isPresent()
                        ? a.router().toBuilder().authKey(VrrpAuthKey.ofPassword(EffectiveConfig.MASK)).build()
                        : a.router();
                assertThat(b.router()).as(f + " " + a.name()).isEqualTo(expected);
                assertThat(b.initialState()).isEqualTo(a.initialState());
                assertThat(b.trackInterfaces()).isEqualTo(a.trackInterfaces());
                assertThat(b.trackScripts()).isEqualTo(a.trackScripts());
                assertThat(b.useVmac()).isEqualTo(a.useVmac());
                assertThat(b.vmacName()).isEqualTo(a.vmacName());
                assertThat(b.garp()).isEqualTo(a.garp());
                assertThat(b.providers()).extracting(ProviderBlock::type).isEqualTo(a.providers().stream().map(ProviderBlock::type).toList());
                for (int p = 0; p < a.providers().size(); p++) {
                    ProviderBlock pa = a.providers().get(p);
                    ProviderBlock pb = b.providers().get(p);
                    pa.values().forEach((key, v) -> assertThat(pb.values().get(key)).as(f + " " + key)
                            .isEqualTo(ProviderBlock.isSecretKey(key) ? EffectiveConfig.MASK : v));
                }
            }
            assertThat(back.syncGroups()).extracting(SyncGroup::name, SyncGroup::members)
                    .isEqualTo(c.syncGroups().stream().map(g -> org.assertj.core.groups.Tuple.tuple(g.name(), g.members())).toList());
        }
    }

    @Test
    void relativePathsStayRelativeInLocations() throws Exception {
        // surefire runs in the module directory
        Path main = Path.of("target/test-classes/keepalived-conf/include-main.conf");
        KeepalivedConfig c = KeepalivedConfigReader.read(main, n -> null);
        assertThat(c.locations().instance("VI_INC").orElseThrow().toString())
                .isEqualTo("target/test-classes/keepalived-conf/conf.d/20-instance.conf:2");
        assertThat(c.warnings().getLast().toString()).isEqualTo("target/test-classes/keepalived-conf/conf.d/"
                + "20-instance.conf:11: unknown keyword 'bogus_included_keyword' in vrrp_instance; ignored");
    }

    @Test
    void aDirectoryOrANamelessInstanceIsRefused() throws Exception {
        assertThatThrownBy(() -> KeepalivedConfigReader.read(tmp))
                .isInstanceOf(ConfigFileException.class).hasMessage(tmp + ":0: not a regular file");
        Path f = tmp.resolve("nameless.conf");
        Files.writeString(f, "\nvrrp_instance {\n}\n");
        assertThatThrownBy(() -> KeepalivedConfigReader.read(f))
                .isInstanceOf(ConfigFileException.class).hasMessage(f + ":2: vrrp_instance needs exactly one name");
    }

    @Test
    void aMissingFileIsAConfigFileException() {
        Path missing = tmp.resolve("nope.conf");
        assertThatThrownBy(() -> KeepalivedConfigReader.read(missing))
                .isInstanceOf(ConfigFileException.class)
                .hasMessage(missing + ":0: file not found");
    }
}
