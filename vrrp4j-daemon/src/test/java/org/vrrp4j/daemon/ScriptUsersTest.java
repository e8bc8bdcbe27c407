package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.keepalived.KeepalivedConfig;
import org.vrrp4j.keepalived.KeepalivedConfigReader;
import org.vrrp4j.keepalived.ProviderBlock;

/**
 * keepalived's rules for who scripts run as, decided against a user directory and an identity the test
 * gives: script_user, its default keepalived_script, vrrp_script's user, a user the daemon cannot switch
 * to (an error at the keyword's line), and enable_script_security.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScriptUsersTest {
    private static final ScriptUsers.Identity ROOT = new ScriptUsers.Identity(0, 0, true);
    private static final ScriptUsers.Identity UNPRIVILEGED = new ScriptUsers.Identity(61000, 61000, false);

    @TempDir
    Path dir;

    /** root, nobody 65534:65534, keepalived_script 990:990 when {@code withDefault}, group nogroup 65534, wheel 10. */
    private static ScriptUsers.Directory users(boolean withDefault) {
        Map<String, int[]> u = withDefault ? Map.of("nobody", new int[] {65534, 65534}, "keepalived_script",
                new int[] {990, 990}, "root", new int[] {0, 0})
                : Map.of("nobody", new int[] {65534, 65534}, "root", new int[] {0, 0});
        Map<String, Integer> g = Map.of("nogroup", 65534, "wheel", 10);
        return new ScriptUsers.Directory() {
            @Override
            public Optional<int[]> user(String user) {
                return Optional.ofNullable(u.get(user));
            }

            @Override
            public Optional<Integer> group(String group) {
                return Optional.ofNullable(g.get(group));
            }
        };
    }

    private KeepalivedConfig conf(String global, String scriptUser, String notify) throws Exception {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, """
                global_defs {
                %s
                }
                vrrp_script chk {
                    script "/bin/true"
                %s
                }
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 51
                    virtual_ipaddress {
                        198.18.1.100
                    }
                    track_script {
                        chk
                    }
                    notify_master %s
                }
                """.formatted(global, scriptUser, notify));
        return KeepalivedConfigReader.read(f, n -> "h");
    }

    @Test
    void aFileWithoutScriptsLooksUpNoUser() throws Exception {
        Path f = dir.resolve("plain.conf");
        Files.writeString(f, """
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 51
                    virtual_ipaddress {
                        198.18.1.100
                    }
                }
                """);
        java.util.List<String> asked = new java.util.ArrayList<>();
        ScriptUsers.Directory counting = new ScriptUsers.Directory() {
            @Override
            public Optional<int[]> user(String user) {
                asked.add(user);
                return users(true).user(user);
            }

            @Override
            public Optional<Integer> group(String group) {
                asked.add(group);
                return users(true).group(group);
            }
        };
        ScriptUsers.Resolution r = ScriptUsers.resolve(KeepalivedConfigReader.read(f, n -> "h"), ROOT, counting, true);
        assertThat(r.problems()).isEmpty();
        assertThat(asked).as("each look-up starts getent: none when no script runs").isEmpty();
    }

    @Test
    void scriptUserAppliesToNotifyScriptsAndChecks() throws Exception {
        ScriptUsers.Resolution r = ScriptUsers.resolve(conf("    script_user nobody", "", "/bin/true"), ROOT, users(false), true);
        assertThat(r.problems()).isEmpty();
        assertThat(r.notifyRunAs()).contains("65534:65534");
        assertThat(r.prefix("chk")).containsExactly("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--init-groups", "--");
    }

    @Test
    void aGroupAndAVrrpScriptsOwnUserWin() throws Exception {
        ScriptUsers.Resolution r = ScriptUsers.resolve(conf("    script_user nobody wheel", "    user nobody nogroup",
                "/bin/true"), ROOT, users(false), true);
        assertThat(r.problems()).isEmpty();
        assertThat(r.notifyRunAs()).contains("65534:10");
        assertThat(r.prefix("chk")).contains("--regid=65534");
    }

    @Test
    void withoutScriptUserKeepalivedScriptIfItExistsElseTheDaemonsOwnUser() throws Exception {
        KeepalivedConfig c = conf("", "", "/bin/true");
        assertThat(ScriptUsers.resolve(c, ROOT, users(true), true).notifyRunAs()).contains("990:990");
        ScriptUsers.Resolution own = ScriptUsers.resolve(c, ROOT, users(false), true);
        assertThat(own.notifyRunAs()).isEmpty();
        assertThat(own.prefix("chk")).isEmpty();
        // keepalived_script exists but cannot be switched to: said, and scripts run as the daemon (not an error)
        ScriptUsers.Resolution fallback = ScriptUsers.resolve(c, UNPRIVILEGED, users(true), true);
        assertThat(fallback.problems()).isEmpty();
        assertThat(fallback.warnings()).anySatisfy(w -> assertThat(w).contains("keepalived_script").contains("CAP_SETUID"));
        assertThat(fallback.notifyRunAs()).isEmpty();
    }

    @Test
    void aUserTheDaemonCannotSwitchToOrThatDoesNotExistIsAnErrorAtItsLine() throws Exception {
        Path f = dir.resolve("keepalived.conf");
        ScriptUsers.Resolution r = ScriptUsers.resolve(conf("    script_user nobody", "", "/bin/true"), UNPRIVILEGED,
                users(false), true);
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p).startsWith(f + ":2: script_user nobody: ")
                .contains("without CAP_SETUID and CAP_SETGID"));
        ScriptUsers.Resolution noSetpriv = ScriptUsers.resolve(conf("    script_user nobody", "", "/bin/true"), ROOT,
                users(false), false);
        assertThat(noSetpriv.problems()).anySatisfy(p -> assertThat(p).contains("setpriv"));
        ScriptUsers.Resolution unknown = ScriptUsers.resolve(conf("", "    user nosuchuser", "/bin/true"), ROOT,
                users(false), true);
        assertThat(unknown.problems()).singleElement().satisfies(p -> assertThat(p)
                .isEqualTo(f + ":4: vrrp_script chk user: no user nosuchuser"));
        // the daemon's own user needs no switch: no capability needed
        ScriptUsers.Resolution self = ScriptUsers.resolve(conf("", "", "/bin/true"), UNPRIVILEGED, users(false), true);
        assertThat(self.problems()).isEmpty();
    }

    @Test
    void enableScriptSecurityRefusesARootScriptOthersCouldChange() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path script = open.resolve("to_master.sh");
        Files.writeString(script, "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path f = dir.resolve("keepalived.conf");

        ScriptUsers.Resolution refused = ScriptUsers.resolve(conf("    enable_script_security", "", script.toString()),
                ROOT, users(false), true);
        assertThat(refused.problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(f + ":17: notify_master: " + script + " runs as root but ")
                .contains("writable by anyone").endsWith("(enable_script_security)"));
        // without the keyword: keepalived's warning, no error
        ScriptUsers.Resolution warned = ScriptUsers.resolve(conf("", "", script.toString()), ROOT, users(false), true);
        assertThat(warned.problems()).isEmpty();
        assertThat(warned.warnings()).anySatisfy(w -> assertThat(w).contains("SECURITY VIOLATION"));
        // run as nobody, the rule (about root) does not apply; /bin/true is root's
        assertThat(ScriptUsers.resolve(conf("    enable_script_security\n    script_user nobody", "", script.toString()),
                ROOT, users(false), true).problems()).isEmpty();
        assertThat(ScriptUsers.insecure(Path.of("/bin/true"))).isEmpty();
        // a sticky world-writable directory (/tmp) lets nobody replace root's entries: not a finding by itself
        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        Path inside = Files.createDirectory(sticky.resolve("scripts"));
        Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(sticky, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(new ProcessBuilder("chmod", "+t", sticky.toString()).start().waitFor()).isZero();
        Path rootScript = Files.writeString(inside.resolve("s.sh"), "#!/bin/sh\n");
        if (((Integer) Files.getAttribute(rootScript, "unix:uid")) == 0) {
            assertThat(ScriptUsers.insecure(rootScript)).as("under a sticky directory").isEmpty();
        }
        assertThat(ScriptUsers.program("\"/bin/true\" x")).contains(Path.of("/bin/true"));
    }

    /**
     * keepalived's {@code notify_master SCRIPT USER [GROUP]}: that script runs as USER (the group defaults to
     * the user's primary group), the others as script_user; an unknown user or group is an error at the
     * keyword's line, as is a user the daemon cannot switch to; enable_script_security judges the script
     * by the user it runs as.
     */
    @Test
    void aNotifyKeywordsOwnUserAndGroupWinOverScriptUser() throws Exception {
        Path f = dir.resolve("keepalived.conf");
        KeepalivedConfig c = conf("    script_user nobody wheel", "", "/bin/true nobody\n    notify_backup /bin/true root"
                + "\n    notify_fault /bin/true nobody nogroup\n    notify /bin/true");
        ScriptUsers.Resolution r = ScriptUsers.resolve(c, ROOT, users(false), true);
        assertThat(r.problems()).isEmpty();
        ProviderBlock exec = c.instances().getFirst().providers().getFirst();
        assertThat(r.runAsKeys(exec)).containsExactly(Map.entry("run_as", "65534:10"),
                Map.entry("notify_master_run_as", "65534:65534"), Map.entry("notify_backup_run_as", "self"),
                Map.entry("notify_fault_run_as", "65534:65534"));
        ProviderBlock run = Daemon.forScripts(exec, java.util.Set.of(), r);
        assertThat(run.values()).doesNotContainKeys("notify_master_user", "notify_backup_user", "notify_fault_user")
                .containsEntry("notify_master_run_as", "65534:65534").containsEntry("run_as", "65534:10");

        ScriptUsers.Resolution unknown = ScriptUsers.resolve(conf("", "", "/bin/true nosuchuser"), ROOT, users(false), true);
        assertThat(unknown.problems()).containsExactly(f + ":17: notify_master user: no user nosuchuser");
        ScriptUsers.Resolution noGroup = ScriptUsers.resolve(conf("", "", "\"/bin/true x\" nobody nosuchgroup"), ROOT,
                users(false), true);
        assertThat(noGroup.problems()).containsExactly(f + ":17: notify_master user: no group nosuchgroup");
        ScriptUsers.Resolution cannot = ScriptUsers.resolve(conf("", "", "/bin/true nobody"), UNPRIVILEGED, users(false),
                true);
        assertThat(cannot.problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(f + ":17: notify_master user nobody: ").contains("without CAP_SETUID and CAP_SETGID"));

        // enable_script_security: root named on the keyword is judged as root; nobody is not
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path script = Files.writeString(open.resolve("to_master.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(ScriptUsers.resolve(conf("    enable_script_security\n    script_user nobody", "", script + " root"),
                ROOT, users(false), true).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(f + ":18: notify_master: " + script + " runs as root but ").endsWith("(enable_script_security)"));
        assertThat(ScriptUsers.resolve(conf("    enable_script_security", "", script + " nobody"), ROOT, users(false),
                true).problems()).isEmpty();
    }

    /** A reload that changes only script_user changes the run_as keys of every exec block, a group's too. */
    @Test
    void onlyScriptUserChangedIsSeenOnEveryExecBlock() throws Exception {
        Path f = dir.resolve("g.conf");
        String text = """
                global_defs {
                %s
                }
                vrrp_sync_group G {
                    group {
                        VI_1
                    }
                    notify_backup /bin/true
                    notify_master /bin/true nobody
                }
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 51
                    virtual_ipaddress {
                        198.18.1.100
                    }
                }
                """;
        Files.writeString(f, text.formatted(""));
        KeepalivedConfig before = KeepalivedConfigReader.read(f, n -> "h");
        Files.writeString(f, text.formatted("    script_user nobody"));
        KeepalivedConfig after = KeepalivedConfigReader.read(f, n -> "h");
        assertThat(after.syncGroups()).isEqualTo(before.syncGroups());
        ScriptUsers.Resolution a = ScriptUsers.resolve(before, ROOT, users(false), true);
        ScriptUsers.Resolution b = ScriptUsers.resolve(after, ROOT, users(false), true);
        assertThat(b.runsAsOthers(after.syncGroups().getFirst().providers(), a)).isTrue();
        assertThat(a.runsAsOthers(before.syncGroups().getFirst().providers(), a)).isFalse();
    }
}
