package org.vrrp4j.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.vrrp4j.testkit.lab.FailoverPairLab;
import org.vrrp4j.testkit.netcup.NetcupRestStandIn;
import org.vrrp4j.testkit.netcup.NetcupSoapStandIn;

/**
 * Issue 11 item 7: how long after the VIP the failover IP is routed, through the product. Two {@code vrrp4j}
 * daemons started from the built distribution ({@code bin/vrrp4j run -f FILE}, as an operator starts them) in
 * network namespaces with the netcup stand-ins, which take 500 ms to route (SOAP: {@code changeIPRouting}
 * answers after 500 ms; REST: the task finishes 500 ms after the PATCH; access tokens live 1 s, so every
 * take-over refreshes its token, as one a day after the last check would). The master is killed with
 * SIGKILL; for the standing backup's take-over it reports: the VIP on its interface ({@code ip monitor}), the
 * first request reaching the stand-in, and the routing done at the stand-in, as milliseconds after the VIP,
 * and the overhead beyond the stand-in's 500 ms. Each API runs with {@code check_interval 0} (no credential
 * check: a cold backup) and with the default (the check at start warms the provider path).
 *
 * <pre>
 * ./mvnw -q -pl vrrp4j-daemon,benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath)" org.vrrp4j.benchmarks.FailoverIpBenchmark \
 *      [--rounds 5] [--api soap,rest] [--check off,on] [--dist vrrp4j-daemon/target/vrrp4j] [--log FILE]
 * </pre>
 * Needs root and iproute2. Everything runs in namespaces it creates and deletes.
 */
public final class FailoverIpBenchmark {
    private static final Duration API_TIME = Duration.ofMillis(500);
    private static final Duration STEP = Duration.ofSeconds(40);
    /** the daemons' output, with --log */
    private static java.io.PrintStream echo;

    record Round(double vipToFirstRequestMs, double vipToRoutedMs) {
        double overheadMs() {
            return vipToRoutedMs - API_TIME.toMillis();
        }
    }

    record Result(String api, boolean check, List<Round> rounds, int failures) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 5;
        List<String> apis = List.of("soap", "rest");
        Path dist = Path.of("vrrp4j-daemon/target/vrrp4j");
        List<String> checks = List.of("off", "on");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--api" -> apis = Arrays.asList(args[++i].split(","));
                case "--dist" -> dist = Path.of(args[++i]);
                case "--check" -> checks = Arrays.asList(args[++i].split(","));
                case "--log" -> echo = new java.io.PrintStream(Files.newOutputStream(Path.of(args[++i])), true,
                        StandardCharsets.UTF_8);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String why = FailoverPairLab.unavailableReason();
        Path bin = dist.resolve("bin/vrrp4j").toAbsolutePath();
        if (why == null && !Files.isExecutable(bin)) {
            why = bin + " is missing: build the distribution first (./mvnw -q -pl vrrp4j-daemon -am package -DskipTests)";
        }
        if (why != null) {
            System.err.println("failover-IP benchmark: " + why);
            System.exit(2);
        }
        List<Result> results = new ArrayList<>();
        for (String api : apis) {
            for (String check : checks) {
                results.add(run(api, check.equals("on"), rounds, bin));
            }
        }
        System.out.println();
        System.out.println("failover IP routed after the VIP, take-over by a standing backup (master SIGKILLed);"
                + " stand-in routes in " + API_TIME.toMillis() + " ms; ms after the VIP, median [min..max]");
        System.out.printf(Locale.ROOT, "%-5s %-17s %7s %6s %26s %26s %26s%n", "api", "check", "rounds", "VIP",
                "first request", "route done", "overhead beyond 500 ms");
        for (Result r : results) {
            List<Double> first = r.rounds().stream().map(Round::vipToFirstRequestMs).toList();
            List<Double> routed = r.rounds().stream().map(Round::vipToRoutedMs).toList();
            List<Double> over = r.rounds().stream().map(Round::overheadMs).toList();
            System.out.printf(Locale.ROOT, "%-5s %-17s %7d %6s %26s %26s %26s%s%n", r.api(),
                    r.check() ? "default (1d)" : "check_interval 0", r.rounds().size(), "0", stats(first), stats(routed),
                    stats(over), r.failures() > 0 ? "  (" + r.failures() + " rounds without a measurement)" : "");
        }
    }

    static Result run(String api, boolean check, int rounds, Path bin) throws Exception {
        List<Round> out = new ArrayList<>();
        int failures = 0;
        try (FailoverPairLab lab = FailoverPairLab.create("fib", List.of(bin.toString()))) {
            lab.rest().routingLimits(100_000, 100_000); // many take-overs: the account's windows are not measured here
            lab.rest().routingTakes(API_TIME);
            lab.rest().accessTokensLive(Duration.ofSeconds(1));
            lab.soap().changeDelayMillis(API_TIME.toMillis());
            for (int i = 1; i <= rounds; i++) {
                try {
                    out.add(round(lab, api, check));
                    System.out.printf(Locale.ROOT, "%s %s round %d: first request +%.1f ms, routed +%.1f ms after the VIP%n",
                            api, check ? "check" : "no-check", i, out.getLast().vipToFirstRequestMs(),
                            out.getLast().vipToRoutedMs());
                } catch (Exception e) {
                    failures++;
                    System.out.println(api + " round " + i + " failed: " + e);
                }
            }
        }
        return new Result(api, check, out, failures);
    }

    private static Round round(FailoverPairLab lab, String api, boolean check) throws Exception {
        boolean soap = api.equals("soap");
        FailoverPairLab.Node s1 = lab.startVrrp4j(1, lab.fill(config(1, 200, api, check)), echo);
        FailoverPairLab.Node s2 = null;
        Process monitor = null;
        try {
            s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
            FailoverPairLab.await("routed to s1", STEP, () -> routedTo(lab, soap, 1));
            s2 = lab.startVrrp4j(2, lab.fill(config(2, 100, api, check)), echo);
            s2.awaitLine("VI_1: \\w+ -> BACKUP", 0, STEP);
            if (check) {
                s2.awaitLine("credentials proven", 0, STEP); // the check at start has warmed the path
            }
            Thread.sleep(2_000); // a standing backup, with or without its check, as long either way
            AtomicLong vipAt = new AtomicLong();
            monitor = new ProcessBuilder("ip", "netns", "exec", lab.host(2), "ip", "monitor", "address")
                    .redirectErrorStream(true).start();
            Process m = monitor;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(m.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.contains(FailoverPairLab.VIP + "/") && !line.startsWith("Deleted")) {
                            vipAt.compareAndSet(0, System.nanoTime());
                        }
                    }
                } catch (java.io.IOException e) {
                    // the monitor was stopped
                }
            });
            Thread.sleep(300); // the monitor listens
            long killedAt = System.nanoTime();
            s1.kill();
            FailoverPairLab.await("routed to s2", STEP, () -> routedTo(lab, soap, 2));
            FailoverPairLab.await("the VIP seen on s2", Duration.ofSeconds(5), () -> vipAt.get() != 0);
            // stopping s2 while it still polls its task could cut a token refresh off (netcup rotates the token):
            // the next round's s2 would find its token void
            s2.awaitLine("ACQUIRE of \\d+: (Done|AlreadyInPlace)", 0, STEP);
            long routedAt = soap ? lab.soap().routedAtNanos()
                    : lab.rest().routedAtNanos(NetcupRestStandIn.FAILOVER_V4).orElseThrow();
            long firstRequest = soap
                    ? lab.soap().calls().stream().mapToLong(NetcupSoapStandIn.Call::atNanos).filter(t -> t > killedAt).min().orElseThrow()
                    : lab.rest().requests().stream().mapToLong(NetcupRestStandIn.Request::atNanos).filter(t -> t > killedAt).min()
                            .orElseThrow();
            if (!soap) { // where a REST take-over spends its time: each request the stand-in saw, ms after the VIP
                System.out.println("  requests: " + lab.rest().requests().stream().filter(q -> q.atNanos() > killedAt)
                        .map(q -> String.format(Locale.ROOT, "%s %s %+.1f", q.method(), q.path().replaceAll("\\?.*", ""),
                                (q.atNanos() - vipAt.get()) / 1e6))
                        .toList());
            }
            return new Round((firstRequest - vipAt.get()) / 1e6, (routedAt - vipAt.get()) / 1e6);
        } finally {
            if (monitor != null) {
                monitor.destroy();
            }
            if (s2 != null) {
                s2.terminate(Duration.ofSeconds(10));
            }
            s1.kill();
        }
    }

    private static boolean routedTo(FailoverPairLab lab, boolean soap, int n) {
        return soap ? FailoverPairLab.soapServer(n).equals(lab.soap().routedServer())
                : lab.rest().routedServerV4() == FailoverPairLab.restServer(n);
    }

    private static String config(int n, int priority, String api, boolean check) {
        String provider = api.equals("soap") ? """
                        api soap
                        failover_ip %s
                        server %s
                        login %s
                        password_file ${DIR}/soap-password
                        soap_url ${SOAP}
                        verify_poll 50ms
                """.formatted(NetcupSoapStandIn.FAILOVER, FailoverPairLab.soapServer(n), NetcupSoapStandIn.LOGIN)
                : """
                        api rest
                        failover_ip %s
                        server %d
                        api_url ${SCP}/scp-core
                        auth_url ${SCP}/realms/scp
                        token_file ${DIR}/s%d-token
                        task_poll 50ms
                """.formatted(NetcupRestStandIn.FAILOVER_V4, FailoverPairLab.restServer(n), n);
        return """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth1
                    virtual_router_id 101
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s
                    }
                    failover_provider netcup {
                %s        %s
                    }
                }
                """.formatted(priority, FailoverPairLab.VIP, provider, check ? "" : "check_interval 0");
    }

    private static String stats(List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Double> s = values.stream().sorted().toList();
        double median = s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        return String.format(Locale.ROOT, "%+.0f [%+.0f..%+.0f]", median, s.getFirst(), s.getLast());
    }

}
