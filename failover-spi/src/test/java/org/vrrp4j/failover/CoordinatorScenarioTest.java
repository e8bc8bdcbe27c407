package org.vrrp4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Replays every scenario in {@code src/test/resources/coordinator-scenarios}: the commands the binding
 * machine produces must equal the {@code <} lines in the file. {@code -Dvrrp4j.rewrite=true} rewrites
 * the files with what the machine produces now (review the diff before committing it); under
 * {@code CI=true} that is refused, so CI can never bless its own output.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoordinatorScenarioTest {
    private static final Path DIR = Path.of("src/test/resources/coordinator-scenarios");

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException {
        boolean rewrite = rewriteRequested(Boolean.getBoolean("vrrp4j.rewrite"), System.getenv("CI"));
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).as("scenario files").isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String expected = Files.readString(f, StandardCharsets.UTF_8);
            String actual = CoordinatorScenarioRunner.run(expected.lines().toList());
            if (rewrite) {
                Files.writeString(f, actual, StandardCharsets.UTF_8);
            } else {
                assertThat(actual).as(f.toString()).isEqualTo(expected);
            }
        }));
    }

    /** Whether to rewrite the files; refused under CI, so CI can never bless its own output. */
    static boolean rewriteRequested(boolean rewrite, String ci) {
        if (rewrite && "true".equalsIgnoreCase(ci)) {
            throw new IllegalStateException("-Dvrrp4j.rewrite=true is refused when CI=true: scenarios are rewritten "
                    + "on a developer's machine and the diff reviewed, never by CI");
        }
        return rewrite;
    }

    @Test
    void rewritingIsRefusedUnderCi() {
        assertThatThrownBy(() -> rewriteRequested(true, "true")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CI=true");
        assertThat(rewriteRequested(true, null)).isTrue();
        assertThat(rewriteRequested(false, "true")).isFalse();
    }

    @Test
    void aScenarioWhoseExpectedCommandsDifferFailsAndABadLineNamesItsNumber() {
        List<String> wrong = List.of("binding b reverify=0", "> b role MASTER @0", "< b start RELEASE#1 call=1");
        assertThat(CoordinatorScenarioRunner.run(wrong)).doesNotContain("RELEASE").contains("< b start ACQUIRE#1 call=1");
        assertThatThrownBy(() -> CoordinatorScenarioRunner.run(List.of("binding b", "> b role MASTER @5", "> b reassert @4")))
                .hasMessageStartingWith("scenario line 3: > b reassert @4: time goes backwards");
    }
}
