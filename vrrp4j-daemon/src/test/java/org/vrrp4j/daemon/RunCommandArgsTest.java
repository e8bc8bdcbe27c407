package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code vrrp4j run}'s arguments read without picocli (the service's fast start) mean exactly what picocli
 * reads from them; whatever the plain reading does not take goes to picocli.
 */
@Timeout(30)
class RunCommandArgsTest {

    private static RunCommand picocli(String... args) {
        RunCommand c = new RunCommand();
        new CommandLine(c).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return c;
    }

    @Test
    void plainArgumentsMeanWhatPicocliReads() {
        List<String[]> samples = List.of(
                new String[] {},
                new String[] {"-f", "/etc/keepalived/keepalived.conf"},
                new String[] {"-f", "/tmp/k.conf", "--log-level", "debug"},
                new String[] {"--use-file", "/tmp/k.conf", "--http", "off"},
                new String[] {"--use-file=/tmp/k.conf", "--http=127.0.0.1:9200", "--metrics-names=keepalived"},
                new String[] {"--log-level", "WARN", "--metrics-names", "keepalived-exporter", "-f", "a.conf"},
                new String[] {"--http", "9300"});
        for (String[] args : samples) {
            Optional<RunCommand> plain = RunCommand.plain(args);
            assertThat(plain).as("taken without picocli: %s", List.of(args)).isPresent();
            RunCommand p = picocli(args);
            RunCommand q = plain.get();
            assertThat(q.file).as("file of %s", List.of(args)).isEqualTo(p.file);
            assertThat(q.logLevel).as("log level of %s", List.of(args)).isEqualTo(p.logLevel);
            assertThat(q.http).as("http of %s", List.of(args)).isEqualTo(p.http);
            assertThat(q.metricsNames).as("metrics names of %s", List.of(args)).isEqualTo(p.metricsNames);
        }
    }

    @Test
    void helpErrorsAndTheUnusualGoToPicocli() {
        List<String[]> samples = List.of(
                new String[] {"--help"},
                new String[] {"-h"},
                new String[] {"-V"},
                new String[] {"-f"},
                new String[] {"-f", "a.conf", "-f", "b.conf"},
                new String[] {"--log-level", "loud"},
                new String[] {"--unknown", "x"},
                new String[] {"-fa.conf"},
                new String[] {"--http="},
                new String[] {"stray"});
        for (String[] args : samples) {
            assertThat(RunCommand.plain(args)).as("left to picocli: %s", List.of(args)).isEmpty();
        }
    }

    @CommandLine.Command(name = "failing")
    static final class Failing implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("boom");
        }
    }

    @Test
    void aCommandFailingWithAnExceptionEndsWithTheStatusPicocliGives() {
        java.io.PrintWriter quiet = new java.io.PrintWriter(java.io.Writer.nullWriter());
        int underPicocli = new CommandLine(new Failing()).setErr(quiet).execute();
        java.io.PrintStream err = System.err;
        try {
            System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            assertThat(Vrrp4j.callAsPicocliWould(new Failing())).isEqualTo(underPicocli).isEqualTo(1);
        } finally {
            System.setErr(err);
        }
        assertThat(Vrrp4j.callAsPicocliWould(() -> 3)).isEqualTo(3);
    }
}
