package org.vrrp4j.examples.demo;

import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;
import org.vrrp4j.daemon.Vrrp4j;
import org.vrrp4j.testkit.lab.FailoverPairLab;
import org.vrrp4j.testkit.sim.SimulatedLan;

/**
 * The demo ({@code bin/vrrp4j-demo}): the tutorial's failover pair on one machine. As root: s1 and s2
 * run the daemon ({@code vrrp4j run}) with the tutorial's configurations in network namespaces, the
 * netcup provider pointed at the REST stand-in; s1 is killed with SIGKILL and the timeline shows s2
 * taking over and the failover IP following it. Without root: the same two routers on the simulator,
 * in virtual time.
 */
public final class Demo {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private Demo() {
    }

    /** {@code vrrp4j-demo [-v]}: {@code -v} shows the nodes' own output. */
    public static void main(String[] args) throws Exception {
        boolean verbose = java.util.Arrays.asList(args).contains("-v") || java.util.Arrays.asList(args).contains("--verbose");
        System.exit(run(System.out, verbose));
    }

    /** Runs the demo; returns the exit status. */
    public static int run(PrintStream out, boolean verbose) throws Exception {
        String why = FailoverPairLab.unavailableReason();
        if (why != null) {
            out.println("vrrp4j-demo: " + why + ", so this runs the seed's scenario on the core's simulator,");
            out.println("in virtual time (no sockets, no netcup stand-in). Run it as root for the real thing.");
            out.println();
            simulated(out);
            return 0;
        }
        return inNamespaces(out, verbose);
    }

    private static int inNamespaces(PrintStream out, boolean verbose) throws Exception {
        out.println("vrrp4j-demo: the tutorial's scenario in network namespaces (s1, s2, a switch, a netcup stand-in)");
        List<String> timeline = new ArrayList<>();
        try (FailoverPairLab lab = FailoverPairLab.create("v4jdemo", FailoverPairLab.javaCommand(Vrrp4j.class.getName()))) {
            PrintStream echo = verbose ? out : null;
            long t0 = System.nanoTime();
            FailoverPairLab.Node s1 = lab.startVrrp4j(1, lab.config("s1.conf"), echo);
            FailoverPairLab.Node s2 = lab.startVrrp4j(2, lab.config("s2.conf"), echo);
            long s1Master = s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP_TIMEOUT).atNanos();
            timeline.add(line(t0, s1Master, "s1 is MASTER (priority 255, the address owner)"));
            s2.awaitLine("VI_1: \\w+ -> BACKUP", 0, STEP_TIMEOUT);
            long routed1 = FailoverPairLab.await("failover IP routed to s1", STEP_TIMEOUT,
                    () -> lab.rest().routedServerV4() == FailoverPairLab.restServer(1));
            timeline.add(line(t0, routed1, "failover IP " + "198.18.200.7 routed to s1 (netcup stand-in, REST)"));
            timeline.add(line(t0, routed1, "virtual address " + FailoverPairLab.VIP + " on s1: " + lab.holdsVip(1)
                    + ", on s2: " + lab.holdsVip(2)));
            Thread.sleep(2_000); // a few adverts in steady state
            int mark = s2.mark();
            long killed = System.nanoTime();
            s1.kill();
            timeline.add(line(t0, killed, "s1 killed (SIGKILL: no priority-0 advert, no goodbye)"));
            long s2Master = s2.awaitLine("VI_1: \\w+ -> MASTER", mark, STEP_TIMEOUT).atNanos();
            timeline.add(line(t0, s2Master, "s2 is MASTER after " + ms(s2Master - killed)
                    + " ms (Master_Down_Interval = 3 x 2 s + skew 0.008 s)"));
            long routed2 = FailoverPairLab.await("failover IP routed to s2", STEP_TIMEOUT,
                    () -> lab.rest().routedServerV4() == FailoverPairLab.restServer(2));
            timeline.add(line(t0, routed2, "failover IP routed to s2 after " + ms(routed2 - killed) + " ms ("
                    + ms(routed2 - s2Master) + " ms after s2 became master)"));
            timeline.add(line(t0, System.nanoTime(), "virtual address on s2: " + lab.holdsVip(2)));
            int exit = s2.terminate(Duration.ofSeconds(20));
            timeline.add(line(t0, System.nanoTime(), "s2 stopped with SIGTERM, exit status " + exit));
        }
        out.println();
        out.println("timeline (seconds since start)");
        timeline.forEach(out::println);
        out.println();
        out.println("namespaces removed.");
        return 0;
    }

    private static String line(long t0, long at, String what) {
        return String.format("  %7.3f  %s", (at - t0) / 1e9, what);
    }

    private static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }

    /** The two seed routers on the simulator: start, crash s1 at 10 s, watch s2 take over. */
    private static void simulated(PrintStream out) throws Exception {
        SimulatedLan lan = new SimulatedLan(1);
        lan.addRouter("s1", seedRouter(255), InetAddress.ofLiteral("198.18.1.1"));
        lan.addRouter("s2", seedRouter(254), InetAddress.ofLiteral("198.18.1.2"));
        List<String> timeline = new ArrayList<>();
        lan.onTransition(t -> timeline.add(String.format("  %7.3f  %s: %s -> %s (%s)", t.atNanos() / 1e9, t.router(),
                t.from(), t.to(), t.reason())));
        lan.startAll(0);
        lan.runUntil(SimulatedLan.seconds(10));
        timeline.add(String.format("  %7.3f  s1 crashes", 10.0));
        lan.crash("s1", SimulatedLan.seconds(10));
        lan.runUntil(SimulatedLan.seconds(20));
        out.println("timeline (virtual seconds)");
        timeline.forEach(out::println);
        out.println();
        out.println("masters now: " + lan.masters() + "; the virtual address is on " + lan.addressHolders());
    }

    private static VirtualRouterConfig seedRouter(int priority) {
        return VirtualRouterConfig.builder().name("VI_1").interfaceName("eth1").vrid(101).priority(priority)
                .version(VrrpVersion.V2).advertInterval(Duration.ofSeconds(2))
                .authKey(VrrpAuthKey.ofPassword("CUSTOM_PASSWORD"))
                .addVirtualAddress(InetAddress.ofLiteral(FailoverPairLab.VIP)).build();
    }
}
