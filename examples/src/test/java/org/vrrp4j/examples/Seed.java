package org.vrrp4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.vrrp4j.examples.lab.NetnsLab;

/**
 * The seed tutorial (../shared/seed) as tests use it: its keepalived.conf for s1 and s2 and its
 * scripts, taken from the markdown at test time. Absent files or no root: the test is skipped with the
 * reason, except with {@code CI=true}, where that is a failure so CI cannot pass silently.
 */
public final class Seed {
    private Seed() {
    }

    /** Skips (or, with CI=true, fails) with {@code why}. */
    public static void unavailable(String why) {
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(why + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(why);
    }

    /** Requires root and iproute2 for network namespaces. */
    public static void requireLab() {
        String why = NetnsLab.unavailableReason();
        if (why != null) {
            unavailable(why);
        }
    }

    /** Requires a program on the PATH (keepalived, curl). */
    public static void requireProgram(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return;
            }
        }
        unavailable(name + " is not installed");
    }

    /** ../shared as the parent POM passes it (VRRP4J_SHARED), else the {@code shared} beside the repository. */
    public static Path sharedDir() {
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

    /** The seed tutorial's markdown. */
    public static String markdown() throws IOException {
        Path seed = sharedDir().resolve("seed");
        if (Files.isDirectory(seed)) {
            try (var files = Files.list(seed)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                    return Files.readString(f);
                }
            }
        }
        unavailable("the seed tutorial " + seed + "/*.md is not there (set VRRP4J_SHARED)");
        return null;
    }

    /** The seed's keepalived.conf for s{@code n} (1 or 2), verbatim. */
    public static String keepalivedConf(int n) throws IOException {
        return block(markdown(), "keepalived.conf_ for s" + n);
    }

    /** One of the seed's scripts ({@code to_master.sh}, {@code to_backup.sh}), verbatim. */
    public static String script(String name) throws IOException {
        return block(markdown(), "**" + name + "**");
    }

    /** The first fenced code block after {@code heading}. */
    static String block(String md, String heading) {
        int at = md.indexOf(heading);
        if (at < 0) {
            throw new AssertionError("the seed has no '" + heading + "'");
        }
        Matcher m = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL).matcher(md);
        if (!m.find(at)) {
            throw new AssertionError("no code block after '" + heading + "' in the seed");
        }
        return m.group(1);
    }
}
