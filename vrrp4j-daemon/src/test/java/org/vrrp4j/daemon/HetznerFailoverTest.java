package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.packet.IpLiterals;
import org.vrrp4j.testkit.hetzner.HcloudStandIn;
import org.vrrp4j.testkit.hetzner.HetznerRobotStandIn;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.lab.FailoverPairLab;

/**
 * The Hetzner providers end to end: s1 and s2 run {@code vrrp4j run} with the seed's keepalived.conf and a
 * {@code hcloud} (Floating IP, alias IP) or {@code hetzner_robot} block pointed at the stand-ins, which listen
 * in the lab's stand-in namespace on the lab switch like netcup's; kill -9 of the master, and the stand-in
 * shows the resource on the new master.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HetznerFailoverTest {
    /** A daemon's start (a JVM, its warm-up) on a loaded 2-CPU machine; the protocol's own steps are seconds. */
    private static final Duration START = Duration.ofSeconds(90);
    /** Master_Down_Interval (3 x advert_int 2 s + skew) plus the provider's calls, with a wide margin. */
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final String CLOUD = "http://" + FailoverPairLab.SCP_ADDRESS + ":8082/v1";
    private static final String ROBOT = "http://" + FailoverPairLab.SCP_ADDRESS + ":8083";
    private FailoverPairLab lab;
    private HcloudStandIn cloud;
    private HetznerRobotStandIn robot;

    @BeforeEach
    void lab() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        lab = FailoverPairLab.create("v4jhz", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
        InetSocketAddress scp = new InetSocketAddress(IpLiterals.parse(FailoverPairLab.SCP_ADDRESS), 0);
        cloud = lab.inStandInNamespace(() -> new HcloudStandIn(new InetSocketAddress(scp.getAddress(), 8082)));
        robot = lab.inStandInNamespace(() -> new HetznerRobotStandIn(new InetSocketAddress(scp.getAddress(), 8083)));
        lab.secretFile("hcloud-token", HcloudStandIn.TOKEN);
        lab.secretFile("robot-password", HetznerRobotStandIn.PASSWORD);
    }

    @AfterEach
    void cleanup() {
        if (cloud != null) {
            cloud.close();
        }
        if (robot != null) {
            robot.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private String config(int n, String block) throws Exception {
        return lab.fill(SeedScenarioTest.seedWithProvider(n, block.formatted(n)));
    }

    /** Starts both daemons, waits for s1 to hold {@code resource}, kills s1, waits for s2 to hold it. */
    private void killTheMaster(String block, String resource, java.util.function.IntPredicate heldBy) throws Exception {
        FailoverPairLab.Node s1 = lab.startVrrp4j(1, config(1, block), null);
        FailoverPairLab.Node s2 = lab.startVrrp4j(2, config(2, block), null);
        s1.awaitLine("VI_1: \\w+ -> MASTER", 0, START);
        s2.awaitLine("VI_1: \\w+ -> BACKUP", 0, START);
        FailoverPairLab.await(resource + " on s1", STEP, () -> heldBy.test(1));
        int mark = s2.mark();
        s1.kill();
        s2.awaitLine("VI_1: BACKUP -> MASTER", mark, STEP);
        FailoverPairLab.await(resource + " on s2 after kill -9 of s1", STEP, () -> heldBy.test(2));
        assertThat(lab.holdsVip(2)).isTrue();
        String log = String.join("\n", s2.lines().stream().map(FailoverPairLab.Node.Line::text).toList())
                + String.join("\n", s1.lines().stream().map(FailoverPairLab.Node.Line::text).toList());
        assertThat(log).as("secrets never reach the log").doesNotContain(HcloudStandIn.TOKEN, HetznerRobotStandIn.PASSWORD);
    }

    private static long server(int n) {
        return HcloudStandIn.SERVERS.get(n - 1);
    }

    @Test
    void aFloatingIpFollowsTheMaster() throws Exception {
        killTheMaster("""
                    failover_provider hcloud {
                        floating_ip %s
                        server s%%d
                        token_file ${DIR}/hcloud-token
                        api_url %s
                        action_poll 100ms
                    }
                """.formatted(HcloudStandIn.FLOATING_IPV4, CLOUD), "Floating IP",
                n -> cloud.assignedServer(HcloudStandIn.FLOATING_IPV4_ID) == server(n));
    }

    @Test
    void anAliasIpFollowsTheMasterAndOtherAliasesStay() throws Exception {
        killTheMaster("""
                    failover_provider hcloud {
                        alias_ip %s
                        network %s
                        server s%%d
                        token_file ${DIR}/hcloud-token
                        api_url %s
                        action_poll 100ms
                    }
                """.formatted(HcloudStandIn.ALIAS_IP, HcloudStandIn.NETWORK_NAME, CLOUD), "alias IP",
                n -> cloud.aliasHolders(HcloudStandIn.ALIAS_IP).equals(List.of(server(n))));
        assertThat(cloud.aliasIps(server(1))).containsExactly(HcloudStandIn.otherAlias(1));
        assertThat(cloud.aliasIps(server(2))).containsExactly(HcloudStandIn.otherAlias(2), HcloudStandIn.ALIAS_IP);
    }

    @Test
    void aRobotFailoverIpFollowsTheMaster() throws Exception {
        robot.switchTime(Duration.ofSeconds(2)); // synchronous and slow like Robot's, scaled down
        killTheMaster("""
                    failover_provider hetzner_robot {
                        failover_ip %s
                        server_ip 198.18.1.%%d
                        user "%s"
                        password_file ${DIR}/robot-password
                        api_url %s
                    }
                """.formatted(HetznerRobotStandIn.FAILOVER_IP, HetznerRobotStandIn.USER, ROBOT), "Robot failover IP",
                n -> HetznerRobotStandIn.SERVER_IPS.get(n - 1).equals(robot.activeServerIp(HetznerRobotStandIn.FAILOVER_IP)));
        assertThat(robot.failedLogins()).isZero();
    }
}
