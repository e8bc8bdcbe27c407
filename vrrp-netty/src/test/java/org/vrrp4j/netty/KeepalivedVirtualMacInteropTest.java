package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * vrrp4j with {@code virtualMac} beside keepalived 2.2.7 with {@code use_vmac}, IPv4 and IPv6 (VRRPv3):
 * both sides on macvlans with the same virtual MAC hear each other (private mode delivers a frame whose
 * source is the local macvlan's own MAC to that macvlan), vrrp4j hands over to keepalived on close
 * and takes the master role back by preemption.
 */
class KeepalivedVirtualMacInteropTest extends KeepalivedBesideNode {

    @BeforeEach
    void lab() throws Exception {
        namespaces("vt", "vm");
        lab.linkIpv6(k, v);
        NetnsLab.run("ip", "-n", k, "addr", "add", "198.18.1.1/24", "dev", "eth0");
        NetnsLab.run("ip", "-n", v, "addr", "add", "198.18.1.2/24", "dev", "eth0");
    }

    private static String keepalivedConf(boolean v6) {
        String addresses = v6 ? "fe80::1:1/64\n        2001:db8::100/64" : "198.18.1.100";
        return """
                global_defs {
                    vrrp_version 3
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    use_vmac
                    virtual_router_id 81
                    priority 100
                    advert_int 0.1
                    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(addresses);
    }

    private VrrpNode vrrp4j(boolean v6) throws Exception {
        VirtualRouterConfig cfg = v6 ? Ipv6NodeTest.v6("VI_1", 81, 200).build()
                : VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(81).priority(200)
                        .advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral("198.18.1.100")).build();
        return NetnsLab.inside(v, () -> VrrpNode.builder().addRouter(cfg).virtualMac("VI_1").gratuitousArp(1, Duration.ZERO)
                .listener(events.listener((router, to, reason) -> to.name())).build());
    }

    private void handOverAndPreemptBack(boolean v6) throws Exception {
        Duration slow = Duration.ofSeconds(3);
        String mac = v6 ? "00:00:5e:00:02:51" : "00:00:5e:00:01:51";
        node = vrrp4j(v6);
        keepalived.start(k, keepalivedConf(v6));
        events.await(slow, "MASTER");
        int at = keepalived.awaitLog("Entering BACKUP STATE", 0, slow);
        Thread.sleep(1000); // several Master_Down_Intervals: keepalived stays backup, so it hears us
        assertThat(keepalived.logText().indexOf("Entering MASTER STATE", at)).as("keepalived accepted our adverts").isNegative();
        assertThat(NetnsLab.run("ip", "-n", k, "-d", "link", "show", "vrrp.81")).as("keepalived's own vmac")
                .contains("link/ether " + mac).contains("macvlan");
        assertThat(NetnsLab.run("ip", "-n", v, "-d", "link", "show", "vrrp.81")).contains("link/ether " + mac);

        node.close(); // priority 0: keepalived takes over
        node = null;
        keepalived.awaitLog("Entering MASTER STATE", at, slow);
        assertThat(NetnsLab.run("ip", "-n", v, "link")).doesNotContain("vrrp.81");

        node = vrrp4j(v6); // back with the higher priority: preempts keepalived
        events.await(slow, "MASTER");
        keepalived.awaitLog("Entering BACKUP STATE", at + 1, slow);
        RouterStatus s = node.status().getFirst();
        assertThat(s.counters().advertisementsReceived()).as("vrrp4j heard keepalived through its macvlan").isPositive();
        assertThat(s.counters().droppedTotal()).as("drops: %s", s.counters().drops()).isZero();
        String log = keepalived.logText().toLowerCase(java.util.Locale.ROOT);
        assertThat(log).doesNotContain("invalid").doesNotContain("checksum").doesNotContain("bogus")
                .doesNotContain("mismatch");
    }

    @Test
    void ipv4() throws Exception {
        handOverAndPreemptBack(false);
    }

    @Test
    void ipv6() throws Exception {
        handOverAndPreemptBack(true);
    }
}
