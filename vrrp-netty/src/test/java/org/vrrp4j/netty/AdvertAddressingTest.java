package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.RouterCounters;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Where adverts come from and go to, and in which checksum form, seen on the wire (tcpdump on the
 * other host, decoded by tshark) and by the other node: the source is the interface's primary IPv4
 * address (the first one, as rtnetlink lists it; not a secondary of its subnet and not a later primary
 * of another subnet, as keepalived picks it), the destination 224.0.0.18; and two nodes configured for
 * RFC 9568's message-only VRRPv3/IPv4 checksum elect with it. Needs root, tcpdump and tshark.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AdvertAddressingTest {
    private static final InetAddress VIP = InetAddress.ofLiteral("198.18.1.100");
    /** Bounds: the election takes one Master_Down_Interval (≈ 0.4 s at 100 ms); 20 s for a loaded 2-vCPU machine. */
    private static final Duration BOUND = Duration.ofSeconds(20);
    @TempDir
    Path dir;
    private NetnsLab lab;
    private String a;
    private String b;
    private final List<VrrpNode> nodes = new ArrayList<>();
    private Process dump;

    @BeforeEach
    void lab() throws Exception {
        Prerequisites.require(Prerequisite.NETNS, Prerequisite.TSHARK, Prerequisite.TCPDUMP);
        lab = NetnsLab.create("va");
        a = lab.add("a");
        b = lab.add("b");
        // a's first (primary) address is .20; then a secondary of the same subnet that sorts lower, and a
        // primary of another subnet added later: neither is the advert source
        lab.link(a, "198.18.1.20/24", b, "198.18.1.2/24");
        NetnsLab.run("ip", "-n", a, "addr", "add", "198.18.1.3/24", "dev", "eth0");
        NetnsLab.run("ip", "-n", a, "addr", "add", "198.18.4.1/24", "dev", "eth0");
    }

    @AfterEach
    void cleanup() throws Exception {
        nodes.forEach(VrrpNode::close);
        if (dump != null) {
            dump.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (lab != null) {
            lab.close();
        }
    }

    private static VirtualRouterConfig router(int priority, ChecksumForm form) {
        return VirtualRouterConfig.builder().name("VI_1").interfaceName("eth0").vrid(57).priority(priority)
                .advertInterval(Duration.ofMillis(100)).addVirtualAddress(VIP).ipv4ChecksumForm(form).build();
    }

    private static RouterStatus status(VrrpNode node) {
        return node.status().getFirst();
    }

    private static void await(String what, BooleanSupplier condition) throws Exception {
        long end = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + ": not within " + BOUND);
            }
            Thread.sleep(20);
        }
    }

    private Path capture(String name) throws Exception {
        Path pcap = dir.resolve(name);
        dump = new ProcessBuilder("ip", "netns", "exec", b, "tcpdump", "--immediate-mode", "-i", "eth0", "-U", "-w",
                pcap.toString(), "ip proto 112").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(700); // tcpdump opens its socket (WireTest does the same)
        return pcap;
    }

    private void stopCapture() throws Exception {
        Thread.sleep(500); // tcpdump writes what it saw up to the signal
        new ProcessBuilder("kill", "-INT", Long.toString(dump.pid())).start().waitFor(5, TimeUnit.SECONDS);
        dump.waitFor(5, TimeUnit.SECONDS);
        dump = null;
    }

    private static List<String> tshark(Path pcap, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString()));
        cmd.addAll(List.of(options));
        Process t = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(t.getInputStream().readAllBytes()).lines().toList();
        assertThat(t.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return lines;
    }

    @Test
    void advertsLeaveFromTheInterfacesPrimaryAddressToTheVrrpGroup() throws Exception {
        Path pcap = capture("primary.pcap");
        VrrpNode master = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(router(200, ChecksumForm.IPV4_PSEUDO_HEADER)).build());
        nodes.add(master);
        VrrpNode backup = NetnsLab.inside(b, () -> VrrpNode.builder().addRouter(router(100, ChecksumForm.IPV4_PSEUDO_HEADER)).build());
        nodes.add(backup);
        await("a master, b backup following 198.18.1.20", () -> status(master).state() == State.MASTER
                && status(backup).state() == State.BACKUP && status(backup).master().isPresent()
                && status(backup).counters().advertisementsReceived() >= 5);
        assertThat(status(backup).master()).contains(InetAddress.ofLiteral("198.18.1.20"));
        stopCapture();
        List<String> adverts = tshark(pcap, "-Y", "vrrp && ip.src == 198.18.1.0/24 && vrrp.prio == 200", "-T", "fields",
                "-E", "separator=|", "-e", "ip.src", "-e", "ip.dst", "-e", "ip.ttl", "-e", "eth.dst");
        assertThat(adverts).hasSizeGreaterThanOrEqualTo(5);
        assertThat(adverts).allSatisfy(l -> {
            String[] f = l.split("\\|", -1);
            assertThat(f[0]).as("source = the primary, not the secondary .3 nor 198.18.4.1: %s", l).isEqualTo("198.18.1.20");
            assertThat(f[1]).as("destination = the VRRP group: %s", l).isEqualTo("224.0.0.18");
            assertThat(f[2]).as("TTL 255: %s", l).isEqualTo("255");
            assertThat(f[3]).as("to the group's MAC: %s", l).isEqualTo("01:00:5e:00:00:12");
        });
        assertThat(tshark(pcap, "-Y", "vrrp && ip.src != 198.18.1.20 && ip.src != 198.18.1.2")).as("no other source").isEmpty();
    }

    @Test
    void twoNodesOnTheMessageOnlyChecksumElectWithItAndTsharkSeesThatForm() throws Exception {
        Path pcap = capture("message.pcap");
        VrrpNode master = NetnsLab.inside(a, () -> VrrpNode.builder().addRouter(router(200, ChecksumForm.MESSAGE_ONLY)).build());
        nodes.add(master);
        VrrpNode backup = NetnsLab.inside(b, () -> VrrpNode.builder().addRouter(router(100, ChecksumForm.MESSAGE_ONLY)).build());
        nodes.add(backup);
        await("a master, b backup with adverts", () -> status(master).state() == State.MASTER
                && status(backup).state() == State.BACKUP && status(backup).counters().advertisementsReceived() >= 5);
        RouterCounters c = status(backup).counters();
        assertThat(c.messageOnlyChecksums()).as("every accepted advert in RFC 9568's form").isEqualTo(c.advertisementsReceived());
        assertThat(c.pseudoHeaderChecksums()).isZero();
        stopCapture();
        // Wireshark checks VRRPv3/IPv4 with the pseudo-header unless told "v3 checksum as in v2": then it is good
        String[] fields = {"-T", "fields", "-e", "vrrp.checksum.status"};
        List<String> asInV2 = tshark(pcap, concat(new String[] {"-Y", "vrrp.version == 3", "-o", "vrrp.v3_checksum_as_in_v2:TRUE"}, fields));
        List<String> pseudo = tshark(pcap, concat(new String[] {"-Y", "vrrp.version == 3", "-o", "vrrp.v3_checksum_as_in_v2:FALSE"}, fields));
        assertThat(asInV2).hasSizeGreaterThanOrEqualTo(5).allSatisfy(s -> assertThat(s).as("Good as message-only").isEqualTo("1"));
        assertThat(pseudo).hasSameSizeAs(asInV2).allSatisfy(s -> assertThat(s).as("Bad with the pseudo-header").isEqualTo("0"));
    }

    private static String[] concat(String[] x, String[] y) {
        String[] r = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
