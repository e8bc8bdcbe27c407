package org.vrrp4j.examples.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** Test helpers: the corpus directory, the seed's configurations from ../shared, the CI rule. */
final class Corpus {
    private Corpus() {
    }

    /** examples/src/test/resources/keepalived-conf as copied to test-classes. */
    static Path dir() {
        try {
            return Path.of(Corpus.class.getResource("/keepalived-conf").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path file(String relative) {
        return dir().resolve(relative);
    }

    static KeepalivedConfig read(String relative) throws ConfigFileException {
        return KeepalivedConfigReader.read(file(relative), name -> name.equals("HOSTNAME") ? "testhost" : null);
    }

    /** The warnings' {@code relative-file:line: message} forms. */
    static List<String> warnings(KeepalivedConfig c) {
        return c.warnings().stream().map(w -> dir().relativize(w.file()) + ":" + w.line() + ": " + w.message()).toList();
    }

    /** Skips (or, with CI=true, fails) when a prerequisite is missing. */
    static void require(boolean present, String why) {
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and a prerequisite is missing: " + why);
        }
        Assumptions.assumeTrue(present, why);
    }

    /** /work/shared as the parent POM passes it (VRRP4J_SHARED), else ../shared from the repository root. */
    static Path sharedDir() {
        String env = System.getenv("VRRP4J_SHARED");
        if (env != null && !env.isBlank() && Files.isDirectory(Path.of(env))) {
            return Path.of(env);
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolveSibling("shared"))) {
                return p.resolveSibling("shared");
            }
        }
        return here.resolve("../shared").normalize();
    }

    /** The seed tutorial's example keepalived.conf for {@code s1} or {@code s2}, extracted from the markdown. */
    static String seedConfig(String server) throws IOException {
        Path md = sharedDir().resolve("seed/high-availability-keepalived-failover.md");
        require(Files.isRegularFile(md), "the seed tutorial is not at " + md + " (set VRRP4J_SHARED)");
        String text = Files.readString(md);
        Matcher m = Pattern.compile("\\*\\*Example _/etc/keepalived/keepalived\\.conf_ for " + server
                + "\\*\\*\\s*```\\n(.*?)```", Pattern.DOTALL).matcher(text);
        assertThat(m.find()).as("the seed's configuration for " + server + " in " + md).isTrue();
        return m.group(1);
    }
}
