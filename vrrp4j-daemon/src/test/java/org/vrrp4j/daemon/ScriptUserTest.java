package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.lab.FailoverPairLab;

/**
 * {@code script_user} and {@code enable_script_security} applied, as root (the daemon may switch users):
 * a notify script and a vrrp_script check run as {@code nobody} and record {@code id -u}; a root script in
 * a world-writable directory is refused with file:line by {@code vrrp4j check} and by {@code vrrp4j run}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScriptUserTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private Path shared;

    @BeforeEach
    void dirs() throws Exception {
        shared = Files.createTempDirectory("v4jsu");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody may enter
    }

    @AfterEach
    void cleanup() throws Exception {
        try (var s = Files.walk(shared)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int uidOf(String user) throws Exception {
        Process p = new ProcessBuilder("id", "-u", user).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Integer.parseInt(out);
    }

    private static boolean isRoot() throws Exception {
        return uidOf("root") == (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    @Test
    void notifyScriptsAndChecksRunAsScriptUser() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "the daemon must be able to switch users (root)");
        int nobody = uidOf("nobody");
        Path out = Files.createDirectory(shared.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx")); // nobody writes here
        Path notifyId = out.resolve("notify.id");
        Path checkId = out.resolve("check.id");
        Path notify = shared.resolve("to_master.sh");
        Files.writeString(notify, "#!/bin/sh\nid -u > " + notifyId + "\n");
        Files.setPosixFilePermissions(notify, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (FailoverPairLab lab = FailoverPairLab.create("v4jsu", FailoverPairLab.javaCommand(Vrrp4j.class.getName()))) {
            FailoverPairLab.Node s1 = lab.startVrrp4j(1, """
                    global_defs {
                        script_user nobody
                    }
                    vrrp_script chk {
                        script "id -u > %s"
                        interval 1
                    }
                    vrrp_instance VI_1 {
                        interface eth1
                        virtual_router_id 82
                        priority 150
                        advert_int 1
                        virtual_ipaddress {
                            198.18.1.100/24
                        }
                        track_script {
                            chk
                        }
                        notify_master %s
                    }
                    """.formatted(checkId, notify), null);
            s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
            FailoverPairLab.await("notify_master ran", STEP, () -> Files.exists(notifyId) && !read(notifyId).isEmpty());
            FailoverPairLab.await("the check ran", STEP, () -> Files.exists(checkId) && !read(checkId).isEmpty());
            assertThat(read(notifyId)).as("notify_master's uid").isEqualTo(Integer.toString(nobody));
            assertThat(read(checkId)).as("the vrrp_script's uid").isEqualTo(Integer.toString(nobody));
            assertThat(s1.terminate(Duration.ofSeconds(25))).isZero();
        }
    }

    /** A script that writes {@code id -u} and {@code id -g} to {@code out}. */
    private Path idScript(String name, Path out) throws Exception {
        Path script = shared.resolve(name);
        Files.writeString(script, "#!/bin/sh\necho \"$(id -u) $(id -g)\" > " + out + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private Path outDir() throws Exception {
        Path out = Files.createDirectory(shared.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx")); // nobody writes here
        return out;
    }

    /**
     * Issue 11 item 10: a reload that changes only {@code script_user} reaches a sync group's notify scripts
     * (it used to reach only instances' scripts: the group's ran as the old user until a restart). s1 is
     * master of group G with no script_user (its scripts run as root), gets {@code script_user nobody} by a
     * reload, then s2 with a higher priority takes over: G's notify_backup runs as nobody.
     */
    @Test
    void aSyncGroupsNotifyScriptsFollowANewScriptUserOnReload() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "the daemon must be able to switch users (root)");
        org.junit.jupiter.api.Assumptions.assumeTrue(noKeepalivedScriptUser(), "keepalived_script would run them");
        int nobody = uidOf("nobody");
        Path out = outDir();
        Path masterId = out.resolve("master.id");
        Path backupId = out.resolve("backup.id");
        Path toMaster = idScript("group_master.sh", masterId);
        Path toBackup = idScript("group_backup.sh", backupId);
        String conf = """
                global_defs {
                %s
                }
                vrrp_sync_group G {
                    group {
                        VI_1
                    }
                    notify_master %s
                    notify_backup %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth1
                    virtual_router_id 84
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        198.18.1.100/24
                    }
                }
                """;
        try (FailoverPairLab lab = FailoverPairLab.create("v4jsg", FailoverPairLab.javaCommand(Vrrp4j.class.getName()))) {
            FailoverPairLab.Node s1 = lab.startVrrp4j(1, conf.formatted("", toMaster, toBackup, 100), null);
            s1.awaitLine("sync group G: MASTER", 0, STEP);
            FailoverPairLab.await("G's notify_master ran", STEP, () -> !read(masterId).isEmpty());
            assertThat(read(masterId)).as("before the reload: the daemon's user").startsWith("0 ");

            int mark = s1.mark();
            Files.writeString(lab.configFile(1), conf.formatted("    script_user nobody", toMaster, toBackup, 100));
            s1.signal("HUP");
            String reloaded = s1.awaitLine("reloaded .*kept \\[VI_1\\]", mark, STEP).text(); // no restart
            Files.deleteIfExists(backupId);

            FailoverPairLab.Node s2 = lab.startVrrp4j(2, conf.formatted("", toMaster, toBackup, 200)
                    .replace("notify_", "# notify_"), null);
            s2.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
            s1.awaitLine("sync group G: BACKUP", mark, STEP);
            FailoverPairLab.await("G's notify_backup ran", STEP, () -> !read(backupId).isEmpty());
            assertThat(read(backupId)).as("G's notify_backup after the reload").isEqualTo(nobody + " " + nobody);
            assertThat(reloaded).contains("groups' new providers [G]");
            assertThat(s1.terminate(Duration.ofSeconds(25))).isZero();
            assertThat(s2.terminate(Duration.ofSeconds(25))).isZero();
        }
    }

    /**
     * Issue 11 item 10: keepalived's {@code notify_master SCRIPT USER [GROUP]}: with no script_user, the
     * script named with {@code nobody} runs as nobody (and the user's primary group), the one named with
     * {@code nobody daemon} as nobody in group daemon, the one without as the daemon's user.
     */
    @Test
    void aNotifyKeywordsOwnUserAndGroupRunTheScript() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "the daemon must be able to switch users (root)");
        org.junit.jupiter.api.Assumptions.assumeTrue(noKeepalivedScriptUser(), "keepalived_script would run them");
        int nobody = uidOf("nobody");
        int nobodyGroup = idOf("-g", "nobody");
        int daemonGroup = gidOf("daemon");
        Path out = outDir();
        Path masterId = out.resolve("master.id");
        Path notifyId = out.resolve("notify.id");
        Path stopId = out.resolve("stop.id");
        try (FailoverPairLab lab = FailoverPairLab.create("v4jnu", FailoverPairLab.javaCommand(Vrrp4j.class.getName()))) {
            FailoverPairLab.Node s1 = lab.startVrrp4j(1, """
                    vrrp_instance VI_1 {
                        interface eth1
                        virtual_router_id 85
                        priority 150
                        advert_int 1
                        virtual_ipaddress {
                            198.18.1.100/24
                        }
                        notify_master %s nobody
                        notify "%s" nobody daemon
                        notify_stop %s
                    }
                    """.formatted(idScript("to_master.sh", masterId), idScript("notify.sh", notifyId),
                    idScript("stop.sh", stopId)), null);
            s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
            FailoverPairLab.await("notify_master and notify ran", STEP,
                    () -> !read(masterId).isEmpty() && !read(notifyId).isEmpty());
            assertThat(read(masterId)).as("notify_master SCRIPT nobody").isEqualTo(nobody + " " + nobodyGroup);
            assertThat(read(notifyId)).as("notify SCRIPT nobody daemon").isEqualTo(nobody + " " + daemonGroup);
            assertThat(s1.terminate(Duration.ofSeconds(25))).isZero();
            assertThat(read(stopId)).as("notify_stop without a user: the daemon's").isEqualTo("0 0");
        }
    }

    /** {@code vrrp4j check}: a notify keyword's unknown user is an error at its line; a known one passes. */
    @Test
    void checkRefusesANotifyKeywordsUnknownUserAtItsLine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "nobody can be switched to only as root");
        Path conf = shared.resolve("keepalived.conf");
        String text = """
                vrrp_sync_group G {
                    group {
                        VI_1
                    }
                    notify_backup /bin/true %s
                }
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 86
                    virtual_ipaddress {
                        198.18.1.100/24
                    }
                    notify_master "/bin/true x" %s
                }
                """;
        Files.writeString(conf, text.formatted("nobody", "nosuchuser4j"));
        StringWriter err = new StringWriter();
        int exit = Vrrp4j.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "check", "-q", "-f", conf.toString());
        assertThat(exit).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("error: " + conf + ":13: notify_master user: no user nosuchuser4j");
        Files.writeString(conf, text.formatted("nobody nosuchgroup4j", "nobody"));
        err = new StringWriter();
        exit = Vrrp4j.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "check", "-q", "-f", conf.toString());
        assertThat(exit).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("error: " + conf + ":5: notify_backup user: no group nosuchgroup4j");
        Files.writeString(conf, text.formatted("nobody", "nobody"));
        err = new StringWriter();
        exit = Vrrp4j.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "check", "-q", "-f", conf.toString());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).doesNotContain("error");
    }

    private static boolean noKeepalivedScriptUser() throws Exception {
        return new ProcessBuilder("getent", "passwd", ScriptUsers.DEFAULT_USER).start().waitFor() != 0;
    }

    private static int idOf(String option, String user) throws Exception {
        Process p = new ProcessBuilder("id", option, user).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Integer.parseInt(out);
    }

    private static int gidOf(String group) throws Exception {
        Process p = new ProcessBuilder("getent", "group", group).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Integer.parseInt(out.split(":")[2]);
    }

    @Test
    void enableScriptSecurityRefusesARootScriptInAWorldWritableDirectoryWithFileAndLine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "scripts run as root only when the daemon is root");
        org.junit.jupiter.api.Assumptions.assumeTrue(!Files.exists(Path.of("/etc/passwd"))
                || new String(Files.readAllBytes(Path.of("/etc/passwd"))).lines()
                        .noneMatch(l -> l.startsWith(ScriptUsers.DEFAULT_USER + ":")), "keepalived_script would run it");
        Path open = Files.createDirectory(shared.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path script = open.resolve("to_master.sh");
        Files.writeString(script, "#!/bin/sh\ntrue\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = shared.resolve("keepalived.conf");
        Files.writeString(conf, """
                global_defs {
                    enable_script_security
                }
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 83
                    virtual_ipaddress {
                        198.18.1.100/24
                    }
                    notify_master %s
                }
                """.formatted(script));
        StringWriter err = new StringWriter();
        int exit = Vrrp4j.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "check", "-q", "-f", conf.toString());
        assertThat(exit).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("error: " + conf + ":10: notify_master: " + script + " runs as root but "
                + open + " is writable by anyone (enable_script_security)");

        // vrrp4j run refuses the file before anything starts (no namespace needed: nothing is opened)
        List<String> cmd = new ArrayList<>(FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
        cmd.addAll(List.of("run", "-f", conf.toString(), "--http", "off"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("RUNTIME_DIRECTORY", shared.toString()); // the instance lock
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains(conf + ":10: notify_master: " + script + " runs as root but");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
