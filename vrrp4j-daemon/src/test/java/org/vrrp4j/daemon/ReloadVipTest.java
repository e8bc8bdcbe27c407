package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * A VIP added to and removed from a running pair by reload, as operators do it: edit both files, SIGHUP
 * both daemons. As with keepalived, the address appears on (and disappears from) the master only, and the
 * instance keeps running: no failover, no priority 0 sent or received.
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReloadVipTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final String SECOND_VIP = "198.18.1.101";
    private FailoverPairLab lab;

    @BeforeEach
    void lab() throws Exception {
        lab = FailoverPairLab.create("v4jrv", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
    }

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String conf(int priority, String... vips) {
        return """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth1
                    virtual_router_id 72
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                %s    }
                }
                """.formatted(priority, String.join("", java.util.Arrays.stream(vips).map(v -> "        " + v + "\n").toList()));
    }

    @Test
    void aVipAddedAndRemovedByReloadAppearsAndGoesOnTheMasterOnlyWithoutAFailover() throws Exception {
        Node s1 = lab.startVrrp4j(1, conf(150, FailoverPairLab.VIP), null);
        Node s2 = lab.startVrrp4j(2, conf(100, FailoverPairLab.VIP), null);
        s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
        s2.awaitLine("VI_1: \\w+ -> BACKUP", 0, STEP);
        s1.awaitLine("serving /status and /metrics on http://127.0.0.1:9112", 0, STEP);
        s2.awaitLine("serving /status and /metrics on http://127.0.0.1:9112", 0, STEP);
        int mark1 = s1.mark();
        int mark2 = s2.mark();
        // counters since start: s2 may have been master for a moment before s1's first advert reached it
        double zeroSent1 = metric(1, "vrrp4j_priority_zero_sent_total");
        double zeroReceived2 = metric(2, "vrrp4j_priority_zero_received_total");
        double masters2 = metric(2, "vrrp4j_master_transitions_total");

        // added: both files, both daemons reloaded, the backup first as a careful operator does
        reload(s2, 2, conf(100, FailoverPairLab.VIP, SECOND_VIP));
        reload(s1, 1, conf(150, FailoverPairLab.VIP, SECOND_VIP));
        FailoverPairLab.await("the new VIP on the master", STEP, () -> holds(1, SECOND_VIP));
        Thread.sleep(1_500); // an advert interval and a half: a backup that took over would hold it by now
        assertThat(holds(1, FailoverPairLab.VIP)).as("the master keeps the first VIP").isTrue();
        assertThat(holds(2, SECOND_VIP) || holds(2, FailoverPairLab.VIP)).as("the backup holds neither").isFalse();

        // removed again
        reload(s2, 2, conf(100, FailoverPairLab.VIP));
        reload(s1, 1, conf(150, FailoverPairLab.VIP));
        FailoverPairLab.await("the removed VIP gone from the master", STEP, () -> !holds(1, SECOND_VIP));
        Thread.sleep(1_500);
        assertThat(holds(1, FailoverPairLab.VIP)).as("the master keeps the first VIP").isTrue();
        assertThat(holds(2, SECOND_VIP) || holds(2, FailoverPairLab.VIP)).as("the backup holds neither").isFalse();

        assertThat(texts(s1, mark1)).as("s1 never left MASTER").noneMatch(l -> l.matches(".*VI_1: MASTER -> .*"));
        assertThat(texts(s2, mark2)).as("s2 never took over").noneMatch(l -> l.matches(".*VI_1: \\w+ -> MASTER.*"));
        assertThat(metric(1, "vrrp4j_priority_zero_sent_total")).as("s1 sent no priority 0").isEqualTo(zeroSent1);
        assertThat(metric(2, "vrrp4j_priority_zero_received_total")).as("s2 heard no priority 0").isEqualTo(zeroReceived2);
        assertThat(metric(2, "vrrp4j_master_transitions_total")).as("s2 was never master again").isEqualTo(masters2);
    }

    private void reload(Node node, int n, String config) throws Exception {
        int mark = node.mark();
        Files.writeString(lab.configFile(n), config);
        node.signal("HUP");
        node.awaitLine("reloaded ", mark, STEP);
    }

    private boolean holds(int n, String vip) {
        try {
            return NetnsLab.run("ip", "-n", lab.host(n), "-4", "addr", "show", "dev", "eth1").contains(" " + vip + "/");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A router metric of VI_1 from host n's /metrics, read over loopback inside its namespace. */
    private double metric(int n, String name) throws Exception {
        String body = NetnsLab.inside(lab.host(n), () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 9112), 5_000);
                s.setSoTimeout(5_000);
                s.getOutputStream().write("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        List<String> lines = body.lines().filter(l -> l.startsWith(name + "{") && l.contains("router=\"VI_1\"")).toList();
        assertThat(lines).as(name + " in host " + n + "'s /metrics").hasSize(1);
        return Double.parseDouble(lines.getFirst().substring(lines.getFirst().lastIndexOf(' ') + 1));
    }

    private static List<String> texts(Node n, int from) {
        List<Node.Line> l = n.lines();
        return l.subList(from, l.size()).stream().map(Node.Line::text).toList();
    }
}
