package org.vrrp4j.testkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.failover.BindingOptions;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverEvent;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.RetryPolicy;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;
import org.vrrp4j.testkit.failover.DirectContext;

/** The exec provider with real processes: arguments, per-state scripts, timeouts, group kills, logging. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecProviderTest {
    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static FailoverProvider exec(Map<String, String> keys) {
        return FailoverProviders.discover().create("exec", ProviderConfig.of("VI_1", keys));
    }

    /** A context for calling the provider directly, without the coordinator. */
    private static FailoverContext ctx(RouterState state) {
        return DirectContext.of(new RoleChange("VI_1", false, state, state == RouterState.MASTER ? 254 : 100), new Cancellation());
    }

    @Test
    void theGenericNotifyScriptGetsKeepalivedsFourArguments() throws Exception {
        Path out = dir.resolve("args");
        Path notify = script("notify.sh", "echo \"$@\" >> " + out);
        FailoverProvider p = exec(Map.of("notify", notify.toString()));
        assertThat(p.acquire(ctx(RouterState.MASTER))).isInstanceOf(FailoverOutcome.Done.class);
        assertThat(p.release(ctx(RouterState.FAULT))).isInstanceOf(FailoverOutcome.Done.class);
        assertThat(Files.readAllLines(out)).containsExactly("INSTANCE VI_1 MASTER 254", "INSTANCE VI_1 FAULT 100");
    }

    @Test
    void perStateScriptsRunWithoutArgumentsAndQuotedArgumentsStayTogether() throws Exception {
        Path out = dir.resolve("calls");
        Path s = script("state.sh", "echo \"$# $*\" >> " + out);
        FailoverProvider p = exec(Map.of(
                "notify_master", s + " master",
                "notify_backup", s + " \"to backup\"",
                "notify_fault", s + " fault",
                "notify_stop", s + " stop"));
        p.acquire(ctx(RouterState.MASTER));
        p.release(ctx(RouterState.BACKUP));
        p.release(ctx(RouterState.FAULT));
        p.release(ctx(RouterState.STOP));
        assertThat(Files.readAllLines(out)).containsExactly("1 master", "1 to backup", "1 fault", "1 stop");
    }

    @Test
    void theSeedsToBackupScriptRunsUnchanged() throws Exception {
        // ../shared/seed: to_backup.sh, verbatim (to_master.sh calls netcup's real endpoint, so it is not run)
        Path toBackup = dir.resolve("to_backup.sh");
        Files.writeString(toBackup, """
                #!/usr/bin/bash

                # Ensure no to_master script is still running even though we got into backup state

                if pgrep to_master.sh; then killall to_master.sh; fi
                """);
        Files.setPosixFilePermissions(toBackup, PosixFilePermissions.fromString("rwx------"));
        FailoverProvider p = exec(Map.of("notify_backup", toBackup.toString(), "notify_fault", toBackup.toString()));
        assertThat(p.release(ctx(RouterState.BACKUP))).isInstanceOf(FailoverOutcome.Done.class);
    }

    @Test
    void aFailingScriptIsAPermanentFailureLikeKeepalivedsNoRetry() throws Exception {
        FailoverProvider p = exec(Map.of("notify_master", script("fail.sh", "exit 3").toString()));
        assertThat(p.acquire(ctx(RouterState.MASTER)))
                .isEqualTo(new FailoverOutcome.PermanentFailure("notify_master exited 3"));
    }

    @Test
    void aScriptThatOutlivesItsTimeoutIsKilledWithItsChildren() throws Exception {
        Path pid = dir.resolve("child.pid");
        Path s = script("slow.sh", "sleep 300 & echo $! > " + pid + "; wait");
        FailoverProvider p = exec(Map.of("notify_master", s.toString(), "timeout", "500ms", "kill_grace", "1s"));
        long start = System.nanoTime();
        assertThat(p.acquire(ctx(RouterState.MASTER))).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                f -> assertThat(f.message()).contains("timed out"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        awaitGone(Long.parseLong(Files.readString(pid).strip()));
    }

    @Test
    void aNewerRoleKillsTheRunningNotifyMasterProcessGroupAndRunsNotifyBackup() throws Exception {
        Path pid = dir.resolve("child.pid");
        Path started = dir.resolve("started");
        Path backupRan = dir.resolve("backup-ran");
        // shaped like the seed's to_master.sh: a loop of tries with sleeps, in a child process
        Path toMaster = script("to_master.sh", "touch " + started + "; (n=0; while [ $n -lt 10 ]; do sleep 3; n=$((n+1)); done) & echo $! > "
                + pid + "; wait");
        Path toBackup = script("to_backup.sh", "touch " + backupRan);
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (FailoverCoordinator c = FailoverCoordinator.builder().listener(events::add).build()) {
            FailoverProvider p = exec(Map.of("notify_master", toMaster.toString(), "notify_backup", toBackup.toString()));
            c.bind("VI_1", p, new BindingOptions(RetryPolicy.fixed(10, Duration.ofSeconds(3)), Duration.ZERO, true));
            c.update(new RoleChange("VI_1", false, RouterState.MASTER, 254));
            awaitFile(pid);
            awaitFile(started);
            long child = Long.parseLong(Files.readString(pid).strip());
            assertThat(ProcessHandle.of(child)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
            c.update(new RoleChange("VI_1", false, RouterState.BACKUP, 254));
            awaitGone(child);
            awaitFile(backupRan);
            assertThat(c.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(events).filteredOn(e -> e instanceof FailoverEvent.Finished).extracting(e -> ((FailoverEvent.Finished) e).outcome())
                .hasSize(2).first().isInstanceOf(FailoverOutcome.Cancelled.class);
        String log = Files.readString(Path.of("target/test.log"));
        assertThat(log).contains("[VI_1 notify_master] killing process group");
    }

    @Test
    void scriptOutputGoesToTheLog() throws Exception {
        FailoverProvider p = exec(Map.of("notify_master", script("hello.sh", "echo hello from the script; echo oops >&2").toString()));
        p.acquire(ctx(RouterState.MASTER));
        String log = Files.readString(Path.of("target/test.log"));
        assertThat(log).contains("[VI_1 notify_master] hello from the script").contains("[VI_1 notify_master] oops");
    }

    @Test
    void scriptsDoNotInheritTheVariablesNamedInUnsetEnv() throws Exception {
        // the surefire configuration gives this JVM both variables; the daemon names the secret ones
        assertThat(System.getenv("VRRP4J_TEST_SECRET_PASSWORD")).isNotNull();
        Path out = dir.resolve("env");
        FailoverProvider p = exec(Map.of("notify_master", script("env.sh", "env > " + out).toString(),
                "unset_env", "VRRP4J_TEST_SECRET_PASSWORD, SOME_OTHER"));
        assertThat(p.acquire(ctx(RouterState.MASTER))).isInstanceOf(FailoverOutcome.Done.class);
        String env = Files.readString(out);
        assertThat(env).contains("VRRP4J_TEST_PLAIN=visible").doesNotContain("VRRP4J_TEST_SECRET_PASSWORD")
                .doesNotContain(System.getenv("VRRP4J_TEST_SECRET_PASSWORD"));
    }

    @Test
    void aChattyScriptsOutputIsLoggedBoundedAndTheScriptStillFinishes() throws Exception {
        // 5000 lines and one line of 100 kB: the log gets 100 lines (the long one cut) and a count of the rest
        Path s = script("chatty.sh", "head -c 100000 /dev/zero | tr '\\0' x; echo; for i in $(seq 1 5000); do echo chatty line $i; done");
        FailoverProvider p = exec(Map.of("notify_master", s.toString(), "timeout", "30s"));
        int before = Files.readAllLines(Path.of("target/test.log")).size(); // the log is shared by the class's tests
        assertThat(p.acquire(ctx(RouterState.MASTER))).isInstanceOf(FailoverOutcome.Done.class);
        List<String> all = Files.readAllLines(Path.of("target/test.log"));
        List<String> logged = all.subList(before, all.size()).stream()
                .filter(l -> l.contains("[VI_1 notify_master] ")).filter(l -> !l.contains("started ") && !l.contains("exited ")).toList();
        assertThat(logged).hasSize(100 + 1);
        assertThat(logged.get(0)).endsWith(" [cut]").hasSizeLessThan(1200);
        assertThat(logged.get(100)).contains("4901 more line(s) of output not logged");
    }

    @Test
    void configurationMistakesNameTheKey() {
        assertThatThrownBy(() -> exec(Map.of())).isInstanceOf(ProviderConfigException.class).hasMessageStartingWith("notify: ");
        assertThatThrownBy(() -> exec(Map.of("notify_mastr", "/bin/true"))).isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith("notify_mastr: unknown key");
        assertThatThrownBy(() -> exec(Map.of("notify", "\"/bin/true"))).isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("unterminated quote");
        assertThatThrownBy(() -> exec(Map.of("notify", "/bin/true", "timeout", "soon"))).isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith("timeout: ");
    }

    @Test
    void aMissingScriptIsAPermanentFailure() throws Exception {
        FailoverProvider p = exec(Map.of("notify_master", dir.resolve("absent.sh").toString()));
        assertThat(p.acquire(ctx(RouterState.MASTER))).isInstanceOf(FailoverOutcome.PermanentFailure.class);
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as("process %d still alive", pid).isLessThan(end);
            Thread.sleep(20);
        }
    }

    private static void awaitFile(Path p) throws InterruptedException, IOException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(p) || Files.size(p) == 0 && p.getFileName().toString().endsWith(".pid")) {
            assertThat(System.nanoTime()).as("waiting for %s", p).isLessThan(end);
            Thread.sleep(20);
        }
    }
}
