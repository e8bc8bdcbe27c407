package org.vrrp4j.daemon;

import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.testkit.Tutorial;
import org.vrrp4j.testkit.lab.FailoverPairLab;

/** The launcher's commands: check, and a running daemon's status, metrics, trackers, reload and stop. */
class LauncherTest {
    private static final Duration STEP = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private FailoverPairLab lab;

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    record Result(int exit, String out, String err) {
    }

    static Result vrrp4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Vrrp4j.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void checkPrintsTheSeedsEffectiveConfigurationWithoutItsPassword() throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, Tutorial.keepalivedConf(1, FailoverPairLab.VIP));
        Result r = vrrp4j("check", "-f", conf.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("VI_1", "101", FailoverPairLab.VIP).doesNotContain("CUSTOM_P"); // the auth key: the password's first 8 bytes
    }

    @Test
    void checkNamesFileAndLineOfAnErrorAndExitsOne() throws Exception {
        Path conf = dir.resolve("broken.conf");
        Files.writeString(conf, """
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 300
                    virtual_ipaddress {
                        198.18.1.100
                    }
                }
                """);
        Result r = vrrp4j("check", "-f", conf.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(conf + ":3:");
    }

    @Test
    void checkValidatesProviderBlocks() throws Exception {
        Path conf = dir.resolve("provider.conf");
        Files.writeString(conf, withRestProvider("token_fil /nowhere"));
        Result r = vrrp4j("check", "-f", conf.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(conf + ":7: failover_provider netcup").contains("token_fil");
    }

    @Test
    void checkWarnsAboutTheOldRetrySeedAliasWithFileAndLineAndStillAcceptsIt() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "refresh\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path conf = dir.resolve("retry-seed.conf");
        Files.writeString(conf, withRestProvider("token_file " + token + "\n            retry seed"));
        Result r = vrrp4j("check", "-f", conf.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: " + conf + ":7: ").contains("retry: 'seed' is an old name for 'fixed 10 3s'");
    }

    /** VI_1 with a netcup REST provider block (its failover_provider line is line 7) ending in {@code keys}. */
    private static String withRestProvider(String keys) {
        return """
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 51
                    virtual_ipaddress {
                        198.18.1.100
                    }
                    failover_provider netcup {
                        api rest
                        failover_ip 198.18.200.7
                        server 101
                        %s
                    }
                }
                """.formatted(keys);
    }

    private static String instance(String name, int vrid, String vip, String extra) {
        return """
                vrrp_instance %s {
                    interface eth1
                    virtual_router_id %d
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        %s
                    }
                %s}
                """.formatted(name, vrid, vip, extra);
    }

    private List<String> inLab(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.host(1)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS); // bounded: no wait without an end
        return out.lines().toList();
    }

    @Test
    void aRunningDaemonShowsItselfTracksScriptsReloadsAndStopsGracefully() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        Prerequisites.require(Prerequisite.CURL);
        lab = FailoverPairLab.create("v4jrun", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
        Path healthy = lab.dir().resolve("healthy");
        Files.writeString(healthy, "");
        String script = """
                global_defs {
                    router_id lab-s1
                }
                vrrp_script chk_healthy {
                    script "test -f %s"
                    interval 1
                    fall 1
                    rise 1
                }
                """.formatted(healthy);
        String vi1 = instance("VI_1", 51, "198.18.1.100", "    track_script {\n        chk_healthy\n    }\n");
        FailoverPairLab.Node node = lab.startVrrp4j(1, script + vi1, null, "--http", "127.0.0.1:9112");
        Path conf = lab.configFile(1);
        node.awaitLine("VI_1: BACKUP -> MASTER", 0, STEP);

        List<String> status = inLab(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Vrrp4j.class.getName(), "status", "--http", "127.0.0.1:9112");
        assertThat(status).anySatisfy(l -> assertThat(l).contains("VI_1").contains("51").contains("MASTER"));
        List<String> metrics = inLab("curl", "-s", "http://127.0.0.1:9112/metrics");
        assertThat(metrics).contains("vrrp4j_router_state{router=\"VI_1\",vrid=\"51\",interface=\"eth1\"} 2");
        assertThat(metrics).anySatisfy(l -> assertThat(l).startsWith("vrrp4j_adverts_sent_total{router=\"VI_1\""));

        // the tracked script fails (weight 0): FAULT; it recovers: back to MASTER (alone on the LAN)
        int mark = node.mark();
        Files.delete(healthy);
        node.awaitLine("VI_1: MASTER -> FAULT", mark, STEP);
        assertThat(lab.holdsVip(1)).isFalse();
        Files.writeString(healthy, "");
        node.awaitLine("VI_1: FAULT -> BACKUP", mark, STEP);
        node.awaitLine("VI_1: BACKUP -> MASTER", mark, STEP);

        // SIGHUP with VI_1 unchanged (lines moved) and VI_2 new: VI_1 keeps running untouched
        mark = node.mark();
        Files.writeString(conf, "# reloaded\n\n" + script + vi1 + instance("VI_2", 52, "198.18.1.101", ""));
        node.signal("HUP");
        node.awaitLine("reloaded .*kept \\[VI_1\\], changed in place \\[\\], new providers \\[\\], stopped \\[\\], started \\[VI_2\\]", mark, STEP);
        node.awaitLine("VI_2: BACKUP -> MASTER", mark, STEP);
        int afterReload = mark;
        assertThat(node.lines().subList(afterReload, node.mark()))
                .noneSatisfy(l -> assertThat(l.text()).contains("VI_1: "));

        // a broken file on SIGHUP: refused, the running configuration stays
        mark = node.mark();
        Files.writeString(conf, script + "vrrp_instance VI_1 {\n");
        node.signal("HUP");
        node.awaitLine("reload refused", mark, STEP);
        assertThat(inLab("curl", "-s", "http://127.0.0.1:9112/metrics"))
                .contains("vrrp4j_router_state{router=\"VI_2\",vrid=\"52\",interface=\"eth1\"} 2");

        // SIGTERM: exit 0, addresses gone
        assertThat(node.terminate(Duration.ofSeconds(25))).isZero();
        assertThat(lab.holdsVip(1)).isFalse();
    }
}
