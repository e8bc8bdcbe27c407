package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.FailoverPairLab;

/**
 * What operators coming from keepalived read, end to end in a namespace: keepalived's own log lines for
 * instance and sync group state changes, {@code vrrp4j status} without flags right after start (status
 * is served on loopback by default), and keepalived_exporter's metric names.
 */
@Requires({Prerequisite.NETNS, Prerequisite.CURL})
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ObservabilityLabTest {
    private static final Duration STEP = Duration.ofSeconds(20);
    private FailoverPairLab lab;

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    private List<String> inLab(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.host(1)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().toList();
    }

    @Test
    void keepalivedsLogLinesStatusWithoutFlagsAndExporterNames() throws Exception {
        lab = FailoverPairLab.create("v4jobs", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
        Path healthy = lab.dir().resolve("healthy");
        Files.writeString(healthy, "");
        String conf = """
                vrrp_script chk_healthy {
                    script "test -f %s"
                    interval 1
                    fall 1
                    rise 1
                }
                vrrp_sync_group G1 {
                    group {
                        VI_1
                        VI_2
                    }
                }
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 51
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        198.18.1.100
                    }
                    track_script {
                        chk_healthy
                    }
                    notify_master "/bin/true"
                }
                vrrp_instance VI_2 {
                    interface eth1
                    virtual_router_id 52
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        198.18.1.101/24
                    }
                }
                """.formatted(healthy);
        FailoverPairLab.Node node = lab.startVrrp4j(1, conf, null, "--metrics-names", "keepalived");
        node.awaitLine("\\(VI_1\\) Entering BACKUP STATE \\(init\\)$", 0, STEP);
        node.awaitLine("\\(VI_1\\) Entering MASTER STATE$", 0, STEP);
        node.awaitLine("\\(VI_2\\) Entering MASTER STATE$", 0, STEP);
        node.awaitLine("VRRP_Group\\(G1\\) Syncing instances to MASTER state$", 0, STEP);
        node.awaitLine("serving /status and /metrics on http://127.0.0.1:9112", 0, STEP);

        // vrrp4j status finds the daemon without flags
        List<String> status = inLab(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Vrrp4j.class.getName(), "status");
        assertThat(status).anySatisfy(l -> assertThat(l).contains("VI_1").contains("51").contains("MASTER"));
        assertThat(status).anySatisfy(l -> assertThat(l).contains("VI_2").contains("52").contains("MASTER"));

        List<String> metrics = inLab("curl", "-s", "http://127.0.0.1:9112/metrics");
        assertThat(metrics).contains(
                "keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth1\",vrid=\"51\",ip_address=\"198.18.1.100\"} 2",
                "keepalived_vrrp_state{iname=\"VI_2\",intf=\"eth1\",vrid=\"52\",ip_address=\"198.18.1.101/24\"} 2",
                "keepalived_up 1",
                "vrrp4j_sync_group_state{group=\"G1\"} 2");
        assertThat(metrics).anySatisfy(l -> assertThat(l)
                .matches("keepalived_vrrp_advert_sent\\{name=\"VI_1\",intf=\"eth1\",vrid=\"51\",state=\"MASTER\"} [1-9]\\d*"));
        assertThat(metrics).anySatisfy(l -> assertThat(l)
                .matches("keepalived_advertisements_sent_total\\{iname=\"VI_1\",intf=\"eth1\",vrid=\"51\"} [1-9]\\d*"));
        // the notify script ran through the exec provider: its call counted, timed, and its success time set
        FailoverPairLab.await("the notify_master call counted", STEP, () -> {
            try {
                return inLab("curl", "-s", "http://127.0.0.1:9112/metrics").stream().anyMatch(l -> l.matches(
                        "vrrp4j_failover_calls_total\\{router=\"VI_1\",resource=\"[^\"]+\",provider=\"exec\","
                                + "step=\"acquire\",outcome=\"done\"} 1"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        metrics = inLab("curl", "-s", "http://127.0.0.1:9112/metrics");
        assertThat(metrics).anySatisfy(l -> assertThat(l).matches(
                "vrrp4j_failover_call_duration_seconds_count\\{router=\"VI_1\",resource=\"[^\"]+\",provider=\"exec\","
                        + "step=\"acquire\"} 1"));
        assertThat(metrics).anySatisfy(l -> assertThat(l).matches(
                "vrrp4j_failover_last_success_timestamp_seconds\\{router=\"VI_1\",resource=\"[^\"]+\",provider=\"exec\"} 1\\d{9}(\\.\\d+)?"));
        assertThat(metrics).anySatisfy(l -> assertThat(l).startsWith("vrrp4j_build_info{version=\""));

        // the tracked script fails: the group goes to FAULT with keepalived's words, and comes back
        int mark = node.mark();
        Files.delete(healthy);
        node.awaitLine("\\(VI_1\\) Entering FAULT STATE$", mark, STEP);
        node.awaitLine("VRRP_Group\\(G1\\) Syncing instances to FAULT state$", mark, STEP);
        node.awaitLine("\\(VI_2\\) Entering FAULT STATE$", mark, STEP);
        assertThat(inLab("curl", "-s", "http://127.0.0.1:9112/metrics")).contains(
                "keepalived_release_master_total{iname=\"VI_1\",intf=\"eth1\",vrid=\"51\"} 1",
                "vrrp4j_master_releases_total{router=\"VI_1\",vrid=\"51\",interface=\"eth1\"} 1",
                "keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth1\",vrid=\"51\",ip_address=\"198.18.1.100\"} 3");
        mark = node.mark();
        Files.writeString(healthy, "");
        node.awaitLine("\\(VI_1\\) Entering BACKUP STATE$", mark, STEP);
        node.awaitLine("VRRP_Group\\(G1\\) Syncing instances to BACKUP state$", mark, STEP);
        node.awaitLine("\\(VI_1\\) Entering MASTER STATE$", mark, STEP);
        node.awaitLine("VRRP_Group\\(G1\\) Syncing instances to MASTER state$", mark, STEP);

        // a second daemon in the same namespace (another file): the default port is taken, it says so and runs
        Path second = lab.dir().resolve("second.conf");
        Files.writeString(second, """
                vrrp_instance VI_9 {
                    interface eth1
                    virtual_router_id 59
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        198.18.1.109
                    }
                }
                """);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.host(1)));
        cmd.addAll(FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
        cmd.addAll(List.of("run", "-f", second.toString()));
        Path log = lab.dir().resolve("second.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            FailoverPairLab.await("the second daemon's warning", STEP,
                    () -> read(log).contains("cannot serve /status and /metrics on 127.0.0.1:9112"));
            FailoverPairLab.await("the second daemon's VI_9 master", STEP,
                    () -> read(log).contains("(VI_9) Entering MASTER STATE"));
            assertThat(inLab("curl", "-s", "http://127.0.0.1:9112/status")).as("the first one still answers")
                    .anySatisfy(l -> assertThat(l).contains("VI_1")).noneSatisfy(l -> assertThat(l).contains("VI_9"));
        } finally {
            p.destroy();
            if (!p.waitFor(25, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        assertThat(p.exitValue()).isZero();
        assertThat(node.terminate(Duration.ofSeconds(25))).isZero();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
