package org.vrrp4j.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every scenario in {@code src/test/resources/scenarios}: the actions the state machine
 * produces must equal the {@code <} lines in the file. {@code -Dvrrp4j.rewrite=true} rewrites the
 * files with what the machine produces now (review the diff before committing it).
 */
class ScenarioTest {
    private static final Path DIR = Path.of("src/test/resources/scenarios");

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).as("scenario files").isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String expected = Files.readString(f, StandardCharsets.UTF_8);
            String actual = ScenarioRunner.run(expected.lines().toList());
            if (Boolean.getBoolean("vrrp4j.rewrite")) {
                Files.writeString(f, actual, StandardCharsets.UTF_8);
            } else {
                assertThat(actual).as(f.toString()).isEqualTo(expected);
            }
        }));
    }
}
