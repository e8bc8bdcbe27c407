package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * vrrp4j and keepalived 2.2.7 on one link, in both roles each way: VRRPv2 with auth_type PASS (the
 * seed's configuration, addresses moved to 198.18.0.0/15), VRRPv3 over IPv4, and unicast peers.
 * keepalived's log must show it accepted our adverts (no invalid/checksum/bogus lines).
 */
class KeepalivedInteropTest extends KeepalivedBesideNode {
    private static final String VIP = "198.18.1.100";

    enum Mode { V2_PASS, V3, V3_UNICAST }

    @BeforeEach
    void lab() throws Exception {
        namespaces("vt", "s1");
        lab.link(k, "198.18.1.1/24", v, "198.18.1.2/24");
    }

    private static String keepalivedConf(Mode mode, int priority) {
        return keepalivedConf(mode, priority, Duration.ofMillis(100));
    }

    /** VI_1 for keepalived; {@code v3Advert} is the VRRPv3 interval (v2 runs at 1 s). */
    private static String keepalivedConf(Mode mode, int priority, Duration v3Advert) {
        String auth = mode == Mode.V2_PASS ? """
                    authentication {
                        auth_type PASS
                        auth_pass CUSTOM_PASSWORD
                    }
                """ : "";
        String unicast = mode == Mode.V3_UNICAST ? """
                    unicast_src_ip 198.18.1.1
                    unicast_peer {
                        198.18.1.2
                    }
                """ : "";
        return """
                global_defs {
                    vrrp_version %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 101
                    priority %d
                    advert_int %s
                %s%s    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(mode == Mode.V2_PASS ? "2" : "3", priority,
                        mode == Mode.V2_PASS ? "1" : java.math.BigDecimal.valueOf(v3Advert.toMillis(), 3).stripTrailingZeros().toPlainString(),
                        auth, unicast, VIP);
    }

    private VrrpNode vrrp4j(Mode mode, int priority) throws Exception {
        return vrrp4j(mode, priority, Duration.ofMillis(100));
    }

    private VrrpNode vrrp4j(Mode mode, int priority, Duration v3Advert) throws Exception {
        VirtualRouterConfig.Builder b = VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(101)
                .priority(priority).addVirtualAddress(InetAddress.ofLiteral(VIP));
        if (mode == Mode.V2_PASS) {
            b.version(VrrpVersion.V2).advertInterval(Duration.ofSeconds(1)).authKey(VrrpAuthKey.ofPassword("CUSTOM_PASSWORD"));
        } else {
            b.version(VrrpVersion.V3).advertInterval(v3Advert);
        }
        if (mode == Mode.V3_UNICAST) {
            b.unicastSource(InetAddress.ofLiteral("198.18.1.2")).addUnicastPeer(InetAddress.ofLiteral("198.18.1.1"));
        }
        VirtualRouterConfig cfg = b.build();
        return NetnsLab.inside(v, () -> VrrpNode.builder().addRouter(cfg).gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> to.name())).build());
    }

    private void assertKeepalivedAcceptedEverything() throws Exception {
        String log = keepalived.logText().toLowerCase(java.util.Locale.ROOT);
        assertThat(log).doesNotContain("invalid").doesNotContain("checksum").doesNotContain("bogus")
                .doesNotContain("receive an invalid").doesNotContain("ip address associated with vrid mismatch")
                .doesNotContain("advertisement interval mismatch");
    }

    private void keepalivedMasterVrrp4jBackupThenFailoverBothWays(Mode mode) throws Exception {
        Duration slow = mode == Mode.V2_PASS ? Duration.ofSeconds(6) : Duration.ofSeconds(3);
        keepalived.start(k, keepalivedConf(mode, 255)); // the owner goes master at once
        int at = keepalived.awaitLog("Entering MASTER STATE", 0, slow);
        node = vrrp4j(mode, 254);
        events.await(slow, "BACKUP");
        Thread.sleep(mode == Mode.V2_PASS ? 2500 : 500);
        RouterStatus s = node.status().getFirst();
        assertThat(s.state()).isEqualTo(State.BACKUP);
        assertThat(s.counters().advertisementsReceived()).as("vrrp4j accepts keepalived's adverts").isPositive();
        assertThat(s.counters().droppedTotal()).as("and drops none: %s", s.counters().drops()).isZero();
        assertThat(s.master()).contains(InetAddress.ofLiteral("198.18.1.1"));

        keepalived.kill(); // crash: vrrp4j takes over after Master_Down_Interval
        events.await(slow, "MASTER");
        assertThat(NetnsLab.run("ip", "-n", v, "-4", "addr", "show", "dev", "eth0")).contains(VIP + "/32");

        keepalived.start(k, keepalivedConf(mode, 255)); // back: it preempts (owner), vrrp4j steps down
        keepalived.awaitLog("Entering MASTER STATE", at, slow);
        events.await(slow, "BACKUP");
        assertKeepalivedAcceptedEverything();
    }

    private void vrrp4jMasterKeepalivedBackupThenHandOver(Mode mode) throws Exception {
        // 1 s adverts in every mode: with 100 ms a silent take-over could come 261 ms after the stop, too close
        // to Skew_Time (61 ms) to tell the two apart with a margin for a loaded machine
        ProtocolTimes times = new ProtocolTimes(mode == Mode.V2_PASS ? VrrpVersion.V2 : VrrpVersion.V3, 100, Duration.ofSeconds(1));
        Duration slow = times.silentTakeOverBound().plusSeconds(2); // a start-up's Master_Down_Interval, and a process start
        node = vrrp4j(mode, 200, times.advert());
        keepalived.start(k, keepalivedConf(mode, 100, times.advert()));
        events.await(slow, "MASTER");
        int at = keepalived.awaitLog("Entering BACKUP STATE", 0, slow);
        Thread.sleep(times.masterDown().toMillis() + 500); // past keepalived's Master_Down_Interval: it stays backup
        assertThat(keepalived.logText().indexOf("Entering MASTER STATE", at)).as("keepalived accepted our adverts").isNegative();
        long t0 = System.nanoTime();
        node.close(); // priority 0: keepalived takes over after its Skew_Time
        node = null;
        keepalived.awaitLog("Entering MASTER STATE", at, slow);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).as("hand-over on priority 0: Skew_Time, before any silent take-over")
                .isLessThan(times.priorityZeroBound());
        assertKeepalivedAcceptedEverything();
    }

    @Test
    void v2PassKeepalivedMasterVrrp4jBackup() throws Exception {
        keepalivedMasterVrrp4jBackupThenFailoverBothWays(Mode.V2_PASS);
    }

    @Test
    void v2PassVrrp4jMasterKeepalivedBackup() throws Exception {
        vrrp4jMasterKeepalivedBackupThenHandOver(Mode.V2_PASS);
    }

    @Test
    void v3KeepalivedMasterVrrp4jBackup() throws Exception {
        keepalivedMasterVrrp4jBackupThenFailoverBothWays(Mode.V3);
    }

    @Test
    void v3Vrrp4jMasterKeepalivedBackup() throws Exception {
        vrrp4jMasterKeepalivedBackupThenHandOver(Mode.V3);
    }

    @Test
    void unicastKeepalivedMasterVrrp4jBackup() throws Exception {
        keepalivedMasterVrrp4jBackupThenFailoverBothWays(Mode.V3_UNICAST);
    }

    @Test
    void unicastVrrp4jMasterKeepalivedBackup() throws Exception {
        vrrp4jMasterKeepalivedBackupThenHandOver(Mode.V3_UNICAST);
    }
}
