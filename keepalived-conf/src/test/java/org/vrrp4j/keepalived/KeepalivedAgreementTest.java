package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus checked against the real thing: keepalived 2.2.7's own parser ({@code keepalived -t}, which
 * reads and checks the file and exits; no VRRP traffic) run in a network namespace of this test with the
 * corpus' interface names. keepalived must find no unknown keyword in the valid files, and must report a
 * problem on the same line as vrrp4j for the broken files where keepalived notices one at all (it
 * carries on with defaults where vrrp4j refuses the file). Needs root and keepalived; skips otherwise
 * (fails when CI=true).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KeepalivedAgreementTest {
    private static final String NS = "vconf" + ProcessHandle.current().pid() + "x" + System.nanoTime() % 100_000;
    private static boolean nsCreated;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void namespace() throws Exception {
        Corpus.require(Files.isExecutable(Path.of("/usr/sbin/keepalived")),
                "keepalived is not installed (apt-get install -y keepalived)");
        Corpus.require("root".equals(System.getProperty("user.name"))
                        && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))),
                "needs root and iproute2 to run keepalived -t in a network namespace of its own");
        run(List.of("ip", "netns", "add", NS));
        nsCreated = true;
        run(List.of("ip", "-n", NS, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1"));
        run(List.of("ip", "-n", NS, "link", "add", "eth2", "type", "veth", "peer", "name", "eth3"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (nsCreated) {
            run(List.of("ip", "netns", "del", NS));
        }
    }

    /** A command's exit status and output. */
    private record Ran(int exit, String output) {
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Ran r = ran(cmd);
        if (r.exit() != 0) {
            throw new IOException(cmd + " exited " + r.exit() + ": " + r.output());
        }
        return r.output();
    }

    private static Ran ran(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        return new Ran(p.exitValue(), out);
    }

    /** keepalived's report on a file: lines like {@code (FILE: Line 5) number '300' outside range [1, 255]}. */
    private static Ran keepalivedCheck(Path file) throws IOException, InterruptedException {
        String id = file.getFileName().toString();
        return ran(List.of("ip", "netns", "exec", NS, "keepalived", "-t", "-n", "-l", "-D", "-f", file.toString(),
                "-p", tmp.resolve(id + ".pid").toString(), "-r", tmp.resolve(id + ".vrrp.pid").toString(),
                "-c", tmp.resolve(id + ".chk.pid").toString()));
    }

    @Test
    void keepalivedKnowsEveryKeywordOfTheValidCorpus() throws Exception {
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(Corpus.dir())) {
            s.filter(p -> p.toString().endsWith(".conf"))
                    // vrrp4j's failover_provider extension and the deliberately unknown keywords
                    .filter(p -> !p.getFileName().toString().matches("failover-provider\\.conf|unknown-keyword\\.conf|ipv4-checksum\\.conf"))
                    .sorted().forEach(files::add);
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(12);
        Pattern unknown = Pattern.compile("\\((.+?): Line (\\d+)\\) Unknown keyword '(.+)'");
        for (Path f : files) {
            Ran check = keepalivedCheck(f);
            String report = check.output();
            // keepalived 2.2.7's -t status is no verdict on a valid file: it is 0 when it has nothing to say, 5 or 6
            // when it warned, and 143 for files whose check ends with it signalling itself (track.conf); a broken
            // file's non-zero status is asserted below
            assertThat(check.exit()).as("keepalived -t status on " + f + ":\n" + report).isIn(0, 5, 6, 143);
            assertThat(report).as("keepalived -t on " + f + ":\n" + report)
                    .doesNotContain("Unmatched quote").doesNotContain("Unterminated quote")
                    .doesNotContain("missing '}'").doesNotContain("Extra '}'");
            // the unknown keywords (include-main.conf has one on purpose) are the same for both, on the same lines
            Set<String> theirs = new TreeSet<>();
            Matcher m = unknown.matcher(report);
            while (m.find()) {
                theirs.add(Path.of(m.group(1)).getFileName() + ":" + m.group(2) + ": " + m.group(3));
            }
            Set<String> ours = new TreeSet<>();
            for (ConfigWarning w : KeepalivedConfigReader.read(f, n -> null).warnings()) {
                Matcher u = Pattern.compile("unknown keyword '(.+?)'").matcher(w.message());
                if (u.lookingAt()) {
                    ours.add(w.file().getFileName() + ":" + w.line() + ": " + u.group(1));
                }
            }
            assertThat(ours).as("keepalived -t on " + f + ":\n" + report).isEqualTo(theirs);
        }
    }

    @Test
    void keepalivedReportsTheSameLinesAsVrrp4j() throws Exception {
        String[] broken = {"auth-pass-secret", "bad-advert", "bad-priority", "bad-scope", "bad-state", "bad-vip",
                "bad-vip-hostname", "bad-vrid", "duplicate-instance", "extra-close", "mixed-family",
                "unknown-track-script", "unterminated-quote"};
        for (String name : broken) {
            Path f = Corpus.file("broken/" + name + ".conf");
            ConfigFileException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigFileException.class,
                    () -> KeepalivedConfigReader.read(f, n -> null));
            Ran check = keepalivedCheck(f);
            String report = check.output();
            assertThat(check.exit()).as("keepalived -t refuses " + f + ":\n" + report).isNotZero();
            assertThat(report).as("keepalived -t on " + f + " (vrrp4j: " + e.getMessage() + "):\n" + report)
                    .contains(f + ": Line " + e.line() + ")");
        }
        // and the unknown keywords vrrp4j warns about are the ones keepalived reports, on the same lines
        Path unknown = Corpus.file("unknown-keyword.conf");
        String report = keepalivedCheck(unknown).output();
        assertThat(report).contains(unknown + ": Line 7) Unknown keyword 'frobnicate'");
        assertThat(KeepalivedConfigReader.read(unknown, n -> null).warnings().getFirst().line()).isEqualTo(7);
    }

    /**
     * keepalived's own user words on a notify keyword (issue 11 item 10): the forms vrrp4j reads are in the
     * corpus (notify-users.conf, checked above). A user that does not exist: {@code keepalived -t} says
     * nothing, and the running keepalived drops that script ("Invalid user/group ... - ignoring", no line);
     * vrrp4j reads the word with the keyword's line, where {@code vrrp4j check} and {@code run} refuse the
     * file (vrrp4j-daemon's ScriptUsersTest and ScriptUserTest): never a script silently not run.
     */
    @Test
    void anUnknownNotifyUserIsDroppedByKeepalivedAtRunTimeAndReadWithItsLineByVrrp4j() throws Exception {
        Path f = tmp.resolve("unknown-notify-user.conf");
        Files.writeString(f, """
                vrrp_instance VI_U {
                    interface eth0
                    virtual_router_id 64
                    virtual_ipaddress {
                        198.18.0.64
                    }
                    notify_master /bin/true nosuchuser4j
                }
                """);
        KeepalivedConfig c = KeepalivedConfigReader.read(f, n -> null);
        assertThat(c.instances().getFirst().providers().getFirst().values())
                .containsEntry("notify_master_user", "nosuchuser4j");
        assertThat(c.locations().instanceProviderKey("VI_U", 0, "notify_master").orElseThrow().line()).isEqualTo(7);
        assertThat(keepalivedCheck(f).output()).doesNotContain("nosuchuser4j");
        String log = keepalivedRunUntil(f, "Invalid user/group for notify");
        assertThat(log).contains("Script user 'nosuchuser4j' does not exist")
                .contains("Invalid user/group for notify script /bin/true - ignoring");
    }

    /** keepalived run in the namespace until a line contains {@code marker} (at most 20 s), then stopped. */
    private static String keepalivedRunUntil(Path file, String marker) throws Exception {
        String id = file.getFileName() + ".run";
        Process p = new ProcessBuilder("ip", "netns", "exec", NS, "keepalived", "-n", "-l", "-D", "-f", file.toString(),
                "-p", tmp.resolve(id + ".pid").toString(), "-r", tmp.resolve(id + ".vrrp.pid").toString(),
                "-c", tmp.resolve(id + ".chk.pid").toString()).redirectErrorStream(true).start();
        StringBuffer out = new StringBuffer();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.append(line).append('\n');
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!out.toString().contains(marker) && p.isAlive() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
        } finally {
            p.destroy(); // SIGTERM: keepalived stops its children
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(5_000);
        }
        return out.toString();
    }
}
