package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's {@code bin/vrrp4j} (the shell script itself, from src/dist) choosing its Java: with
 * stand-in runtimes whose {@code java} records how it was called, so the test sees whether a candidate was
 * started just to print its version (the cost issue 12 measured) or only its release file read.
 */
@Timeout(60)
class LauncherScriptTest {
    private static final Path SCRIPT = Path.of("src/dist/bin/vrrp4j");

    @TempDir
    Path dir;

    /** A stand-in runtime: bin/java appends each call's arguments to calls.txt; release says {@code version}. */
    private Path runtime(String name, String version, boolean releaseFile) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, """
                #!/bin/sh
                echo "$*" >> "$(dirname "$(readlink -f "$0")")/../calls.txt"
                case "$*" in
                  *-XshowSettings*) echo "    java.specification.version = %s" >&2 ;;
                  *) echo "ran: $*" ;;
                esac
                """.formatted(version));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (releaseFile) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + ".0.1\"\n");
        }
        return home;
    }

    private Path distribution() throws IOException {
        Path dist = dir.resolve("dist");
        Files.createDirectories(dist.resolve("bin"));
        Files.createDirectories(dist.resolve("lib"));
        Path launcher = dist.resolve("bin/vrrp4j");
        Files.copy(SCRIPT, launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    private record Run(int exit, String out) {
    }

    private Run launch(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private static String calls(Path home) throws IOException {
        Path f = home.resolve("calls.txt");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Test
    void aRuntimeWithAReleaseFileIsChosenWithoutStartingItToAskItsVersion() throws Exception {
        Path jdk = runtime("jdk25", "25", true);
        Run r = launch(distribution(), Map.of("JAVA_HOME", jdk.toString()), "--version");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("ran: ").contains("org.vrrp4j.daemon.Vrrp4j --version");
        assertThat(calls(jdk)).doesNotContain("-XshowSettings").contains("org.vrrp4j.daemon.Vrrp4j --version");
    }

    @Test
    void anOlderRuntimeIsPassedOverByItsReleaseFileAlone() throws Exception {
        Path old = runtime("jdk17", "17", true);
        Path jdk = runtime("jdk25", "25", true);
        Run r = launch(distribution(), Map.of("JAVA_HOME", old.toString(), "PATH", jdk.resolve("bin") + ":/usr/bin:/bin"),
                "--version");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(calls(old)).isEmpty(); // neither probed nor run
        assertThat(calls(jdk)).doesNotContain("-XshowSettings").contains("org.vrrp4j.daemon.Vrrp4j --version");
    }

    @Test
    void aJavaOnThePathThatIsASymlinkIsJudgedByTheReleaseFileOfTheRuntimeItPointsTo() throws Exception {
        // /usr/bin/java -> /etc/alternatives/java -> .../bin/java: the release file is beside the target
        Path jdk = runtime("jdk25", "25", true);
        Path usrBin = Files.createDirectories(dir.resolve("usr/bin"));
        Path alternatives = Files.createDirectories(dir.resolve("etc/alternatives"));
        Files.createSymbolicLink(alternatives.resolve("java"), jdk.resolve("bin/java"));
        Files.createSymbolicLink(usrBin.resolve("java"), alternatives.resolve("java"));
        Run r = launch(distribution(), Map.of("PATH", usrBin + ":/usr/bin:/bin"), "--version");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(calls(jdk)).doesNotContain("-XshowSettings").contains("org.vrrp4j.daemon.Vrrp4j --version");
    }

    @Test
    void aLauncherStartedThroughASymlinkFindsItsOwnLib() throws Exception {
        Path jdk = runtime("jdk25", "25", true);
        Path launcher = distribution();
        Path link = Files.createDirectories(dir.resolve("usr/local/bin")).resolve("vrrp4j");
        Files.createSymbolicLink(link, launcher);
        Run r = launch(link, Map.of("JAVA_HOME", jdk.toString()), "--version");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("-cp " + dir.resolve("dist/lib") + "/*")
                .contains("-Djava.library.path=" + dir.resolve("dist/lib/native")); // Netty's epoll library
    }

    @Test
    void aRuntimeWithoutAReleaseFileIsStillAskedItsVersion() throws Exception {
        Path jdk = runtime("bare", "25", false);
        Run r = launch(distribution(), Map.of("JAVA_HOME", jdk.toString()), "--version");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(calls(jdk)).contains("-XshowSettings").contains("org.vrrp4j.daemon.Vrrp4j --version");
    }

    @Test
    void theDistributionsOwnRuntimeIsUsedWithoutProbing() throws Exception {
        Path launcher = distribution();
        Path own = dir.resolve("dist/runtime");
        Files.move(runtime("own", "25", true), own);
        Path other = runtime("jdk25", "25", true);
        Run r = launch(launcher, Map.of("JAVA_HOME", other.toString()), "--version");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(calls(own)).doesNotContain("-XshowSettings").contains("org.vrrp4j.daemon.Vrrp4j --version");
        assertThat(calls(other)).isEmpty();
    }

    // ---- the AOT cache ---------------------------------------------------------------------------

    private static String option(String calls, String prefix) {
        return java.util.Arrays.stream(calls.split("\\s+")).filter(w -> w.startsWith(prefix)).reduce((a, b) -> b).orElse(null);
    }

    @Test
    void theFirstRunTrainsTheCacheAndTheNextUsesIt() throws Exception {
        Path jdk = runtime("jdk25", "25", true);
        Path cacheDir = dir.resolve("cache");
        Path launcher = distribution();
        Map<String, String> env = Map.of("JAVA_HOME", jdk.toString(), "VRRP4J_AOT_CACHE", cacheDir.toString());
        assertThat(launch(launcher, env, "run", "-f", "x.conf").exit()).isZero();
        String output = option(calls(jdk), "-XX:AOTCacheOutput=");
        assertThat(output).as(calls(jdk)).isNotNull().startsWith("-XX:AOTCacheOutput=" + cacheDir + "/vrrp4j-").endsWith(".aot");
        assertThat(option(calls(jdk), "-XX:AOTCache=")).isNull();
        Path cache = Path.of(output.substring("-XX:AOTCacheOutput=".length()));
        // the training JVM (here a stand-in that exits at once) wrote nothing: the next start trains again
        Files.delete(jdk.resolve("calls.txt"));
        assertThat(launch(launcher, env, "run", "-f", "x.conf").exit()).isZero();
        assertThat(option(calls(jdk), "-XX:AOTCacheOutput=")).isEqualTo(output);
        // once written, it is used
        Files.writeString(cache, "cache");
        Files.delete(jdk.resolve("calls.txt"));
        assertThat(launch(launcher, env, "run", "-f", "x.conf").exit()).isZero();
        assertThat(option(calls(jdk), "-XX:AOTCache=")).isEqualTo("-XX:AOTCache=" + cache);
        assertThat(option(calls(jdk), "-XX:AOTCacheOutput=")).isNull();
    }

    @Test
    void anotherLibOrOtherJvmOptionsGetAnotherCacheAndTheOldOneGoes() throws Exception {
        Path jdk = runtime("jdk25", "25", true);
        Path cacheDir = dir.resolve("cache");
        Path launcher = distribution();
        Map<String, String> env = Map.of("JAVA_HOME", jdk.toString(), "VRRP4J_AOT_CACHE", cacheDir.toString());
        launch(launcher, env, "run");
        Path first = Path.of(option(calls(jdk), "-XX:AOTCacheOutput=").substring("-XX:AOTCacheOutput=".length()));
        Files.writeString(first, "cache");
        Files.writeString(dir.resolve("dist/lib/new.jar"), "a jar of another release");
        Files.delete(jdk.resolve("calls.txt"));
        launch(launcher, env, "run");
        String second = option(calls(jdk), "-XX:AOTCacheOutput=");
        assertThat(second).isNotNull().isNotEqualTo("-XX:AOTCacheOutput=" + first);
        assertThat(first).doesNotExist(); // a stale cache is removed, never offered to the JVM
        Files.delete(jdk.resolve("calls.txt"));
        java.util.Map<String, String> withOptions = new java.util.HashMap<>(env);
        withOptions.put("VRRP4J_JAVA_OPTS", "-Xmx64m");
        launch(launcher, withOptions, "run");
        assertThat(option(calls(jdk), "-XX:AOTCacheOutput=")).isNotNull().isNotEqualTo(second);
    }

    @Test
    void onlyRunUsesTheCacheAndOffOrAnUnwritableDirectoryMeansNone() throws Exception {
        Path jdk = runtime("jdk25", "25", true);
        Path launcher = distribution();
        launch(launcher, Map.of("JAVA_HOME", jdk.toString(), "VRRP4J_AOT_CACHE", dir.resolve("c").toString()), "check", "-f", "x");
        launch(launcher, Map.of("JAVA_HOME", jdk.toString(), "VRRP4J_AOT_CACHE", "off"), "run");
        Files.writeString(dir.resolve("file"), "not a directory");
        Run r = launch(launcher, Map.of("JAVA_HOME", jdk.toString(), "VRRP4J_AOT_CACHE", dir.resolve("file/c").toString()), "run");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(calls(jdk)).doesNotContain("-XX:AOTCache").contains("Vrrp4j check -f x").contains("Vrrp4j run");
    }

    /** What the launcher relies on: the JVM runs on when its AOT cache is unreadable, corrupt or missing. */
    @Test
    void aCorruptOrMissingCacheDoesNotStopTheJvm() throws Exception {
        Path garbage = dir.resolve("garbage.aot");
        Files.write(garbage, new byte[100_000]);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (Path cache : List.of(garbage, dir.resolve("missing.aot"))) {
            Process p = new ProcessBuilder(java, "-XX:AOTCache=" + cache, "-XX:+UseSerialGC", "-version")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("AOT cache").contains("version");
        }
    }
}
