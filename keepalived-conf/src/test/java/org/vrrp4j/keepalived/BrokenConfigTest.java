package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under keepalived-conf/broken is refused with the error its first line announces:
 * {@code # expect: <file>:<line>: <start of the rule>}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrokenConfigTest {
    private static final Pattern EXPECT = Pattern.compile("# expect: (\\S+):(\\d+): (.+)");

    static Stream<Path> brokenFiles() throws IOException {
        List<Path> files;
        try (var s = Files.list(Corpus.file("broken"))) {
            files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(25);
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void isRefusedWithFileLineAndRule(Path file) throws IOException {
        Matcher m = EXPECT.matcher(Files.readAllLines(file).getFirst());
        assertThat(m.matches()).as("first line of " + file + " announces the error").isTrue();

        ConfigFileException e = catchThrowableOfType(ConfigFileException.class,
                () -> KeepalivedConfigReader.read(file, n -> null));

        assertThat(e).as(file + " is refused").isNotNull();
        assertThat(Corpus.dir().relativize(e.file()).toString()).isEqualTo(m.group(1));
        assertThat(e.line()).as(e.getMessage()).isEqualTo(Integer.parseInt(m.group(2)));
        assertThat(e.rule()).startsWith(m.group(3));
        assertThat(e.getMessage()).isEqualTo(e.file() + ":" + e.line() + ": " + e.rule());
        // secrets never leak into errors
        assertThat(e.getMessage()).doesNotContain("TOPSECRET").doesNotContain("secret\n");
    }
}
