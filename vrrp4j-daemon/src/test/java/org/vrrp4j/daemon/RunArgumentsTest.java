package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code vrrp4j run}'s plain options are read without picocli at start ({@link RunCommand#fromPlainArguments}):
 * each command line it takes must give the very fields picocli gives, and each it does not take (help,
 * version, errors, anything unusual) is left to picocli.
 */
class RunArgumentsTest {

    private static RunCommand picocli(String... args) {
        CommandLine cl = Vrrp4j.commandLine();
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return (RunCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void thePlainCommandLinesGiveWhatPicocliGives() {
        List<String[]> lines = List.of(
                new String[] {"run"},
                new String[] {"run", "-f", "/etc/vrrp4j/a.conf"},
                new String[] {"run", "--use-file", "a.conf", "--log-level", "debug"},
                new String[] {"run", "--use-file=/x/y.conf", "--log-level=TRACE", "--http=off"},
                new String[] {"run", "--http", "198.18.0.1:9000", "--metrics-names", "keepalived-exporter", "-f", "k.conf"},
                new String[] {"run", "--log-level", "Warn", "--metrics-names=keepalived"},
                new String[] {"run", "--http", "9113"});
        for (String[] line : lines) {
            RunCommand plain = RunCommand.fromPlainArguments(line);
            assertThat(plain).as(String.join(" ", line)).isNotNull();
            assertThat(plain.options()).as(String.join(" ", line)).isEqualTo(picocli(line).options());
        }
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        List<String[]> lines = List.of(
                new String[] {"check"},
                new String[] {"run", "--help"},
                new String[] {"run", "-h"},
                new String[] {"run", "-V"},
                new String[] {"run", "--version"},
                new String[] {"run", "-f"},
                new String[] {"run", "--use-file="},
                new String[] {"run", "-f=a.conf"},
                new String[] {"run", "-fa.conf"},
                new String[] {"run", "--log-level", "loud"},
                new String[] {"run", "-f", "a.conf", "-f", "b.conf"},
                new String[] {"run", "-f", "--log-level"},
                new String[] {"run", "--", "-f"},
                new String[] {"run", "--bogus", "x"},
                new String[] {"run", "stray"});
        for (String[] line : lines) {
            assertThat(RunCommand.fromPlainArguments(line)).as(String.join(" ", line)).isNull();
        }
    }
}
