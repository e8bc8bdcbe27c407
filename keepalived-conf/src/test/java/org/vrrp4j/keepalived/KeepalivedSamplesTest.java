package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;

/**
 * keepalived 2.2.7's own sample configurations (its {@code doc/samples}, which Debian's keepalived package
 * installs in {@code /usr/share/doc/keepalived/samples}; read there, not copied: see
 * {@code src/test/resources/keepalived-samples/README.md}). For each, {@code keepalived -t} says whether
 * keepalived runs it, and vrrp4j's reader must agree: what keepalived runs, vrrp4j reads (its load
 * balancer blocks as warned-about unsupported keywords), what keepalived refuses, vrrp4j refuses. Parse
 * only: nothing is ever sent to the samples' addresses.
 */
@Requires({Prerequisite.KEEPALIVED, Prerequisite.NETNS})
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KeepalivedSamplesTest {
    static final Path SAMPLES = Path.of("/usr/share/doc/keepalived/samples");
    private static final String NS = "vsmp" + ProcessHandle.current().pid() + "x" + System.nanoTime() % 100_000;
    private static boolean nsCreated;

    @TempDir
    static Path tmp;

    static Stream<Path> samples() throws IOException {
        Corpus.require(Files.isDirectory(SAMPLES), "keepalived's samples are not installed at " + SAMPLES
                + " (Debian's keepalived package ships them)");
        List<Path> files;
        try (Stream<Path> s = Files.list(SAMPLES)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("keepalived.conf.")).sorted().toList();
        }
        assertThat(files).as("keepalived 2.2.7 ships 25 sample configurations").hasSizeGreaterThanOrEqualTo(25);
        return files.stream();
    }

    @BeforeAll
    static void namespace() throws Exception {
        run(List.of("ip", "netns", "add", NS));
        nsCreated = true;
        // the samples' interfaces: eth0 .. eth3
        run(List.of("ip", "-n", NS, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1"));
        run(List.of("ip", "-n", NS, "link", "add", "eth2", "type", "veth", "peer", "name", "eth3"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (nsCreated) {
            run(List.of("ip", "netns", "del", NS));
        }
    }

    private record Ran(int exit, String output) {
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Ran r = ran(cmd);
        if (r.exit() != 0) {
            throw new IOException(cmd + " exited " + r.exit() + ": " + r.output());
        }
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

    /**
     * keepalived 2.2.7's verdict ({@code config_test_exit}): 4 (KEEPALIVED_CHK_EXIT_CONFIG) when the file is
     * missing, names an interface that cannot be used, or is fatally wrong: keepalived does not run it; 0, or
     * 5/6 for errors and security warnings it reports and then runs the file anyway (the bad part dropped).
     */
    private static Ran keepalivedCheck(Path file) throws IOException, InterruptedException {
        String id = file.getFileName().toString();
        return ran(List.of("ip", "netns", "exec", NS, "keepalived", "-t", "-n", "-l", "-D", "-f", file.toString(),
                "-p", tmp.resolve(id + ".pid").toString(), "-r", tmp.resolve(id + ".vrrp.pid").toString(),
                "-c", tmp.resolve(id + ".chk.pid").toString()));
    }

    /**
     * The samples keepalived runs only after reporting a configuration error (status 5) that vrrp4j refuses
     * instead, with the two messages naming the same problem: vrrp4j does not start a configuration that
     * does not mean what it says where keepalived drops the part and carries on. Each entry is the start of
     * vrrp4j's rule and a piece of keepalived's report.
     */
    private static final Map<String, List<String>> REFUSED_WHERE_KEEPALIVED_REPORTS_AN_ERROR = Map.of(
            // read with this host's config_id, the @high/@low lines drop out and the script has no command
            "keepalived.conf.conditional_conf", List.of("vrrp_script check_VI_0 has no 'script'",
                    "No script set for vrrp_script check_VI_0"),
            // keepalived runs AH (it only clears the initial state MASTER); vrrp4j implements no IPsec AH, and
            // running without it would make a peer that expects AH drop every advert: two masters
            "keepalived.conf.SSL_GET", List.of("auth_type AH (IPsec authentication header) is not supported",
                    "incompatible with AH authentication"));

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void vrrp4jReadsWhatKeepalivedRunsAndRefusesWhatItRefuses(Path sample) throws Exception {
        Ran check = keepalivedCheck(sample);
        String name = sample.getFileName().toString();
        assertThat(check.exit()).as("keepalived -t status on " + sample + ":\n" + check.output()).isIn(0, 4, 5, 6);
        ConfigFileException refused = null;
        KeepalivedConfig read = null;
        try {
            read = KeepalivedConfigReader.read(sample, n -> n.equals("HOSTNAME") ? "samplehost" : null);
        } catch (ConfigFileException e) {
            refused = e;
        }
        String ours = refused == null ? "reads it" : "refuses it: " + refused.getMessage();
        String theirs = "keepalived -t status " + check.exit() + ":\n" + check.output();
        if (check.exit() == 4) {
            assertThat(refused).as("keepalived does not run %s; vrrp4j %s\n%s", name, ours, theirs).isNotNull();
        } else if (check.exit() == 5 && REFUSED_WHERE_KEEPALIVED_REPORTS_AN_ERROR.containsKey(name)) {
            List<String> why = REFUSED_WHERE_KEEPALIVED_REPORTS_AN_ERROR.get(name);
            assertThat(refused).as("vrrp4j refuses %s (%s)", name, why).isNotNull();
            assertThat(refused.rule()).as(ours).startsWith(why.get(0));
            assertThat(check.output()).as(theirs).contains(why.get(1));
        } else {
            assertThat(refused).as("keepalived runs %s; vrrp4j %s\n%s", name, ours, theirs).isNull();
            // every instance keepalived has is read, with its addresses as keepalived advertises them
            assertThat(read.instances()).allSatisfy(i -> assertThat(i.router().advertisedAddresses()).isNotEmpty());
        }
    }

    /**
     * The sample that motivated this test: keepalived.conf.vrrp lists its third address twice, the second time
     * with a label. keepalived takes it and advertises four addresses; vrrp4j reads it, advertises the same
     * four and adds the address once, and says so at the line. (The sample's own addresses are read from the
     * file, never written here: parse-only, nothing is sent to them.)
     */
    @Test
    void theVrrpSampleWithAnAddressListedTwiceIsReadAsKeepalivedReadsIt() throws Exception {
        Path sample = SAMPLES.resolve("keepalived.conf.vrrp");
        Corpus.require(Files.isRegularFile(sample), sample + " is not installed");
        KeepalivedConfig c = KeepalivedConfigReader.read(sample, n -> null);
        var r = c.instance("VI_1").orElseThrow().router();
        List<String> added = r.virtualAddresses().stream().map(va -> va.address().getHostAddress()).toList();
        assertThat(added).hasSize(3).doesNotHaveDuplicates();
        String text = Files.readString(sample);
        assertThat(added).allSatisfy(a -> assertThat(text).contains(a));
        assertThat(r.advertisedAddresses()).extracting(java.net.InetAddress::getHostAddress)
                .containsExactly(added.get(0), added.get(1), added.get(2), added.get(2));
        assertThat(r.virtualAddresses().get(2).label()).isEmpty();
        assertThat(c.warnings()).anySatisfy(w -> {
            assertThat(w.line()).isEqualTo(32);
            assertThat(w.message()).startsWith("virtual address " + added.get(2) + " is listed again");
        });
    }
}
