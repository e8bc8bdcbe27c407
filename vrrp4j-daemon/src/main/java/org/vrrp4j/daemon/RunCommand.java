package org.vrrp4j.daemon;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.keepalived.ConfigFileException;
import org.vrrp4j.keepalived.ConfigWarning;
import org.vrrp4j.keepalived.KeepalivedConfig;
import org.vrrp4j.keepalived.KeepalivedConfigReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vrrp4j run}: the daemon in the foreground. SIGTERM and SIGINT stop it gracefully (exit 0);
 * SIGHUP reloads the configuration, keeping the routers whose configuration did not change. Signals
 * are caught from the first instant ({@link DaemonSignals}): a reload asked for during start-up is
 * applied after it, a stop asked for during start-up stops cleanly.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Run the VRRP daemon in the foreground with a keepalived.conf.",
        "SIGTERM/SIGINT: graceful stop (priority 0, addresses removed, providers cancelled), exit 0.",
        "SIGHUP: reload; routers whose configuration did not change keep their state."})
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    /** The bound on a graceful stop; past it the process halts with status 1. */
    static final Duration STOP_BOUND = Duration.ofSeconds(20);

    static final String DEFAULT_FILE = "/etc/keepalived/keepalived.conf";
    static final String DEFAULT_LOG_LEVEL = "info";
    static final String DEFAULT_METRICS_NAMES = "vrrp4j";

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", defaultValue = DEFAULT_FILE,
            description = "keepalived.conf to run (default: ${DEFAULT-VALUE})")
    Path file;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = DEFAULT_LOG_LEVEL,
            description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE})")
    Logging.Level logLevel;

    /** Where /status and /metrics are served unless --http says otherwise; `vrrp4j status` looks there. */
    static final String DEFAULT_HTTP = "127.0.0.1:9112";

    @Option(names = "--http", paramLabel = "[ADDR:]PORT|off",
            description = "serve /status and /metrics there (default: " + DEFAULT_HTTP
                    + ", loopback of the daemon's network namespace; ADDR defaults to 127.0.0.1); off: not at all")
    String http;

    @Option(names = "--metrics-names", paramLabel = "NAMES", defaultValue = DEFAULT_METRICS_NAMES,
            description = "metric names on /metrics: vrrp4j (default); keepalived-exporter or keepalived_exporter: "
                    + "also that exporter's VRRP families and labels, so its dashboards keep working; keepalived: both")
    String metricsNames;

    /**
     * {@code run} with the plain options as {@code systemd} units and operators give them ({@code -f FILE},
     * {@code --use-file[=]FILE}, {@code --log-level[=]LEVEL}, {@code --http[=]X}, {@code --metrics-names[=]X},
     * each at most once), read without picocli; null for anything else, which picocli then reads, with its
     * help, version and error messages. picocli builds the model of every command by reflection, interpreted
     * at start: ~150 ms of the daemon's start on a 2-vCPU VPS (issue 12). {@code RunArgumentsTest} holds
     * the two readings equal.
     *
     * @param args the whole command line, {@code run} first
     */
    static RunCommand fromPlainArguments(String[] args) {
        if (args.length == 0 || !args[0].equals("run")) {
            return null;
        }
        java.util.Map<String, String> given = new java.util.HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                name = arg;
                value = args[++i];
            } else {
                return null;
            }
            name = name.equals("-f") ? "--use-file" : name;
            if (!java.util.Set.of("--use-file", "--log-level", "--http", "--metrics-names").contains(name)
                    || value.isEmpty() || value.startsWith("-") || given.put(name, value) != null) {
                return null;
            }
        }
        Logging.Level level = null;
        String levelName = given.getOrDefault("--log-level", DEFAULT_LOG_LEVEL);
        for (Logging.Level l : Logging.Level.values()) {
            if (l.name().equalsIgnoreCase(levelName)) {
                level = l;
            }
        }
        if (level == null) {
            return null;
        }
        RunCommand run = new RunCommand();
        run.plainArguments = args.clone();
        run.file = Path.of(given.getOrDefault("--use-file", DEFAULT_FILE));
        run.logLevel = level;
        run.http = given.get("--http");
        run.metricsNames = given.getOrDefault("--metrics-names", DEFAULT_METRICS_NAMES);
        return run;
    }

    /** The options' values, in declaration order: file, log level, --http (or null), metrics names. */
    java.util.List<Object> options() {
        return java.util.Arrays.asList(file, logLevel, http, metricsNames);
    }

    /** The command line {@link #fromPlainArguments} read; null when picocli read it. */
    private String[] plainArguments;

    /**
     * picocli reads the command line {@link #fromPlainArguments} read, once the routers are in BACKUP, and a
     * difference is logged (none is expected). Besides checking the plain reading, this runs JDK code
     * (collections, strings, reflection) that a fresh backup's first take-over shares: without it, a take-over
     * 1.5 s after the start came 1.37 and 1.85 ms beyond Master_Down_Interval instead of 1.01 and 0.98
     * (ProductBenchmark, medians of 15 fresh kills, in one session).
     */
    private void readAgainWithPicocli(Logger log) {
        if (plainArguments == null) {
            return;
        }
        try {
            RunCommand picocli = (RunCommand) Vrrp4j.commandLine().parseArgs(plainArguments).subcommand()
                    .commandSpec().userObject();
            if (!picocli.options().equals(options())) {
                log.warn("the command line reads differently with picocli ({}); running with {}", picocli.options(),
                        options());
            }
        } catch (RuntimeException e) {
            log.warn("picocli cannot read the command line this daemon runs with: {}", e.toString());
        }
    }

    @Override
    public Integer call() {
        DaemonSignals signals = DaemonSignals.install();
        Logging.configure(logLevel);
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        AotCache.discardIfUnused(log);
        KeepalivedConfig config;
        try {
            config = KeepalivedConfigReader.read(file);
        } catch (ConfigFileException e) {
            log.error("{}", e.getMessage());
            return 1;
        }
        for (ConfigWarning w : config.warnings()) {
            log.warn("{}", w);
        }
        InetSocketAddress httpAddress;
        try {
            httpAddress = "off".equals(http) ? null : parseHttp(http == null ? DEFAULT_HTTP : http);
        } catch (IllegalArgumentException e) {
            log.error("--http {}: {}", http, e.getMessage());
            return 2;
        }
        KeepalivedExporterMetrics.Names names;
        try {
            names = KeepalivedExporterMetrics.Names.parse(metricsNames);
        } catch (IllegalArgumentException e) {
            log.error("--metrics-names: {}", e.getMessage());
            return 2;
        }
        if (signals.stopReason() != null) {
            log.info("{} during start-up: stopping before anything started", signals.stopReason());
            return 0;
        }
        try (InstanceLock lock = InstanceLock.acquire(file)) {
            return run(config, httpAddress, names, signals, log);
        } catch (LaunchException e) {
            log.error("{}", e.getMessage());
            return 1;
        }
    }

    private int run(KeepalivedConfig config, InetSocketAddress httpAddress, KeepalivedExporterMetrics.Names names,
            DaemonSignals signals, Logger log) throws LaunchException {
        Daemon daemon = Daemon.start(file, config);
        readAgainWithPicocli(log);
        HttpEndpoint endpoint = null;
        try {
            if (httpAddress != null) {
                endpoint = new HttpEndpoint(httpAddress, daemon::snapshot, names);
                log.info("serving /status and /metrics on http://{}:{}", endpoint.address().getHostString(),
                        endpoint.address().getPort());
            }
        } catch (java.io.IOException e) {
            if (http != null) {
                log.error("--http {}: cannot listen: {}", http, e.getMessage());
                daemon.close();
                return 1;
            }
            // the default address taken (another service, another daemon in this namespace): VRRP matters more
            log.warn("cannot serve /status and /metrics on {} ({}); running without them (choose one with --http)",
                    DEFAULT_HTTP, e.getMessage());
        }
        try {
            if (changedSince(config, log)) {
                // a SIGHUP while the JVM booted was ignored (bin/vrrp4j), but what it asked for is the file
                log.info("{} changed during start-up: reloading", file);
                signals.reload();
            }
            while (signals.next() == DaemonSignals.Request.RELOAD) {
                awaitReload(daemon, log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("{}: stopping", signals.stopReason());
        Thread watchdog = Thread.ofPlatform().daemon().name("stop-watchdog").start(() -> {
            try {
                Thread.sleep(STOP_BOUND.toMillis());
                System.err.println((org.vrrp4j.daemon.log.DaemonLog.journal() ? "<3>" : "") // journald: an error
                        + "vrrp4j: graceful stop took longer than " + STOP_BOUND + "; halting");
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException e) {
                // stopped in time
            }
        });
        if (endpoint != null) {
            endpoint.close();
        }
        daemon.close();
        watchdog.interrupt();
        return 0;
    }

    /** Whether the file now reads differently from {@code loaded} (values compare without their lines). */
    private boolean changedSince(KeepalivedConfig loaded, Logger log) {
        try {
            KeepalivedConfig now = KeepalivedConfigReader.read(file);
            return !(now.instances().equals(loaded.instances()) && now.syncGroups().equals(loaded.syncGroups())
                    && now.scripts().equals(loaded.scripts()) && now.global().equals(loaded.global()));
        } catch (ConfigFileException e) {
            return true; // the reload says what is wrong with it
        }
    }

    /**
     * Runs a reload and waits for it: the file is read and the new providers made here, on the signal
     * loop's thread; only the change is applied on the daemon's control thread, so role changes that
     * happen meanwhile reach the failover coordinator at once instead of waiting for a slow provider.
     */
    private void awaitReload(Daemon daemon, Logger log) throws InterruptedException {
        log.info("SIGHUP: reloading {}", file);
        KeepalivedConfig next;
        try {
            next = KeepalivedConfigReader.read(file);
        } catch (ConfigFileException e) {
            log.error("reload refused, the running configuration stays: {}", e.getMessage());
            daemon.reloadRefused(e.getMessage());
            return;
        }
        next.warnings().forEach(w -> log.warn("{}", w));
        try {
            daemon.reloadOffControl(next);
        } catch (LaunchException e) {
            log.error("reload refused, the running configuration stays: {}", e.getMessage());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            log.error("reload failed: {}", e.toString(), e);
        }
    }

    /** {@code PORT}, {@code ADDR:PORT} or {@code [V6ADDR]:PORT}; the address defaults to 127.0.0.1. */
    static InetSocketAddress parseHttp(String spec) {
        String host = "127.0.0.1";
        String port = spec;
        int colon = spec.lastIndexOf(':');
        if (colon >= 0) {
            host = spec.substring(0, colon);
            port = spec.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port must be a number, got '" + port + "'");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("the port must be 0..65535, got " + p);
        }
        java.net.InetAddress a;
        try {
            a = java.net.InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the address must be an IP literal, got '" + host + "'");
        }
        return new InetSocketAddress(a, p);
    }

}
