package org.vrrp4j.failover.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SPI stays small and stands alone: a provider author never needs the runtime. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SpiSurfaceTest {
    private static final Path SPI = Path.of("src/main/java/org/vrrp4j/failover/spi");
    private static final Path EXEC = Path.of("src/main/java/org/vrrp4j/failover/exec");

    @Test
    void theSpiIsOnePackageOfAtMostElevenTypes() throws IOException {
        List<String> types = javaFiles(SPI).stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("package-info.java")).toList();
        assertThat(types).hasSizeLessThanOrEqualTo(11).contains("FailoverProvider.java", "FailoverProviderFactory.java",
                "FailoverContext.java", "FailoverOutcome.java", "Location.java", "Cancellation.java", "ProviderConfig.java",
                "Secret.java", "CredentialCheck.java");
        assertThat(SPI.resolve("package-info.java")).exists();
        assertThat(FailoverProvider.class.getModule().getDescriptor().exports())
                .anySatisfy(e -> assertThat(e.source()).isEqualTo("org.vrrp4j.failover.spi"));
    }

    @Test
    void neitherTheSpiNorTheExecProviderImportsTheRuntime() throws IOException {
        for (Path dir : List.of(SPI, EXEC)) {
            for (Path f : javaFiles(dir)) {
                assertThat(Files.readAllLines(f)).as(f.toString())
                        .noneMatch(l -> l.matches("import (static )?org\\.vrrp4j\\.failover\\.[A-Z].*"));
            }
        }
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
