package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * journald reads each line's level: with standard output on the journal's stream ({@code JOURNAL_STREAM}
 * naming it), lines start with sd-daemon's {@code <N>}; elsewhere they start with the time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DaemonLogTest {
    @TempDir
    Path dir;

    /** {@code vrrp4j run} on a file with an unknown keyword (a warning) and a bad --http (an error, exit 2). */
    private List<String> run(String journalStream, Path out) throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, "global_defs {\n    router_id x\n    no_such_keyword 1\n}\n");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Vrrp4j.class.getName(), "run", "-f", conf.toString(), "--http", "nope"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("JOURNAL_STREAM");
        if (journalStream != null) {
            pb.environment().put("JOURNAL_STREAM", journalStream);
        }
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        return Files.readAllLines(out);
    }

    private static String devIno(Path file) throws Exception {
        return Files.getAttribute(file, "unix:dev") + ":" + Files.getAttribute(file, "unix:ino");
    }

    @Test
    void onTheJournalsStreamEachLineCarriesItsPriority() throws Exception {
        Path out = Files.createFile(dir.resolve("journal.out"));
        List<String> lines = run(devIno(out), out);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("<4>WARN ").contains("no_such_keyword"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("<3>ERROR ").contains("--http nope"));
        assertThat(lines).allSatisfy(l -> assertThat(l).matches("<[3467]>.*"));
    }

    @Test
    void elsewhereLinesStartWithTheTimeAndNoPrefix() throws Exception {
        Path out = Files.createFile(dir.resolve("terminal.out"));
        List<String> lines = run(null, out);
        assertThat(lines).anySatisfy(l -> assertThat(l)
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN RunCommand - .*no_such_keyword.*"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).startsWith("<"));
    }

    @Test
    void aJournalStreamThatIsNotStandardOutputIsIgnored() throws Exception {
        // systemd started us, but the output was redirected elsewhere: the variable is stale (systemd.exec(5))
        Path other = Files.createFile(dir.resolve("other"));
        Path out = Files.createFile(dir.resolve("redirected.out"));
        List<String> lines = run(devIno(other), out);
        assertThat(lines).isNotEmpty().noneSatisfy(l -> assertThat(l).startsWith("<"));
    }

    @Test
    void stackTracesAndMultiLineMessagesKeepThePriorityOnEveryLine() {
        String s = org.vrrp4j.daemon.log.DaemonLogTestAccess.format(org.slf4j.event.Level.ERROR, "Daemon", "first\nsecond",
                new IllegalStateException("boom"), true);
        assertThat(s.lines().toList()).hasSizeGreaterThan(3).allSatisfy(l -> assertThat(l).startsWith("<3>"));
        assertThat(s).startsWith("<3>ERROR Daemon - first\n<3>second\n<3>java.lang.IllegalStateException: boom\n");
        String t = org.vrrp4j.daemon.log.DaemonLogTestAccess.format(org.slf4j.event.Level.DEBUG, "X", "m", null, true);
        assertThat(t).isEqualTo("<7>DEBUG X - m\n");
    }
}
