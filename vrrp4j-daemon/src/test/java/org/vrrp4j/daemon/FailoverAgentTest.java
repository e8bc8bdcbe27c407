package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.keepalived.FailoverAgentConfig;
import org.vrrp4j.keepalived.FailoverAgentConfigReader;
import org.vrrp4j.testkit.netcup.NetcupRestStandIn;

/**
 * The agent without keepalived: lines written into the FIFO as keepalived 2.2.7 writes them drive the
 * netcup provider against the REST stand-in on loopback. No keepalived runs (no pid file), so the agent
 * learns nothing at start and follows the FIFO alone.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FailoverAgentTest {
    /** A REST routing with 100 ms task polls takes well under a second; 20 s is the margin for a loaded machine. */
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final String IP = NetcupRestStandIn.FAILOVER_V4;

    @TempDir
    Path dir;
    private NetcupRestStandIn rest;
    private FailoverAgent agent;
    private RandomAccessFile keepalived;

    @BeforeEach
    void standIn() throws IOException {
        rest = new NetcupRestStandIn();
        rest.routeV4To(999_999); // elsewhere: the first master has to move it
        Files.writeString(dir.resolve("token"), NetcupRestStandIn.INITIAL_REFRESH_TOKEN + "\n");
    }

    @AfterEach
    void stop() throws IOException {
        if (agent != null) {
            agent.close();
        }
        if (keepalived != null) {
            keepalived.close();
        }
        rest.close();
    }

    private String block(String follows, long server) {
        return """
                failover_provider netcup {
                    %s
                    api rest
                    failover_ip %s
                    server %d
                    api_url %s
                    auth_url %s
                    token_file %s
                    task_poll 100ms
                }
                """.formatted(follows, IP, server, rest.api(), rest.realm(), dir.resolve("token"));
    }

    private FailoverAgent start(String conf) throws Exception {
        Path file = dir.resolve("failover.conf");
        Files.writeString(file, conf);
        FailoverAgentConfig c = FailoverAgentConfigReader.read(file);
        Path fifo = dir.resolve("run/notify.fifo");
        agent = FailoverAgent.start(file, c, new FailoverAgent.Options(fifo,
                new KeepalivedState(dir.resolve("no-keepalived.pid"), dir.resolve("keepalived.data")),
                Duration.ofMillis(100)));
        keepalived = new RandomAccessFile(fifo.toFile(), "rw");
        return agent;
    }

    private void write(String... lines) throws IOException {
        for (String l : lines) {
            keepalived.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + WITHIN.toNanos();
        while (!c.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(end);
            Thread.sleep(10);
        }
    }

    private boolean acquired(String router) {
        return agent.status().stream().anyMatch(s -> s.router().equals(router) && s.acquired());
    }

    private boolean idle(String router) {
        return agent.status().stream().filter(s -> s.router().equals(router)).noneMatch(s -> s.busy());
    }

    @Test
    void masterRoutesTheIpHereAndStopOrBackupLetsGo() throws Exception {
        start(block("instance VI_1", NetcupRestStandIn.SERVER_1));
        write("INSTANCE \"VI_1\" BACKUP 150");
        Thread.sleep(300);
        assertThat(rest.routedServerV4()).as("a backup does not route").isEqualTo(999_999);
        write("INSTANCE \"VI_1\" MASTER 150");
        await("routed to server 1", () -> rest.routedServerV4() == NetcupRestStandIn.SERVER_1);
        await("acquired", () -> acquired("VI_1"));
        write("INSTANCE \"VI_1\" STOP 150");
        await("released on STOP", () -> !acquired("VI_1") && idle("VI_1"));
        // another node's agent routes it away; this one, stopped, does not route it back
        rest.routeV4To(NetcupRestStandIn.SERVER_2);
        Thread.sleep(500);
        assertThat(rest.routedServerV4()).isEqualTo(NetcupRestStandIn.SERVER_2);
    }

    @Test
    void theNewestRoleWinsWhenRolesComeFasterThanTheProvider() throws Exception {
        rest.delay(1_500, "/failoverips"); // the routing call takes a while
        start(block("instance VI_1", NetcupRestStandIn.SERVER_1));
        long patchesBefore = rest.patches();
        write("INSTANCE \"VI_1\" MASTER 150", "INSTANCE \"VI_1\" BACKUP 150");
        await("settled", () -> idle("VI_1"));
        Thread.sleep(2_000); // longer than the slowed call: a call that was not cancelled would have routed by now
        assertThat(acquired("VI_1")).isFalse();
        assertThat(rest.routedServerV4()).as("the role that came last (BACKUP) won").isEqualTo(999_999);
        assertThat(rest.patches()).isEqualTo(patchesBefore);
    }

    @Test
    void aSyncGroupsLinesDriveItsBlockAndInstanceLinesDoNot() throws Exception {
        start(block("group G1", NetcupRestStandIn.SERVER_2));
        write("INSTANCE \"VI_1\" MASTER 150");
        Thread.sleep(300);
        assertThat(rest.routedServerV4()).isEqualTo(999_999);
        write("GROUP \"G1\" MASTER 0");
        await("routed to server 2", () -> rest.routedServerV4() == NetcupRestStandIn.SERVER_2);
    }

    @Test
    void malformedLinesAreCountedAndNeverStopTheAgent() throws Exception {
        start(block("instance VI_1", NetcupRestStandIn.SERVER_1));
        write("garbage", "INSTANCE \"VI_1\" MASTER", "INSTANCE \"VI_1\" {UNKNOWN} 100", "\u0000\u0001",
                "VS [198.18.0.15]:tcp:80 UP", "INSTANCE \"VI_1\" MASTER 150");
        await("routed after the garbage", () -> rest.routedServerV4() == NetcupRestStandIn.SERVER_1);
        assertThat(agent.malformedLines()).as("4 malformed; the checker's VS line is not").isEqualTo(4);
    }

    @Test
    void aReloadBindsNewBlocksToTheRoleKeepalivedHasNowAndARefusedOneChangesNothing() throws Exception {
        start(block("instance VI_1", NetcupRestStandIn.SERVER_1));
        write("INSTANCE \"VI_2\" MASTER 100", "INSTANCE \"VI_1\" BACKUP 150");
        Thread.sleep(300);
        Path next = dir.resolve("next.conf");
        Files.writeString(next, block("instance VI_1", NetcupRestStandIn.SERVER_1) + "failover_provider nosuch {\n instance VI_2\n}\n");
        assertThatThrownBy(() -> agent.reloadAndWait(FailoverAgentConfigReader.read(next)))
                .isInstanceOf(LaunchException.class).hasMessageContaining("next.conf:11: failover_provider nosuch");
        Files.writeString(next, block("instance VI_2", NetcupRestStandIn.SERVER_2));
        String summary = agent.reloadAndWait(FailoverAgentConfigReader.read(next));
        assertThat(summary).contains("removed [VI_1]", "added [VI_2]");
        await("VI_2, master since before the reload, routed to server 2",
                () -> rest.routedServerV4() == NetcupRestStandIn.SERVER_2);
    }
}
