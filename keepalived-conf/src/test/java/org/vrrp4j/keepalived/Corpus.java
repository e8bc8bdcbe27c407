package org.vrrp4j.keepalived;

import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.vrrp4j.testkit.Tutorial;

/** Test helpers: the corpus directory, the seed's configurations from ../shared, the CI rule. */
final class Corpus {
    private Corpus() {
    }

    /** keepalived-conf/src/test/resources/keepalived-conf as copied to test-classes. */
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
        if (!present) {
            Prerequisites.unavailable(why);
        }
    }

    /** The seed tutorial's example keepalived.conf for {@code s1} or {@code s2}, extracted from the markdown. */
    static String seedConfig(String server) throws IOException {
        return Tutorial.keepalivedConf(Integer.parseInt(server.substring(1)));
    }
}
