package org.vrrp4j.daemon;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.BindingOptions;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.keepalived.ConfigFileException;
import org.vrrp4j.keepalived.FailoverAgentConfig;
import org.vrrp4j.keepalived.FailoverAgentConfigReader;
import org.vrrp4j.keepalived.KeepalivedConfig;
import org.vrrp4j.keepalived.KeepalivedConfigReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vrrp4j failover-agent}: vrrp4j's failover providers for a node that keeps keepalived. keepalived
 * runs VRRP and writes its notify FIFO; the agent follows it (see {@link FailoverAgent}).
 */
@Command(name = "failover-agent", mixinStandardHelpOptions = true, description = {
        "Run failover providers for keepalived: read keepalived's notify FIFO (global_defs notify_fifo or "
                + "vrrp_notify_fifo) and move failover IPs as the vrrp4j daemon would.",
        "The roles keepalived has when the agent starts are read from its SIGUSR1 data dump; a keepalived that "
                + "is gone without STOP lines (kill -9) counts as stopped.",
        "SIGTERM/SIGINT: stop following (calls in flight cancelled; nothing released), exit 0.",
        "SIGHUP: reload the failover.conf; a broken file is refused and the running one stays."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped on a signal (with --check: the failover.conf is valid)",
                "1:the failover.conf is invalid (errors as file:line) or the agent could not start",
                "2:a bad option"})
final class FailoverAgentCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--fifo", paramLabel = "PATH", defaultValue = "/run/keepalived/notify.fifo",
            description = "keepalived's notify_fifo (or vrrp_notify_fifo); created if missing "
                    + "(default: ${DEFAULT-VALUE})")
    Path fifo;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", defaultValue = "/etc/vrrp4j/failover.conf",
            description = "failover.conf: 'failover_provider TYPE { instance NAME | group NAME; keys }' blocks "
                    + "(default: ${DEFAULT-VALUE})")
    Path file;

    @Option(names = "--keepalived-conf", paramLabel = "FILE",
            description = "keepalived's configuration: every instance and group the failover.conf names must be in it")
    Path keepalivedConf;

    @Option(names = "--keepalived-pid", paramLabel = "FILE", defaultValue = "/run/keepalived.pid",
            description = "keepalived's pid file (its -p; default: ${DEFAULT-VALUE})")
    Path pidFile;

    @Option(names = "--keepalived-data", paramLabel = "FILE", defaultValue = "/tmp/keepalived.data",
            description = "where keepalived writes its SIGUSR1 data dump: $TMPDIR/keepalived.data of keepalived "
                    + "(default: ${DEFAULT-VALUE})")
    Path dataFile;

    @Option(names = "--check", description = "validate the failover.conf (providers created, not called) and exit")
    boolean check;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE})")
    Logging.Level logLevel;

    @Spec
    CommandSpec spec;

    /** How often the FIFO's path and keepalived's process are looked at. */
    static final Duration CHECK_EVERY = Duration.ofMillis(500);

    @Override
    public Integer call() {
        DaemonSignals signals = check ? null : DaemonSignals.install();
        Logging.configure(check ? Logging.Level.WARN : logLevel);
        Logger log = LoggerFactory.getLogger(FailoverAgentCommand.class);
        FailoverAgentConfig config;
        try {
            config = read();
        } catch (ConfigFileException e) {
            return fail(log, e.getMessage());
        }
        config.warnings().forEach(w -> {
            if (check) {
                spec.commandLine().getErr().println("warning: " + w);
            } else {
                log.warn("{}", w);
            }
        });
        if (check) {
            return check(config);
        }
        if (signals.stopReason() != null) {
            log.info("{} during start-up: stopping before anything started", signals.stopReason());
            return 0;
        }
        FailoverAgent.Options options = new FailoverAgent.Options(fifo, new KeepalivedState(pidFile, dataFile),
                CHECK_EVERY);
        try (InstanceLock lock = InstanceLock.acquire(fifo)) {
            FailoverAgent agent = FailoverAgent.start(file, config, options);
            try {
                while (signals.next() == DaemonSignals.Request.RELOAD) {
                    reload(agent, log);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.info("{}: stopping", signals.stopReason());
            agent.close();
            return 0;
        } catch (LaunchException e) {
            log.error("{}", e.getMessage());
            return 1;
        }
    }

    private FailoverAgentConfig read() throws ConfigFileException {
        FailoverAgentConfig config = FailoverAgentConfigReader.read(file);
        if (keepalivedConf != null) {
            KeepalivedConfig k = KeepalivedConfigReader.read(keepalivedConf);
            config.requireRoutersIn(k);
        }
        return config;
    }

    private int fail(Logger log, String message) {
        if (check) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + message);
            err.flush();
        } else {
            log.error("{}", message);
        }
        return 1;
    }

    /** Creates (and closes) every provider, which validates its type, keys, values and secrets' sources. */
    private int check(FailoverAgentConfig config) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FailoverProviders providers = FailoverProviders.discover();
        List<String> errors = new ArrayList<>();
        for (FailoverAgentConfig.Binding b : config.bindings()) {
            Optional<org.vrrp4j.keepalived.SourceLocation> where = Optional.of(b.where());
            try (FailoverProvider p = Daemon.create(providers, b.block(), where)) {
                BindingOptions.parse(Daemon.providerConfig(b.block())).warnings()
                        .forEach(w -> err.println("warning: " + b.where() + ": " + w));
                out.println(b.where() + ": " + (b.group() ? "group " : "instance ") + b.router() + ": "
                        + b.block());
            } catch (LaunchException e) {
                errors.add(e.getMessage());
            } catch (Exception e) {
                errors.add(b.where() + ": failover_provider " + b.block().type() + ": " + e);
            }
        }
        errors.forEach(e -> err.println("error: " + e));
        out.flush();
        err.flush();
        return errors.isEmpty() ? 0 : 1;
    }

    private void reload(FailoverAgent agent, Logger log) {
        log.info("SIGHUP: reloading {}", file);
        FailoverAgentConfig next;
        try {
            next = read();
        } catch (ConfigFileException e) {
            log.error("reload refused, the running configuration stays: {}", e.getMessage());
            return;
        }
        next.warnings().forEach(w -> log.warn("{}", w));
        try {
            agent.reloadAndWait(next);
        } catch (LaunchException e) {
            log.error("reload refused, the running configuration stays: {}", e.getMessage());
        } catch (Exception e) {
            log.error("reload failed: {}", e.toString());
        }
    }
}
