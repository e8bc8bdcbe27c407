package org.vrrp4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Issue 3's load benchmark: one node running many routers (interfaces × VRIDs, all masters) at 100 ms,
 * measured over a window that starts once the switch sees (nearly) every router advertise: CPU seconds
 * (user + system, from /proc) and RSS (VmRSS, VmHWM), plus the advert rate seen on the switch so a node
 * that sends less cannot look cheaper. keepalived and vrrp4j in the
 * same run, with the same routers.
 *
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath)" org.vrrp4j.benchmarks.LoadBenchmark \
 *      [--interfaces 5] [--vrids 100] [--interval-ms 100] [--seconds 60] [--impl keepalived,vrrp4j]
 * </pre>
 */
public final class LoadBenchmark {
    private static final long TICKS = 100; // USER_HZ on Linux

    /** CPU over the window; RSS at its end and its peak (VmRSS, VmHWM), summed over the implementation's processes. */
    record Result(String impl, int routers, double cpuSeconds, int seconds, long rssKb, long peakRssKb,
            double advertsPerSecond) {
    }

    public static void main(String[] args) throws Exception {
        int interfaces = 5;
        int vrids = 100;
        int intervalMs = 100;
        int seconds = 60;
        List<String> impls = List.of("keepalived", "vrrp4j");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--interfaces" -> interfaces = Integer.parseInt(args[++i]);
                case "--vrids" -> vrids = Integer.parseInt(args[++i]);
                case "--interval-ms" -> intervalMs = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--impl" -> impls = Arrays.asList(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String why = NetnsLab.unavailableReason();
        if (why != null) {
            System.err.println("load benchmark: " + why);
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("vrrp4j-load");
        List<Result> results = new ArrayList<>();
        for (String impl : impls) {
            results.add(run(impl, interfaces, vrids, intervalMs, seconds, dir));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%d routers (%d interfaces x %d VRIDs) at %d ms, measured over %d s%n",
                interfaces * vrids, interfaces, vrids, intervalMs, seconds);
        System.out.printf(Locale.ROOT, "%-11s %12s %14s %16s%n", "impl", "CPU seconds", "peak RSS (MiB)", "adverts/s seen");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-11s %12.2f %14.1f %16.0f%n", r.impl(), r.cpuSeconds(), r.peakRssKb() / 1024.0,
                    r.advertsPerSecond());
        }
    }

    static Result run(String impl, int interfaces, int vrids, int intervalMs, int seconds, Path dir) throws Exception {
        return run(impl, lab -> impl.equals("keepalived") ? new KeepalivedPeer(lab, dir) : new Vrrp4jPeer(lab),
                interfaces, vrids, intervalMs, seconds, dir);
    }

    /** The load run with the peers {@code peers} makes (e.g. the product's launcher, pinned). */
    static Result run(String impl, java.util.function.Function<NetnsLab, Peer> peers, int interfaces, int vrids,
            int intervalMs, int seconds, Path dir) throws Exception {
        try (NetnsLab lab = NetnsLab.create("vl")) {
            String host = lab.addHost("n", "198.18.0.1/24");
            for (int i = 1; i < interfaces; i++) {
                lab.addInterface(host, "eth" + i, "198.18." + i + ".1/24");
            }
            Path conf = dir.resolve("load.conf");
            StringBuilder sb = new StringBuilder("global_defs {\n    vrrp_version 3\n}\n");
            for (int i = 0; i < interfaces; i++) {
                for (int v = 1; v <= vrids; v++) {
                    sb.append(String.format(Locale.ROOT, """
                            vrrp_instance VI_%d_%d {
                                state BACKUP
                                interface eth%d
                                virtual_router_id %d
                                priority 100
                                advert_int %s
                                virtual_ipaddress {
                                    198.19.%d.%d/32
                                }
                            }
                            """, i, v, i, v, new java.math.BigDecimal(intervalMs).movePointLeft(3).toPlainString(), i, v));
                }
            }
            Files.writeString(conf, sb.toString());
            Peer peer = peers.apply(lab);
            double expected = interfaces * vrids * 1000.0 / intervalMs;
            double rate = 0;
            try (AdvertCapture cap = new AdvertCapture(lab)) {
                peer.start(host, conf, dir.resolve("load-" + impl + ".log"));
                // measured once every router is master and advertising (seen on the switch), not after a fixed
                // wait: on a loaded machine keepalived took 50 s to get its 500 routers there
                long deadline = System.nanoTime() + 180_000_000_000L;
                while (System.nanoTime() < deadline && rate < 0.95 * expected) {
                    int m = cap.mark();
                    Thread.sleep(1000);
                    rate = cap.mark() - m;
                }
            }
            if (rate < 0.95 * expected) {
                System.err.printf(Locale.ROOT, "%s: %.0f of %.0f adverts/s after 180 s; measured anyway%n", impl, rate, expected);
            }
            Thread.sleep(2000);
            long cpu0 = cpuTicks(peer.pids());
            Thread.sleep(seconds * 1000L);
            long cpu1 = cpuTicks(peer.pids());
            long rss = statusKb(peer.pids(), "VmRSS:");
            long peak = statusKb(peer.pids(), "VmHWM:");
            peer.kill();
            System.err.printf(Locale.ROOT, "%s: done%n", impl);
            return new Result(impl, interfaces * vrids, (cpu1 - cpu0) / (double) TICKS, seconds, rss, peak, rate);
        }
    }

    static long cpuTicks(List<Long> pids) throws IOException {
        long sum = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            sum += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        }
        return sum;
    }

    /** A kB field of /proc/PID/status ({@code VmRSS:}, {@code VmHWM:}) summed over {@code pids}. */
    static long statusKb(List<Long> pids, String field) throws IOException {
        long sum = 0;
        for (long pid : pids) {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    sum += Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        }
        return sum;
    }

    private LoadBenchmark() {
    }
}
