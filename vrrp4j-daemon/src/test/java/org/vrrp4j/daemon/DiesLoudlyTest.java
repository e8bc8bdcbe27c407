package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A daemon that ran out of memory dies and systemd brings it back; it never carries on with a thread gone
 * (a control thread that died of an OutOfMemoryError leaves a node that still answers /status but no longer
 * fails over). Proved on the distribution's own files: the JVM options of {@code bin/vrrp4j}'s exec line
 * are given to a program that catches its OutOfMemoryError, and the unit restarts a process that exits so.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiesLoudlyTest {
    private static final Path LAUNCHER = Path.of("src/dist/bin/vrrp4j");
    private static final Path UNIT = Path.of("src/dist/systemd/vrrp4j.service");

    /** Runs out of memory on a worker thread, catches it there, and would carry on half-alive. */
    public static final class CatchesItsOutOfMemory {
        public static void main(String[] args) throws Exception {
            Thread worker = new Thread(() -> {
                List<long[]> hog = new ArrayList<>();
                try {
                    while (true) {
                        hog.add(new long[1 << 20]);
                    }
                } catch (OutOfMemoryError e) {
                    hog.clear();
                    System.out.println("caught: " + e.getMessage());
                }
            });
            worker.start();
            worker.join();
            System.out.println("still running");
        }
    }

    /** The JVM options on the launcher's exec line (the words starting with - before -cp). */
    static List<String> launcherJvmOptions() throws Exception {
        String launcher = Files.readString(LAUNCHER);
        Matcher exec = Pattern.compile("(?m)^exec \"\\$pick\" (.*?)\\\\\\s*$").matcher(launcher);
        assertThat(exec.find()).as("the launcher's exec line").isTrue();
        return Arrays.stream(exec.group(1).trim().split("\\s+")).filter(w -> w.startsWith("-")).toList();
    }

    @Test
    void theLaunchersJvmOptionsEndAProcessThatRanOutOfMemory() throws Exception {
        List<String> options = launcherJvmOptions();
        assertThat(options).contains("-XX:+ExitOnOutOfMemoryError");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(options);
        cmd.addAll(List.of("-Xmx24m", "-cp", System.getProperty("java.class.path"), CatchesItsOutOfMemory.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("the process ended").isTrue();
        assertThat(p.exitValue()).as("exit status; output %s", output).isNotZero();
        assertThat(output).doesNotContain("caught").doesNotContain("still running")
                .contains("Terminating due to java.lang.OutOfMemoryError"); // the JVM's own line
    }

    @Test
    void theUnitRestartsAProcessThatDiedSo() throws Exception {
        List<String> service = Files.readAllLines(UNIT).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(service).contains("ExecStart=/opt/vrrp4j/bin/vrrp4j run -f /etc/keepalived/keepalived.conf");
        // on-failure (or always) covers a non-zero exit: the JVM's ExitOnOutOfMemoryError exits 3
        assertThat(service).anySatisfy(l -> assertThat(l).matches("Restart=(on-failure|always)"));
        assertThat(service).noneSatisfy(l -> assertThat(l).startsWith("SuccessExitStatus="));
        assertThat(service).noneSatisfy(l -> assertThat(l).startsWith("RestartPreventExitStatus="));
        // the unit's own JVM options, when set, keep the flag (the launcher adds it in front of them anyway)
        assertThat(Files.readString(LAUNCHER)).contains("java_opts=${VRRP4J_JAVA_OPTS:-")
                .contains("-XX:+ExitOnOutOfMemoryError \\\n    $java_opts");
    }
}
