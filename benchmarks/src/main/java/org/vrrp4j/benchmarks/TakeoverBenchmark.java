package org.vrrp4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * The take-over benchmark of issue 3: two nodes on a lab switch, the master (priority 200) is killed
 * with SIGKILL, and tcpdump on the switch measures the gap from its last advert to the backup's first.
 * Reported as gap − Master_Down_Interval (the backup's, priority 100): what an implementation adds to
 * the protocol's own wait. Also the master's advert jitter against the nominal interval.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath)" org.vrrp4j.benchmarks.TakeoverBenchmark \
 *      [--kills 20] [--intervals 1000,100,10] [--impl keepalived,vrrp4j]
 * </pre>
 * Needs root, iproute2, tcpdump and keepalived. Everything runs in namespaces it creates and deletes.
 */
public final class TakeoverBenchmark {
    private static final String VIP = "198.18.0.100/24";

    record Result(String impl, int intervalMs, List<Double> excessMs, List<Double> jitterMs, int failures) {
    }

    public static void main(String[] args) throws Exception {
        int kills = 20;
        List<Integer> intervals = List.of(1000, 100, 10);
        List<String> impls = List.of("keepalived", "vrrp4j");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kills" -> kills = Integer.parseInt(args[++i]);
                case "--intervals" -> intervals = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--impl" -> impls = Arrays.asList(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String why = NetnsLab.unavailableReason();
        if (why != null) {
            System.err.println("takeover benchmark: " + why);
            System.exit(2);
        }
        List<Result> results = new ArrayList<>();
        Path dir = Files.createTempDirectory("vrrp4j-takeover");
        for (String impl : impls) {
            for (int interval : intervals) {
                results.add(run(impl, interval, kills, dir));
            }
        }
        System.out.println();
        System.out.println("take-over gap minus Master_Down_Interval (prio 100 backup), SIGKILL of the master; tcpdump on the switch");
        System.out.printf(Locale.ROOT, "%-11s %9s %6s %10s %10s %10s %12s %12s%n",
                "impl", "interval", "kills", "p50 (ms)", "p99 (ms)", "max (ms)", "jitter p50", "jitter p99");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-11s %7dms %6d %+10.3f %+10.3f %+10.3f %12s %12s%s%n",
                    r.impl(), r.intervalMs(), r.excessMs().size(), pct(r.excessMs(), 50), pct(r.excessMs(), 99),
                    pct(r.excessMs(), 100), ms(pct(r.jitterMs(), 50)), ms(pct(r.jitterMs(), 99)),
                    r.failures() > 0 ? "  (" + r.failures() + " cycles without a measurement)" : "");
        }
    }

    static Result run(String impl, int intervalMs, int kills, Path dir) throws Exception {
        List<Double> excess = new ArrayList<>();
        List<Double> jitter = new ArrayList<>();
        int failures = 0;
        try (NetnsLab lab = NetnsLab.create("vb")) {
            String a = lab.addHost("a", "198.18.0.1/24");
            String b = lab.addHost("b", "198.18.0.2/24");
            Path confA = writeConfig(dir, "a", 200, intervalMs);
            Path confB = writeConfig(dir, "b", 100, intervalMs);
            Function<String, Peer> peers = n -> switch (impl) {
                case "keepalived" -> new KeepalivedPeer(lab, dir);
                case "vrrp4j" -> new Vrrp4jPeer(lab);
                default -> throw new IllegalArgumentException("unknown implementation " + impl + " (known: keepalived, vrrp4j)");
            };
            Peer peerA = peers.apply("a");
            Peer peerB = peers.apply("b");
            long mdiNanos = 3L * intervalMs * 1_000_000 + (256L - 100) * intervalMs * 1_000_000 / 256;
            long wait = Math.max(4000, 12L * intervalMs);
            try (AdvertCapture cap = new AdvertCapture(lab)) {
                peerB.start(b, confB, dir.resolve("b-" + impl + ".log"));
                peerA.start(a, confA, dir.resolve("a-" + impl + ".log"));
                for (int k = 0; k < kills; k++) {
                    // a is master once its adverts flow and b has gone quiet for three intervals
                    if (!awaitMaster(cap, "198.18.0.1", "198.18.0.2", intervalMs, wait + 3 * mdiNanos / 1_000_000)) {
                        failures++;
                        System.err.printf("%s %dms cycle %d: a never became master%n", impl, intervalMs, k);
                        peerA.kill();
                        peerA.start(a, confA, dir.resolve("a-" + impl + ".log"));
                        continue;
                    }
                    if (k == 0 && intervalMs <= 100) {
                        jitter.addAll(jitter(cap, "198.18.0.1", intervalMs));
                    }
                    int mark = cap.mark();
                    peerA.kill();
                    Optional<AdvertCapture.Advert> firstB = cap.await(mark, ad -> ad.source().equals("198.18.0.2"),
                            wait + mdiNanos / 1_000_000);
                    if (firstB.isEmpty()) {
                        failures++;
                    } else {
                        long lastA = cap.snapshot().stream().filter(ad -> ad.source().equals("198.18.0.1")
                                && ad.nanos() <= firstB.get().nanos()).mapToLong(AdvertCapture.Advert::nanos).max().orElseThrow();
                        excess.add((firstB.get().nanos() - lastA - mdiNanos) / 1e6);
                    }
                    peerA.start(a, confA, dir.resolve("a-" + impl + ".log"));
                }
                peerA.kill();
                peerB.kill();
            }
        }
        System.err.printf(Locale.ROOT, "%s at %d ms: %d kills measured, in order (ms): %s%n", impl, intervalMs,
                excess.size(), excess.stream().map(x -> String.format(Locale.ROOT, "%+.2f", x)).toList());
        return new Result(impl, intervalMs, excess, jitter, failures);
    }

    /** Waits until {@code master} advertises and {@code other} has been silent for three intervals. */
    private static boolean awaitMaster(AdvertCapture cap, String master, String other, int intervalMs, long timeoutMs)
            throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < end) {
            int mark = cap.mark();
            Optional<AdvertCapture.Advert> m = cap.await(mark, ad -> ad.source().equals(master), 3L * intervalMs + 200);
            if (m.isPresent()) {
                Thread.sleep(3L * intervalMs + 50);
                List<AdvertCapture.Advert> recent = cap.snapshot();
                long since = m.get().nanos();
                if (recent.stream().noneMatch(ad -> ad.source().equals(other) && ad.nanos() > since)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** |interval − nominal| between consecutive adverts of {@code source} over about 3 s. */
    private static List<Double> jitter(AdvertCapture cap, String source, int intervalMs) throws InterruptedException {
        int mark = cap.mark();
        Thread.sleep(3000);
        List<Long> times = cap.snapshot().subList(mark, cap.mark()).stream()
                .filter(ad -> ad.source().equals(source)).map(AdvertCapture.Advert::nanos).toList();
        List<Double> out = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            out.add(Math.abs((times.get(i) - times.get(i - 1)) / 1e6 - intervalMs));
        }
        return out;
    }

    static Path writeConfig(Path dir, String name, int priority, int intervalMs) throws IOException {
        Path p = dir.resolve(name + ".conf");
        Files.writeString(p, String.format(Locale.ROOT, """
                global_defs {
                    router_id %s
                    vrrp_version 3
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int %s
                    virtual_ipaddress {
                        %s
                    }
                }
                """, name, priority, new java.math.BigDecimal(intervalMs).movePointLeft(3).stripTrailingZeros().toPlainString(), VIP));
        return p;
    }

    /** Jitter is sampled at intervals up to 100 ms only (3 s of adverts at 1 s would be two samples). */
    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3fms", v);
    }

    static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = values.stream().sorted().toList();
        int idx = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.clamp(idx, 0, s.size() - 1));
    }

    private TakeoverBenchmark() {
    }
}
