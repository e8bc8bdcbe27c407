package org.vrrp4j.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrp4j.testkit.junit.Prerequisites;

/**
 * The tutorial the project grew from ({@code shared/seed}: two servers, keepalived over a private vLAN,
 * notify scripts calling netcup) as tests use it: its keepalived.conf for s1 and s2 and its scripts,
 * taken from the markdown at test time. Absent files skip the test (fail under {@code CI=true}).
 */
public final class Tutorial {
    private Tutorial() {
    }

    /** The tutorial's markdown. */
    public static String markdown() throws IOException {
        Path seed = SharedFiles.dir().resolve("seed");
        if (Files.isDirectory(seed)) {
            try (var files = Files.list(seed)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                    return Files.readString(f);
                }
            }
        }
        Prerequisites.unavailable("the tutorial " + seed + "/*.md is not there (set VRRP4J_SHARED)");
        return null;
    }

    /** The tutorial's keepalived.conf for s{@code n} (1 or 2), verbatim. */
    public static String keepalivedConf(int n) throws IOException {
        return block(markdown(), "keepalived.conf_ for s" + n);
    }

    /**
     * The tutorial's keepalived.conf for s{@code n} with its virtual address moved to {@code vip}: the
     * tutorial's own address is a private-range one, which tests never use. The entry of the
     * {@code virtual_ipaddress} block is rewritten, whatever it is.
     */
    public static String keepalivedConf(int n, String vip) throws IOException {
        String conf = keepalivedConf(n);
        Matcher m = Pattern.compile("(virtual_ipaddress\\s*\\{\\s*)(\\S+)").matcher(conf);
        if (!m.find()) {
            throw new AssertionError("the tutorial's s" + n + " has no virtual_ipaddress entry");
        }
        return conf.substring(0, m.start(2)) + vip + conf.substring(m.end(2));
    }

    /** One of the tutorial's scripts ({@code to_master.sh}, {@code to_backup.sh}), verbatim. */
    public static String script(String name) throws IOException {
        return block(markdown(), "**" + name + "**");
    }

    /** The first fenced code block after {@code heading}. */
    static String block(String md, String heading) {
        int at = md.indexOf(heading);
        if (at < 0) {
            throw new AssertionError("the tutorial has no '" + heading + "'");
        }
        Matcher m = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL).matcher(md);
        if (!m.find(at)) {
            throw new AssertionError("no code block after '" + heading + "' in the tutorial");
        }
        return m.group(1);
    }
}
