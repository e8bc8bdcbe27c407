package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.FailoverPairLab;
import org.vrrp4j.testkit.lab.FailoverPairLab.Node;

/**
 * The distribution's {@code bin/vrrp4j} (what {@code package} leaves in {@code target/vrrp4j} and the
 * tar.gz holds) as an operator starts it, after {@code package} (a failsafe test): it finds a Java 25 by
 * itself (no {@code JAVA_HOME}, a bare {@code PATH}), {@code check}s a file, and two {@code run}s in
 * network namespaces fail over with the netcup provider; a SIGHUP sent while the JVM boots does not end
 * the daemon (the launcher ignores it until the daemon's handler is in place); {@code status} answers;
 * SIGTERM ends it with status 0. {@code InstalledPackageIT} does the same for the .deb, under CI only.
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DistributionIT {
    private static final Path LAUNCHER = Path.of("target/vrrp4j/bin/vrrp4j").toAbsolutePath();
    private static final Duration STEP = Duration.ofSeconds(40);

    private static String conf(int n, int priority) {
        return """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth1
                    virtual_router_id 74
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                    failover_provider netcup {
                        api rest
                        failover_ip 198.18.200.7
                        server %d
                        api_url ${SCP}/scp-core
                        auth_url ${SCP}/realms/scp
                        token_file ${DIR}/s%d-token
                        task_poll 100ms
                    }
                }
                """.formatted(priority, FailoverPairLab.VIP, FailoverPairLab.restServer(n), n);
    }

    /** Runs the launcher as an operator's shell would, without JAVA_HOME and with a bare PATH. */
    private static Ran launcher(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        bareEnvironment(pb);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        return new Ran(p.exitValue(), out);
    }

    private static void bareEnvironment(ProcessBuilder pb) {
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    }

    private record Ran(int exit, String out) {
    }

    @Test
    void theLauncherFindsItsJavaChecksAFileAndTwoDaemonsFailOver() throws Exception {
        assertThat(LAUNCHER).as("run after package").isExecutable();
        Ran version = launcher("--version");
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out()).contains("vrrp4j");

        try (FailoverPairLab lab = FailoverPairLab.create("v4jdist", List.of(LAUNCHER.toString()))) {
            Files.writeString(lab.configFile(1), lab.fill(conf(1, 150)));
            Ran check = launcher("check", "-f", lab.configFile(1).toString());
            assertThat(check.exit()).as(check.out()).isZero();
            assertThat(check.out()).contains("VI_1", FailoverPairLab.VIP).doesNotContain("refresh-token-SECRET");

            Node s1 = lab.startVrrp4j(1, lab.fill(conf(1, 150)), null);
            s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
            Node s2 = lab.startVrrp4j(2, lab.fill(conf(2, 100)), null);
            // a SIGHUP as soon as the launcher runs (ip netns exec has exec'd it), while it looks for a Java and the
            // JVM boots: ignored until the daemon's own handler is in place
            Path comm = Path.of("/proc/" + s2.process().pid() + "/comm");
            FailoverPairLab.await("the launcher running", STEP, () -> {
                try {
                    return !Files.readString(comm).strip().equals("ip");
                } catch (java.io.IOException e) {
                    return true; // gone: the assertion below says so
                }
            });
            s2.signal("HUP");
            s2.awaitLine("VI_1: \\w+ -> BACKUP", 0, STEP);
            assertThat(s2.process().isAlive()).as("a SIGHUP at start-up does not end the daemon").isTrue();
            // Netty's epoll library comes from the distribution's lib/native/, not a copy written to /tmp
            String maps = Files.readString(Path.of("/proc/" + s2.process().pid() + "/maps"));
            assertThat(maps).contains(LAUNCHER.getParent().getParent().resolve("lib/native/libnetty_transport_native_epoll_")
                    .toString());
            FailoverPairLab.await("routed to s1", STEP, () -> lab.rest().routedServerV4() == FailoverPairLab.restServer(1));
            assertThat(lab.holdsVip(1)).isTrue();
            assertThat(lab.holdsVip(2)).isFalse();

            Ran status = inside(lab.host(1), "status");
            assertThat(status.exit()).as(status.out()).isZero();
            assertThat(status.out()).contains("VI_1").contains("MASTER");

            int mark = s2.mark();
            s1.kill();
            s2.awaitLine("VI_1: BACKUP -> MASTER", mark, STEP);
            FailoverPairLab.await("routed to s2", STEP, () -> lab.rest().routedServerV4() == FailoverPairLab.restServer(2));
            assertThat(lab.holdsVip(2)).isTrue();
            assertThat(s2.terminate(Duration.ofSeconds(25))).as("SIGTERM: a graceful stop, status 0").isZero();
            assertThat(lab.holdsVip(2)).as("the stop removed the address").isFalse();
        }
    }

    /** The launcher inside a host's namespace, as {@code ip netns exec} gives an operator's shell there. */
    private static Ran inside(String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        bareEnvironment(pb);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        return new Ran(p.exitValue(), out);
    }
}
