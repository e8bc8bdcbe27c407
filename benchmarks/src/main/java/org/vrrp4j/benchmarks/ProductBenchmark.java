package org.vrrp4j.benchmarks;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Issue 12's table, measured through the product: the built distribution's {@code bin/vrrp4j run -f FILE}
 * started as an operator starts it, and keepalived beside it in the same run with the same keepalived.conf,
 * both pinned with {@code taskset -c 0,1}. tcpdump on the lab's switch times every advert.
 * <ul>
 * <li>take-over overhead beyond Master_Down_Interval (100 ms adverts, backup priority 100, kill -9 of the
 * priority-200 master): with the backup freshly started and in BACKUP for 1.5 s (a new backup per kill),
 * and with one backup kept in BACKUP for 15 s before each kill (the master restarted and preempting between kills);
 * <li>the master's advert interval jitter, |interval − nominal|, p99, at 100 ms (over the warm waits) and at 10 ms;
 * <li>exec → BACKUP: from starting the process to its "Entering BACKUP STATE" log line (the fresh backups);
 * <li>resident memory (VmRSS summed over the processes) and threads of the backup after 15 s in BACKUP;
 * <li>500 routers (2 links × 250 VRIDs, VRRPv3, 100 ms, all masters): CPU seconds per minute, RSS, adverts seen.
 * </ul>
 * <pre>
 * ./mvnw -B -q -pl vrrp4j-daemon,benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath)" org.vrrp4j.benchmarks.ProductBenchmark \
 *      [--dist vrrp4j-daemon/target/vrrp4j] [--cpus 0,1] [--fresh-kills 10] [--warm-kills 6] [--warm-seconds 15]
 *      [--load-seconds 60] [--impl keepalived,vrrp4j] [--skip load,jitter10,takeover] [--aot DIR|off]
 * </pre>
 * The launcher's AOT cache goes to a directory of the run's own (or {@code --aot DIR}; {@code off}: none), made
 * by a start and graceful stop before anything is measured, as an operator's first start and restart make it.
 * Needs root, iproute2, tcpdump, taskset and keepalived; about 10 minutes with the defaults. Everything runs in
 * namespaces it creates and deletes.
 */
public final class ProductBenchmark {
    private static final String MASTER_IP = "198.18.0.1";
    private static final String BACKUP_IP = "198.18.0.2";
    private static final String BACKUP_LINE = "Entering BACKUP STATE";
    private static final int INTERVAL_MS = 100;
    /** Master_Down_Interval of the priority-100 backup at 100 ms: 3 × 100 + (256 − 100) × 100 / 256 ms. */
    private static final long MDI_NANOS = 3L * INTERVAL_MS * 1_000_000 + (256L - 100) * INTERVAL_MS * 1_000_000 / 256;

    /** Everything measured of one implementation. */
    static final class Figures {
        final List<Double> freshExcess = new ArrayList<>();
        final List<Double> warmExcess = new ArrayList<>();
        final List<Double> jitter100 = new ArrayList<>();
        final List<Double> jitter10 = new ArrayList<>();
        final List<Double> execToBackup = new ArrayList<>();
        long rssOneKb = -1;
        int threadsOne = -1;
        LoadBenchmark.Result load;
        int failures;
    }

    private record Options(Path launcher, String cpus, int freshKills, int warmKills, int warmSeconds, int freshMillis,
            int loadSeconds, List<String> impls, List<String> skip, String aotCache) {
    }

    public static void main(String[] args) throws Exception {
        Path dist = Path.of("vrrp4j-daemon/target/vrrp4j");
        String cpus = "0,1";
        int freshKills = 10;
        int warmKills = 6;
        int warmSeconds = 15;
        int loadSeconds = 60;
        List<String> impls = List.of("keepalived", "vrrp4j");
        List<String> skip = List.of();
        String aot = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dist" -> dist = Path.of(args[++i]);
                case "--cpus" -> cpus = args[++i];
                case "--fresh-kills" -> freshKills = Integer.parseInt(args[++i]);
                case "--warm-kills" -> warmKills = Integer.parseInt(args[++i]);
                case "--warm-seconds" -> warmSeconds = Integer.parseInt(args[++i]);
                case "--load-seconds" -> loadSeconds = Integer.parseInt(args[++i]);
                case "--impl" -> impls = Arrays.asList(args[++i].split(","));
                case "--skip" -> skip = Arrays.asList(args[++i].split(","));
                case "--aot" -> aot = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path launcher = dist.resolve("bin/vrrp4j").toAbsolutePath();
        if (!Files.isExecutable(launcher)) {
            System.err.println("product benchmark: no launcher at " + launcher
                    + " (build it: ./mvnw -B -q -pl vrrp4j-daemon,benchmarks -am package -DskipTests)");
            System.exit(2);
        }
        String why = NetnsLab.unavailableReason();
        if (why != null) {
            System.err.println("product benchmark: " + why);
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("vrrp4j-product");
        Options o = new Options(launcher, cpus, freshKills, warmKills, warmSeconds, 1500, loadSeconds, impls, skip,
                aot == null ? dir.resolve("aot").toString() : aot);
        long began = System.nanoTime();
        Map<String, Figures> all = new LinkedHashMap<>();
        for (String impl : impls) {
            Figures f = new Figures();
            all.put(impl, f);
            if (impl.equals("vrrp4j")) {
                aotNote = prime(o, dir);
            }
            if (!skip.contains("takeover")) {
                takeover(impl, o, dir, f);
            }
            if (!skip.contains("jitter10")) {
                jitter10(impl, o, dir, f);
            }
            if (!skip.contains("load")) {
                f.load = LoadBenchmark.run(impl, lab -> peer(impl, lab, dir, o), 2, 250, INTERVAL_MS, loadSeconds, dir);
            }
        }
        print(all, o, (System.nanoTime() - began) / 1e9);
        System.err.println("logs and configurations: " + dir);
    }

    private static String aotNote = "";

    /**
     * An operator's second start: the first start of {@code run} trains the launcher's AOT cache, which the
     * JVM writes when the daemon stops gracefully. This start and stop, before anything is measured, leaves
     * it in place (kill -9 would not). Returns what the table says of it.
     */
    static String prime(Options o, Path dir) throws Exception {
        if (o.aotCache().equals("off")) {
            return "AOT cache: off";
        }
        try (NetnsLab lab = NetnsLab.create("va")) {
            String b = lab.addHost("b", BACKUP_IP + "/24");
            Path conf = TakeoverBenchmark.writeConfig(dir, "vrrp4j-prime", 100, INTERVAL_MS);
            Path log = dir.resolve("vrrp4j-prime.log");
            LauncherPeer peer = new LauncherPeer(lab, o.launcher(), o.cpus(), o.aotCache());
            peer.start(b, conf, log);
            awaitLog(log, 0, BACKUP_LINE, 60_000);
            Thread.sleep(2000);
            peer.stop(180);
        }
        try (var caches = Files.list(Path.of(o.aotCache()))) {
            return caches.filter(p -> p.toString().endsWith(".aot")).findFirst()
                    .map(p -> String.format(Locale.ROOT, "AOT cache %s (%.0f MiB)", p, p.toFile().length() / 1048576.0))
                    .orElse("AOT cache: none was written (see " + dir.resolve("vrrp4j-prime.log") + ")");
        } catch (IOException e) {
            return "AOT cache: none (" + e.getMessage() + ")";
        }
    }

    static Peer peer(String impl, NetnsLab lab, Path dir, Options o) {
        return switch (impl) {
            case "keepalived" -> new KeepalivedPeer(lab, dir, o.cpus());
            case "vrrp4j" -> new LauncherPeer(lab, o.launcher(), o.cpus(), o.aotCache());
            default -> throw new IllegalArgumentException("unknown implementation " + impl + " (known: keepalived, vrrp4j)");
        };
    }

    /** The fresh-backup kills, then the warm-backup kills (which also give the 100 ms jitter and the footprint). */
    static void takeover(String impl, Options o, Path dir, Figures f) throws Exception {
        try (NetnsLab lab = NetnsLab.create("vp")) {
            String a = lab.addHost("a", MASTER_IP + "/24");
            String b = lab.addHost("b", BACKUP_IP + "/24");
            Path confA = TakeoverBenchmark.writeConfig(dir, impl + "-a", 200, INTERVAL_MS);
            Path confB = TakeoverBenchmark.writeConfig(dir, impl + "-b", 100, INTERVAL_MS);
            Path logA = dir.resolve(impl + "-a.log");
            Path logB = dir.resolve(impl + "-b.log");
            Peer master = peer(impl, lab, dir, o);
            Peer backup = peer(impl, lab, dir, o);
            try (AdvertCapture cap = new AdvertCapture(lab)) {
                for (int k = 0; k < o.freshKills(); k++) {
                    master.start(a, confA, logA);
                    if (cap.await(cap.mark(), ad -> ad.source().equals(MASTER_IP), 20_000).isEmpty()) {
                        throw new IOException(impl + ": the master never advertised; see " + logA);
                    }
                    long from = size(logB);
                    long t0 = System.nanoTime();
                    backup.start(b, confB, logB);
                    long inBackup = awaitLog(logB, from, BACKUP_LINE, 30_000);
                    f.execToBackup.add((inBackup - t0) / 1e6);
                    Thread.sleep(o.freshMillis());
                    kill(master, cap, f, f.freshExcess);
                    backup.kill();
                }
                master.start(a, confA, logA);
                long from = size(logB);
                backup.start(b, confB, logB);
                awaitLog(logB, from, BACKUP_LINE, 30_000);
                for (int k = 0; k < o.warmKills(); k++) {
                    int mark = cap.mark();
                    Thread.sleep(o.warmSeconds() * 1000L);
                    f.jitter100.addAll(jitter(cap.snapshot().subList(mark, cap.mark()), MASTER_IP, INTERVAL_MS));
                    if (k == 0) {
                        f.rssOneKb = LoadBenchmark.statusKb(backup.pids(), "VmRSS:");
                        f.threadsOne = threads(backup.pids());
                    }
                    kill(master, cap, f, f.warmExcess);
                    master.start(a, confA, logA);
                    awaitPreempted(cap);
                }
                master.kill();
                backup.kill();
            }
        }
        System.err.printf(Locale.ROOT, "%s take-over beyond MDI (ms), fresh: %s; warm: %s%n", impl, list(f.freshExcess),
                list(f.warmExcess));
    }

    /** kill -9 of the master; the gap from its last advert to the backup's first, minus Master_Down_Interval. */
    private static void kill(Peer master, AdvertCapture cap, Figures f, List<Double> into) throws Exception {
        int mark = cap.mark();
        master.kill();
        Optional<AdvertCapture.Advert> first = cap.await(mark, ad -> ad.source().equals(BACKUP_IP), 5_000);
        if (first.isEmpty()) {
            f.failures++;
            return;
        }
        long lastMaster = cap.snapshot().stream()
                .filter(ad -> ad.source().equals(MASTER_IP) && ad.nanos() <= first.get().nanos())
                .mapToLong(AdvertCapture.Advert::nanos).max().orElseThrow();
        into.add((first.get().nanos() - lastMaster - MDI_NANOS) / 1e6);
    }

    /** Waits until the restarted master advertises and the backup has been silent for three intervals. */
    private static void awaitPreempted(AdvertCapture cap) throws Exception {
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            Optional<AdvertCapture.Advert> m = cap.await(cap.mark(), ad -> ad.source().equals(MASTER_IP), 1000);
            if (m.isPresent()) {
                Thread.sleep(3L * INTERVAL_MS + 50);
                long since = m.get().nanos();
                if (cap.snapshot().stream().noneMatch(ad -> ad.source().equals(BACKUP_IP) && ad.nanos() > since)) {
                    return;
                }
            }
        }
        throw new IOException("the restarted master did not take over from the backup within 30 s");
    }

    /** A master alone at 10 ms: 3 s to settle, then 10 s of intervals. */
    static void jitter10(String impl, Options o, Path dir, Figures f) throws Exception {
        try (NetnsLab lab = NetnsLab.create("vj")) {
            String a = lab.addHost("a", MASTER_IP + "/24");
            Path conf = TakeoverBenchmark.writeConfig(dir, impl + "-a10", 200, 10);
            Peer master = peer(impl, lab, dir, o);
            try (AdvertCapture cap = new AdvertCapture(lab)) {
                master.start(a, conf, dir.resolve(impl + "-a10.log"));
                if (cap.await(cap.mark(), ad -> ad.source().equals(MASTER_IP), 20_000).isEmpty()) {
                    throw new IOException(impl + " at 10 ms: the master never advertised");
                }
                Thread.sleep(3000);
                int mark = cap.mark();
                Thread.sleep(10_000);
                f.jitter10.addAll(jitter(cap.snapshot().subList(mark, cap.mark()), MASTER_IP, 10));
                master.kill();
            }
        }
    }

    /** |interval − nominal| between consecutive adverts of {@code source}. */
    static List<Double> jitter(List<AdvertCapture.Advert> adverts, String source, int intervalMs) {
        List<Long> times = adverts.stream().filter(ad -> ad.source().equals(source)).map(AdvertCapture.Advert::nanos).toList();
        List<Double> out = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            out.add(Math.abs((times.get(i) - times.get(i - 1)) / 1e6 - intervalMs));
        }
        return out;
    }

    private static long size(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** The instant (System.nanoTime) {@code text} appeared in {@code log} after byte {@code from}; polled every ms. */
    static long awaitLog(Path log, long from, String text, long timeoutMs) throws Exception {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < end) {
            if (Files.exists(log)) {
                try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                    long len = f.length();
                    if (len > from) {
                        byte[] b = new byte[(int) (len - from)];
                        f.seek(from);
                        f.readFully(b);
                        if (new String(b, StandardCharsets.UTF_8).contains(text)) {
                            return System.nanoTime();
                        }
                    }
                }
            }
            Thread.sleep(1);
        }
        throw new IOException("'" + text + "' did not appear in " + log + " within " + timeoutMs + " ms");
    }

    private static int threads(List<Long> pids) throws IOException {
        int n = 0;
        for (long pid : pids) {
            try (var s = Files.list(Path.of("/proc/" + pid + "/task"))) {
                n += (int) s.count();
            }
        }
        return n;
    }

    private static String list(List<Double> v) {
        return v.stream().map(x -> String.format(Locale.ROOT, "%+.2f", x)).toList().toString();
    }

    // ---- the table ------------------------------------------------------------------------------

    private static void print(Map<String, Figures> all, Options o, double seconds) {
        System.out.println();
        System.out.printf(Locale.ROOT, "issue 12, through the product (bin/vrrp4j run -f FILE, keepalived -n), both under taskset -c %s;"
                + " %d CPUs online; %.0f s%n", o.cpus(), Runtime.getRuntime().availableProcessors(), seconds);
        if (!aotNote.isEmpty()) {
            System.out.println("vrrp4j: " + aotNote);
        }
        List<String> impls = new ArrayList<>(all.keySet());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "| %-66s |", "measure"));
        impls.forEach(i -> head.append(String.format(Locale.ROOT, " %-16s |", i)));
        head.append(" target |");
        System.out.println(head);
        System.out.println(head.toString().replaceAll("[^|]", "-"));
        row(all, impls, String.format(Locale.ROOT, "take-over beyond MDI, fresh backup (%.1f s in BACKUP), median (max) of %d",
                o.freshMillis() / 1000.0, o.freshKills()), f -> medianMax(f.freshExcess, "%+.2f ms (%.1f)"), "median <= keepalived's, max <= 2 ms");
        row(all, impls, String.format(Locale.ROOT, "take-over beyond MDI, warm backup (%d s in BACKUP), median (max) of %d",
                o.warmSeconds(), o.warmKills()), f -> medianMax(f.warmExcess, "%+.2f ms (%.1f)"), "same");
        row(all, impls, "advert interval jitter p99 at 100 ms (master, over the warm waits)",
                f -> pct(f.jitter100, "%.3f ms", 99) + " n=" + f.jitter100.size(), "<= 0.5 ms");
        row(all, impls, "advert interval jitter p99 at 10 ms (master alone, 10 s)",
                f -> pct(f.jitter10, "%.3f ms", 99) + " n=" + f.jitter10.size(), "<= 0.5 ms");
        row(all, impls, "exec -> BACKUP, one instance, median (max)", f -> medianMax(f.execToBackup, "%.0f ms (%.0f)"), "<= 300 ms");
        row(all, impls, "resident memory, one instance (the backup after 15 s), all processes",
                f -> f.rssOneKb < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", f.rssOneKb / 1024.0), "<= 40 MiB");
        row(all, impls, "threads, one instance", f -> f.threadsOne < 0 ? "-" : Integer.toString(f.threadsOne), "");
        row(all, impls, "500 routers (2 links x 250 VRIDs, v3, 100 ms): CPU s per minute",
                f -> f.load == null ? "-" : String.format(Locale.ROOT, "%.2f s", f.load.cpuSeconds() * 60 / f.load.seconds()),
                "<= half of keepalived's");
        row(all, impls, "500 routers: resident memory at the end (peak)", f -> f.load == null ? "-"
                : String.format(Locale.ROOT, "%.1f MiB (%.1f)", f.load.rssKb() / 1024.0, f.load.peakRssKb() / 1024.0), "<= 64 MiB");
        row(all, impls, "500 routers: adverts/s seen on the switch (5000 expected)",
                f -> f.load == null ? "-" : String.format(Locale.ROOT, "%.0f", f.load.advertsPerSecond()), "");
        all.forEach((impl, f) -> {
            if (f.failures > 0) {
                System.out.println(impl + ": " + f.failures + " kill(s) without a take-over seen (not in the figures)");
            }
        });
    }

    private static void row(Map<String, Figures> all, List<String> impls, String measure,
            java.util.function.Function<Figures, String> cell, String target) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "| %-66s |", measure));
        impls.forEach(i -> sb.append(String.format(Locale.ROOT, " %-16s |", cell.apply(all.get(i)))));
        sb.append(' ').append(target).append(" |");
        System.out.println(sb);
    }

    private static String medianMax(List<Double> v, String format) {
        return v.isEmpty() ? "-" : String.format(Locale.ROOT, format, TakeoverBenchmark.pct(v, 50), TakeoverBenchmark.pct(v, 100));
    }

    private static String pct(List<Double> v, String format, int p) {
        return v.isEmpty() ? "-" : String.format(Locale.ROOT, format, TakeoverBenchmark.pct(v, p));
    }

    private ProductBenchmark() {
    }
}
