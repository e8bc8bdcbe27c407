package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.Tutorial;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.lab.FailoverPairLab;

/**
 * Providers for people who keep keepalived, end to end: s1 and s2 each run keepalived 2.2.7 with the
 * tutorial's keepalived.conf (its notify scripts replaced by a {@code notify_fifo}) and
 * {@code vrrp4j failover-agent} with the netcup provider pointed at the REST stand-in. s1's agent starts
 * before its keepalived (the agent makes the FIFO), s2's after (keepalived makes it). The master's failover
 * IP is routed to it; s1's agent restarted while its keepalived is master learns MASTER at start and routes
 * the IP back; kill -9 of s1's keepalived moves the IP to s2 and s1's agent does not fight for it; s2's
 * keepalived reloads (a new FIFO); s1's keepalived back (priority 255) takes the IP again and s2's agent,
 * reading the new FIFO, lets go.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FailoverAgentKeepalivedTest {
    /** A step's bound: VRRP hand-over (3 x advert_int 2 s + skew) plus a REST routing, with a loaded machine's margin. */
    private static final Duration STEP = Duration.ofSeconds(30);
    private FailoverPairLab lab;

    @BeforeEach
    void lab() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        Prerequisites.require(Prerequisite.KEEPALIVED);
        lab = FailoverPairLab.create("v4jagt", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
    }

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    private Path fifo(int n) {
        return lab.dir().resolve("run-s" + n + "/notify.fifo");
    }

    private Path tmp(int n) {
        return lab.dir().resolve("tmp-s" + n);
    }

    /** The tutorial's keepalived.conf for s{@code n}: its notify scripts out, a notify FIFO in. */
    private String keepalivedConf(int n) throws Exception {
        String conf = Tutorial.keepalivedConf(n, FailoverPairLab.VIP);
        assertThat(conf).contains("notify_master /PATH/TO/YOUR/SCRIPT/to_master.sh");
        return "global_defs {\n    notify_fifo " + fifo(n) + "\n}\n\n"
                + conf.replaceAll("(?m)^\\s*notify_(master|backup|fault) .*$\\n", "");
    }

    private FailoverPairLab.Node keepalived(int n) throws Exception {
        Files.createDirectories(tmp(n));
        Files.createDirectories(fifo(n).getParent()); // keepalived makes the FIFO, not its directory
        return lab.startKeepalived(n, keepalivedConf(n), Map.of("TMPDIR", tmp(n).toString()), null);
    }

    private FailoverPairLab.Node agent(int n) throws Exception {
        Path conf = lab.dir().resolve("s" + n + "-failover.conf");
        Files.writeString(conf, lab.fill("""
                failover_provider netcup {
                    instance VI_1
                    api rest
                    failover_ip 198.18.200.7
                    server %d
                    api_url ${SCP}/scp-core
                    auth_url ${SCP}/realms/scp
                    token_file ${DIR}/s%d-token
                    task_poll 100ms
                    reverify 1s
                }
                """.formatted(FailoverPairLab.restServer(n), n)));
        return lab.startCommand(n, null, "failover-agent", "--fifo", fifo(n).toString(), "-f", conf.toString(),
                "--keepalived-pid", lab.dir().resolve("s" + n + ".pid").toString(),
                "--keepalived-data", tmp(n).resolve("keepalived.data").toString());
    }

    private boolean routedTo(int n) {
        return lab.rest().routedServerV4() == FailoverPairLab.restServer(n);
    }

    @Test
    void agentsFollowKeepalivedThroughARestartKillAndReturn() throws Exception {
        FailoverPairLab.Node agent1 = agent(1); // s1: the agent first, it makes the FIFO
        agent1.awaitLine("failover-agent started", 0, STEP);
        FailoverPairLab.Node keepalived1 = keepalived(1);
        FailoverPairLab.Node keepalived2 = keepalived(2); // s2: keepalived first, it makes the FIFO
        keepalived2.awaitLine("\\(VI_1\\) Entering BACKUP STATE", 0, STEP);
        FailoverPairLab.Node agent2 = agent(2);
        keepalived1.awaitLine("\\(VI_1\\) Entering MASTER STATE", 0, STEP);
        agent1.awaitLine("instance VI_1: MASTER", 0, STEP);
        FailoverPairLab.await("routed to s1", STEP, () -> routedTo(1));
        agent2.awaitLine("instance VI_1: BACKUP", 0, STEP);

        // s1's agent restarted while keepalived is master; meanwhile the IP went elsewhere (someone's hand)
        assertThat(agent1.terminate(Duration.ofSeconds(20))).as("SIGTERM: exit 0").isZero();
        assertThat(routedTo(1)).as("a stopping agent releases nothing").isTrue();
        lab.rest().routeV4To(999_999);
        agent1 = agent(1);
        agent1.awaitLine("instance VI_1: MASTER \\(keepalived's data dump\\)", 0, STEP);
        FailoverPairLab.await("routed back to s1 without a transition", STEP, () -> routedTo(1));
        assertThat(agent1.lines()).noneSatisfy(l -> assertThat(l.text()).contains("(FIFO)"));

        // kill -9 of s1's keepalived: s2's keepalived takes over, s2's agent routes the IP to s2
        int mark1 = agent1.mark();
        keepalived1.kill();
        agent1.awaitLine("keepalived \\(pid \\d+\\) is gone; treating \\[VI_1\\] as stopped", mark1, STEP);
        keepalived2.awaitLine("\\(VI_1\\) Entering MASTER STATE", 0, STEP);
        FailoverPairLab.await("routed to s2", STEP, () -> routedTo(2));
        assertThat(lab.holdsVip(1)).as("kill -9 leaves the address on s1: the addresses would lie").isTrue();
        // s1's agent re-verifies every second while it claims the IP; stopped, it must not take it back
        Thread.sleep(3_000);
        assertThat(routedTo(2)).as("s1's agent does not fight for the IP").isTrue();

        // s2's keepalived reloads: it removes the FIFO it created and makes a new one; s2's agent follows
        int reloadMark = agent2.mark();
        keepalived2.signal("HUP");
        agent2.awaitLine("was replaced or removed", reloadMark, STEP);

        // s1's keepalived returns (a reboot took its address) and preempts with priority 255
        new ProcessBuilder("ip", "-n", lab.host(1), "addr", "del", FailoverPairLab.VIP + "/32", "dev", "eth1").start()
                .waitFor();
        int mark2 = agent2.mark();
        keepalived1 = keepalived(1);
        keepalived1.awaitLine("\\(VI_1\\) Entering MASTER STATE", 0, STEP);
        agent2.awaitLine("instance VI_1: BACKUP \\(FIFO\\)", mark2, STEP);
        FailoverPairLab.await("routed back to s1", STEP, () -> routedTo(1));
        Thread.sleep(3_000);
        assertThat(routedTo(1)).as("s2's agent, backup again, does not fight for it").isTrue();
        String logs = String.join("\n", agent1.lines().stream().map(FailoverPairLab.Node.Line::text).toList())
                + String.join("\n", agent2.lines().stream().map(FailoverPairLab.Node.Line::text).toList());
        assertThat(logs).as("secrets never reach the log").doesNotContain("SECRET", "CUSTOM_P");
    }
}
