package org.vrrp4j.daemon;

import org.vrrp4j.testkit.lab.FailoverPairLab;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrp4j.testkit.Tutorial;
import org.vrrp4j.testkit.netcup.NetcupSoapStandIn;

/**
 * A mixed pair, as during a migration: s1 is keepalived 2.2.7 with the seed's configuration and the
 * seed's own notify scripts (to_master.sh calls the SOAP stand-in with curl), s2 is vrrp4j with the
 * seed's configuration and the netcup provider. Failover both ways.
 */
class MixedKeepalivedTest {
    private static final Duration STEP = Duration.ofSeconds(25);
    private FailoverPairLab lab;

    @BeforeEach
    void lab() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        Prerequisites.require(Prerequisite.KEEPALIVED);
        Prerequisites.require(Prerequisite.CURL);
        lab = FailoverPairLab.create("v4jmix", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
    }

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    /** s1's keepalived.conf and the seed's scripts, filled in as the tutorial tells its readers to. */
    private String keepalivedS1() throws Exception {
        Path scripts = lab.dir();
        String toMaster = Tutorial.script("to_master.sh")
                .replace("YOUR_LOGIN_NAME", NetcupSoapStandIn.LOGIN)
                .replace("YOUR_WEBSERVICE_PASSWORD", NetcupSoapStandIn.PASSWORD)
                .replace("YOUR_FAILOVER_IP", NetcupSoapStandIn.FAILOVER)
                .replace("YOUR_VSERVER_NAME", NetcupSoapStandIn.SERVER_1)
                .replace("YOUR_VSERVER_MAC", lab.soap().mac(NetcupSoapStandIn.SERVER_1))
                .replace("https://www.servercontrolpanel.de:443/WSEndUser?xsd=1", lab.fill("${SOAP}"));
        assertThat(toMaster).doesNotContain("servercontrolpanel.de"); // never the real endpoint
        write(scripts.resolve("to_master.sh"), toMaster);
        write(scripts.resolve("to_backup.sh"), Tutorial.script("to_backup.sh"));
        return Tutorial.keepalivedConf(1, FailoverPairLab.VIP)
                .replace("/PATH/TO/YOUR/SCRIPT", scripts.toString());
    }

    private static void write(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void keepalivedS1AndVrrp4jS2FailOverBothWays() throws Exception {
        lab.soap().route(NetcupSoapStandIn.SERVER_2); // s1's to_master.sh has to move it
        String s1Conf = keepalivedS1();
        FailoverPairLab.Node s1 = lab.startKeepalived(1, s1Conf, null);
        FailoverPairLab.Node s2 = lab.startVrrp4j(2, SeedScenarioTest.soap(lab, 2), null);
        s1.awaitLine("\\(VI_1\\) Entering MASTER STATE", 0, STEP);
        long backupAt = s2.awaitLine("VI_1: \\w+ -> BACKUP", 0, STEP).atNanos();
        FailoverPairLab.await("to_master.sh routed the IP to s1", STEP,
                () -> NetcupSoapStandIn.SERVER_1.equals(lab.soap().routedServer()));
        // a backup deaf to keepalived's adverts would become master Master_Down_Interval after entering BACKUP
        // (VRRPv2, RFC 3768: 3 x advert_int 2 s + Skew_Time (256-254)/256 s = 6.008 s); wait that long and
        // 1.5 s more, a margin for a loaded 2-vCPU machine
        long deafMasterAt = backupAt + Duration.ofMillis(6_008 + 1_500).toNanos();
        long left = deafMasterAt - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
        assertThat(s2.lines()).as("vrrp4j accepts keepalived's adverts and stays backup")
                .noneSatisfy(l -> assertThat(l.text()).contains("-> MASTER"));

        // keepalived dies: vrrp4j takes over and routes the IP to s2
        int mark = s2.mark();
        s1.kill();
        s2.awaitLine("VI_1: BACKUP -> MASTER", mark, STEP);
        FailoverPairLab.await("vrrp4j routed the IP to s2", STEP, () -> NetcupSoapStandIn.SERVER_2.equals(lab.soap().routedServer()));
        assertThat(lab.holdsVip(2)).isTrue();

        // keepalived returns with priority 255: vrrp4j yields, the seed's script routes the IP back
        new ProcessBuilder("ip", "-n", lab.host(1), "addr", "del", FailoverPairLab.VIP + "/32", "dev", "eth1").start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS); // bounded: no wait without an end
        mark = s2.mark();
        s1 = lab.startKeepalived(1, s1Conf, null);
        s1.awaitLine("\\(VI_1\\) Entering MASTER STATE", 0, STEP);
        s2.awaitLine("VI_1: MASTER -> BACKUP", mark, STEP);
        FailoverPairLab.await("to_master.sh routed the IP back to s1", STEP,
                () -> NetcupSoapStandIn.SERVER_1.equals(lab.soap().routedServer()));
        assertThat(lab.holdsVip(1)).isTrue();
        assertThat(lab.holdsVip(2)).isFalse();
        assertThat(s1.lines()).as("keepalived accepted vrrp4j's adverts")
                .noneSatisfy(l -> assertThat(l.text()).containsIgnoringCase("invalid"));
    }
}
