package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.FailoverPairLab;
import org.vrrp4j.testkit.lab.FailoverPairLab.Node;

/**
 * Reloads are atomic: a file that cannot be applied (an interface that does not exist, a provider
 * block that does not construct) changes nothing, the master keeps its address and sends no priority
 * 0; a change to a {@code failover_provider} block alone rebinds the provider without restarting the
 * router: no failover, no re-route.
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReloadTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private FailoverPairLab lab;

    @BeforeEach
    void lab() throws Exception {
        lab = FailoverPairLab.create("v4jrld", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
    }

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    private String conf(int n, int priority, String taskPoll, String extra) {
        return lab.fill("""
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth1
                    virtual_router_id 71
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        198.18.1.100/24
                    }
                    failover_provider netcup {
                        api rest
                        failover_ip 198.18.200.7
                        server %d
                        api_url ${SCP}/scp-core
                        auth_url ${SCP}/realms/scp
                        token_file ${DIR}/s%d-token
                        task_poll %s
                    }
                }
                %s""".formatted(priority, FailoverPairLab.restServer(n), n, taskPoll, extra));
    }

    @Test
    void aFileThatCannotBeAppliedChangesNothingAndAProviderOnlyChangeDoesNotFailOver() throws Exception {
        Node s1 = lab.startVrrp4j(1, conf(1, 150, "100ms", ""), null);
        Node s2 = lab.startVrrp4j(2, conf(2, 100, "100ms", ""), null);
        s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
        s2.awaitLine("VI_1: \\w+ -> BACKUP", 0, STEP);
        FailoverPairLab.await("routed to s1", STEP, () -> lab.rest().routedServerV4() == FailoverPairLab.restServer(1));
        long patches = lab.rest().patches();
        int mark1 = s1.mark();
        int mark2 = s2.mark();

        // the running instance moved to an interface that does not exist: refused before anything changes
        // (it used to stop VI_1, priority 0 and all, and then fail to start it again)
        Files.writeString(lab.configFile(1), conf(1, 150, "100ms", "").replace("interface eth1", "interface eth9"));
        s1.signal("HUP");
        s1.awaitLine("reload refused, the running configuration stays: .*VI_1 .*interface eth9 does not exist", mark1, STEP);

        // a provider block that does not construct: refused too
        Files.writeString(lab.configFile(1), conf(1, 150, "100ms", "").replace("task_poll 100ms", "task_pol 100ms"));
        s1.signal("HUP");
        s1.awaitLine("reload refused, the running configuration stays: .*task_pol", mark1, STEP);

        // only the provider block changes: new provider, same router, no failover, no re-route
        Files.writeString(lab.configFile(1), conf(1, 150, "250ms", ""));
        s1.signal("HUP");
        s1.awaitLine("reloaded .*kept \\[\\], changed in place \\[\\], new providers \\[VI_1\\], stopped \\[\\], started \\[\\]", mark1, STEP);

        // a last advert interval's worth of quiet: had s1 sent priority 0, s2 would be master by now
        Thread.sleep(1_500);
        assertThat(lines(s1, mark1)).as("s1 never left MASTER").noneMatch(l -> l.matches(".*VI_1: MASTER -> .*"));
        assertThat(lines(s2, mark2)).as("s2 never took over").noneMatch(l -> l.matches(".*VI_1: \\w+ -> MASTER.*"));
        assertThat(lab.holdsVip(1)).isTrue();
        assertThat(lab.holdsVip(2)).isFalse();
        assertThat(lab.rest().routedServerV4()).isEqualTo(FailoverPairLab.restServer(1));
        assertThat(lab.rest().patches()).as("no routing change was sent").isEqualTo(patches);
        assertThat(s1.process().isAlive()).isTrue();
    }

    private static List<String> lines(Node n, int from) {
        return n.lines().subList(from, n.lines().size()).stream().map(Node.Line::text).toList();
    }
}
