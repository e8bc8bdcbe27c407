package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.lab.FailoverPairLab;

/**
 * The Debian package as an operator meets it: {@code dpkg -i}, {@code vrrp4j check} and a failover in
 * network namespaces with the installed {@code /usr/bin/vrrp4j} (its own jlink runtime, no JDK asked
 * for), then {@code dpkg -r}, which must leave nothing behind. It changes the machine, so it runs under
 * {@code CI=true} or with {@code -Dvrrp4j.test.dpkg=true}, and never over an installed vrrp4j.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class InstalledPackageIT {
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final List<Path> INSTALLED = List.of(Path.of("/opt/vrrp4j"), Path.of("/usr/bin/vrrp4j"),
            Path.of("/lib/systemd/system/vrrp4j.service"), Path.of("/usr/share/man/man1/vrrp4j.1.gz"),
            Path.of("/usr/share/man/man1/vrrp4j-check.1.gz"), Path.of("/usr/share/bash-completion/completions/vrrp4j"));
    private static boolean installedHere;

    @BeforeAll
    static void install() throws Exception {
        if (!Prerequisites.underCi() && !Boolean.getBoolean("vrrp4j.test.dpkg")) {
            Assumptions.abort("installs a package system-wide: run with CI=true or -Dvrrp4j.test.dpkg=true");
        }
        Prerequisites.require(Prerequisite.NETNS, Prerequisite.DPKG);
        if (Files.exists(Path.of("/opt/vrrp4j"))) {
            Prerequisites.unavailable("/opt/vrrp4j exists already: not installing over it");
        }
        File[] debs = new File("target").listFiles((d, n) -> n.startsWith("vrrp4j_") && n.endsWith(".deb"));
        assertThat(debs).as("the package built by jdeb").hasSize(1);
        assertThat(run("dpkg", "-i", debs[0].getPath())).isZero();
        installedHere = true;
    }

    @AfterAll
    static void remove() throws Exception {
        if (installedHere) {
            assertThat(run("dpkg", "-r", "vrrp4j")).isZero();
            for (Path p : INSTALLED) {
                assertThat(p).as("removed by dpkg -r").doesNotExist();
            }
            // no conffiles and no postrm: dpkg -r leaves no "rc" entry behind either
            Process q = new ProcessBuilder("dpkg-query", "-W", "-f", "${Status}", "vrrp4j").redirectErrorStream(true).start();
            String status = new String(q.getInputStream().readAllBytes());
            q.waitFor(30, TimeUnit.SECONDS);
            assertThat(status).as("dpkg's record of vrrp4j").doesNotContain("config-files").doesNotContain("ok installed");
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        return p.exitValue();
    }

    @Test
    void theInstalledDaemonChecksAFileAndFailsOverWithItsOwnRuntime() throws Exception {
        for (Path p : INSTALLED) {
            assertThat(p).exists();
        }
        assertThat(Path.of("/opt/vrrp4j/runtime/bin/java")).isExecutable();
        try (FailoverPairLab lab = FailoverPairLab.create("v4jdeb", List.of("/usr/bin/vrrp4j"))) {
            Files.writeString(lab.configFile(1), SeedScenarioTest.soap(lab, 1));
            Process check = new ProcessBuilder("/usr/bin/vrrp4j", "check", "-f", lab.configFile(1).toString())
                    .redirectErrorStream(true).start();
            String out = new String(check.getInputStream().readAllBytes());
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue()).as(out).isZero();
            assertThat(out).contains("VI_1").doesNotContain("webservice-PASSWORD-SECRET");

            FailoverPairLab.Node s1 = lab.startVrrp4j(1, SeedScenarioTest.soap(lab, 1), null);
            FailoverPairLab.Node s2 = lab.startVrrp4j(2, SeedScenarioTest.soap(lab, 2), null);
            s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + s1.process().pid() + "/exe")).toString())
                    .as("the daemon runs on the package's own runtime").startsWith("/opt/vrrp4j/runtime/");
            FailoverPairLab.await("routed to s1", STEP, () -> FailoverPairLab.soapServer(1).equals(lab.soap().routedServer()));
            int mark = s2.mark();
            s1.kill();
            s2.awaitLine("VI_1: BACKUP -> MASTER", mark, STEP);
            FailoverPairLab.await("routed to s2", STEP, () -> FailoverPairLab.soapServer(2).equals(lab.soap().routedServer()));
            assertThat(lab.holdsVip(2)).isTrue();
            assertThat(s2.terminate(Duration.ofSeconds(25))).isZero();
        }
    }
}
