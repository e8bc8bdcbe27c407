package org.vrrp4j.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.daemon.ProviderBindings.Prepared;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;
import org.vrrp4j.keepalived.FailoverAgentConfig;
import org.vrrp4j.keepalived.KeepalivedStateDump;
import org.vrrp4j.keepalived.NotifyFifoLine;
import org.vrrp4j.keepalived.ProviderBlock;

/**
 * The failover agent behind {@code vrrp4j failover-agent}: keepalived runs VRRP and writes its
 * {@code notify_fifo}; the agent runs the providers of a failover.conf from it, with the daemon's
 * {@link FailoverCoordinator} and the daemon's binding path ({@link ProviderBindings}), so a provider
 * behaves the same under keepalived as under vrrp4j: acquire on MASTER, the call in flight cancelled on
 * leaving MASTER, the newest role wins, re-verification while master.
 *
 * <p>Roles come from three sources, all handled in order on one control thread:
 * <ul>
 * <li>the FIFO's {@code INSTANCE}/{@code GROUP} lines ({@link NotifyFifo}); {@code STOP} and {@code DELETED}
 *     are the daemon's STOP, {@code MASTER_RX_LOWER_PRI} a re-assertion;</li>
 * <li>keepalived's own data dump ({@link KeepalivedState}) when the agent starts and whenever a new
 *     keepalived process appears: the agent learns the current roles without waiting for a transition;</li>
 * <li>keepalived's process: when it is gone without a STOP line (kill -9, a crash), every role becomes
 *     STOP, so this node stops claiming an address that the other node's keepalived now holds.</li>
 * </ul>
 * Malformed lines are counted and logged, at most one log line per {@link #MALFORMED_LOG_EVERY}.
 */
final class FailoverAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverAgent.class);
    static final Duration MALFORMED_LOG_EVERY = Duration.ofSeconds(10);

    /** Where keepalived is and how to watch it. */
    record Options(Path fifo, KeepalivedState keepalived, Duration checkEvery) {
        Options {
            Objects.requireNonNull(fifo, "fifo");
            Objects.requireNonNull(keepalived, "keepalived");
            Objects.requireNonNull(checkEvery, "checkEvery");
        }
    }

    /** What the agent knows of one instance or group. */
    private record Known(boolean group, RouterState state, int priority) {
    }

    private final Path file;
    private final Options options;
    private final FailoverCoordinator coordinator;
    private final ProviderBindings bindings;
    private final FailoverCallStats calls = new FailoverCallStats();
    private final ScheduledExecutorService control;
    private final Map<String, Known> known = new LinkedHashMap<>(); // control thread only
    private final Map<String, RouterState> fed = new HashMap<>(); // what the coordinator was told last
    private volatile FailoverAgentConfig config;
    private NotifyFifo fifo;
    private long keepalivedPid = -1;
    private long malformed;
    private long malformedLogged;
    private long lastMalformedLog = Long.MIN_VALUE;
    private volatile boolean stopping;

    private FailoverAgent(Path file, FailoverAgentConfig config, Options options) {
        this.file = file;
        this.config = config;
        this.options = options;
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vrrp4j-agent");
            t.setDaemon(true);
            return t;
        });
        this.coordinator = FailoverCoordinator.builder().listener(e -> {
            calls.record(e);
            ProviderBindings.log(LOG, e);
        }).build();
        this.bindings = new ProviderBindings(FailoverProviders.discover(), coordinator, calls, LOG);
    }

    /**
     * Creates every provider (all or none), opens the FIFO, learns keepalived's current roles, and follows.
     *
     * @throws LaunchException naming what could not start and where
     */
    static FailoverAgent start(Path file, FailoverAgentConfig config, Options options) throws LaunchException {
        FailoverAgent a = new FailoverAgent(file, config, options);
        try {
            Map<String, List<Prepared>> prepared = a.prepare(config, config.blocksByRouter().keySet());
            prepared.forEach(a.bindings::bind);
            a.fifo = new NotifyFifo(options.fifo(), line -> a.control.execute(() -> a.onLine(line)), options.checkEvery());
            a.fifo.start();
            a.control.execute(() -> a.learn("at start"));
            a.control.scheduleWithFixedDelay(a::watchKeepalived, options.checkEvery().toMillis(),
                    options.checkEvery().toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            a.close();
            throw new LaunchException("cannot read the notify FIFO: " + e.getMessage(), e);
        } catch (LaunchException | RuntimeException e) {
            a.close();
            throw e;
        }
        LOG.info("vrrp4j failover-agent started with {} ({} provider block(s) for {}), reading {}", file,
                config.bindings().size(), config.blocksByRouter().keySet(), options.fifo());
        return a;
    }

    /** Creates the providers of {@code routers}' blocks; all or none. */
    private Map<String, List<Prepared>> prepare(FailoverAgentConfig c, java.util.Collection<String> routers)
            throws LaunchException {
        Map<String, List<Prepared>> prepared = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        List<ProviderBlock> all = c.bindings().stream().map(FailoverAgentConfig.Binding::block).toList();
        java.util.Set<String> secrets = ProviderBindings.secretEnvironment(all);
        for (String router : routers) {
            List<FailoverAgentConfig.Binding> of = c.bindings().stream().filter(b -> b.router().equals(router)).toList();
            bindings.prepare(router, of.stream().map(FailoverAgentConfig.Binding::block).toList(),
                    k -> Optional.of(of.get(k).where()), b -> ProviderBindings.withoutSecretEnvironment(b, secrets), prepared,
                    problems);
        }
        if (!problems.isEmpty()) {
            ProviderBindings.closeAll(prepared);
            throw new LaunchException(String.join("; ", problems));
        }
        return prepared;
    }

    // ---- roles ----------------------------------------------------------------------------------

    /** One FIFO line; on the control thread. */
    void onLine(String text) {
        Optional<NotifyFifoLine> parsed;
        try {
            parsed = NotifyFifoLine.parse(text);
        } catch (NotifyFifoLine.MalformedLineException e) {
            malformed(e.getMessage());
            return;
        }
        if (parsed.isEmpty() || stopping) {
            return;
        }
        NotifyFifoLine l = parsed.get();
        LOG.debug("notify FIFO: {}", l);
        switch (l.event()) {
            case MASTER -> role(l.name(), l.group(), RouterState.MASTER, l.priority(), "FIFO");
            case BACKUP -> role(l.name(), l.group(), RouterState.BACKUP, l.priority(), "FIFO");
            case FAULT -> role(l.name(), l.group(), RouterState.FAULT, l.priority(), "FIFO");
            case STOP, DELETED -> role(l.name(), l.group(), RouterState.STOP, l.priority(), "FIFO " + l.event());
            case MASTER_RX_LOWER_PRI -> {
                if (fed.get(l.name()) == RouterState.MASTER) {
                    LOG.info("{}: keepalived heard a lower-priority master; re-asserting the failover IP", l.name());
                    coordinator.reassert(l.name());
                }
            }
            case MASTER_PRIORITY, BACKUP_PRIORITY -> {
                Known k = known.get(l.name());
                if (k != null) {
                    known.put(l.name(), new Known(k.group(), k.state(), l.priority()));
                }
            }
        }
    }

    private void malformed(String why) {
        malformed++;
        long now = System.nanoTime();
        if (lastMalformedLog == Long.MIN_VALUE || now - lastMalformedLog >= MALFORMED_LOG_EVERY.toNanos()) {
            long unlogged = malformed - malformedLogged - 1;
            LOG.warn("notify FIFO {}: malformed line ignored ({} so far{}): {}", options.fifo(), malformed,
                    unlogged > 0 ? ", " + unlogged + " not logged since the last" : "", why);
            lastMalformedLog = now;
            malformedLogged = malformed;
        }
    }

    /** The newest role of an instance or group: the coordinator hears it once per change. */
    private void role(String name, boolean group, RouterState state, int priority, String source) {
        Known before = known.put(name, new Known(group, state, priority));
        if (before == null || before.state() != state) {
            LOG.info("{} {}: {} ({})", group ? "sync group" : "instance", name, state, source);
        }
        feed(name);
    }

    private void feed(String name) {
        Known k = known.get(name);
        if (k == null || !config.blocksByRouter().containsKey(name) || fed.get(name) == k.state()) {
            return;
        }
        fed.put(name, k.state());
        coordinator.update(new RoleChange(name, k.group(), k.state(), k.priority()));
    }

    /**
     * Asks keepalived for its current roles (its data dump) and applies them. Lines read before this
     * ran are older than the dump; lines queued behind it are applied after it, newest last.
     */
    private void learn(String why) {
        if (stopping) {
            return;
        }
        long pid = options.keepalived().pid().orElse(-1L);
        keepalivedPid = pid;
        if (pid < 0) {
            LOG.info("keepalived is not running ({}): waiting for its notify FIFO", options.keepalived().describe());
            return;
        }
        if (fifo.created() && why.equals("at start")) {
            LOG.warn("keepalived (pid {}) started before {} existed, so it does not write to it: reload keepalived "
                    + "(systemctl reload keepalived) and it opens the FIFO", pid, options.fifo());
        }
        Optional<KeepalivedStateDump> dump = options.keepalived().dump(pid);
        if (dump.isEmpty()) {
            LOG.warn("keepalived (pid {}) wrote no data dump to {} within {} ({}): the roles follow from the notify"
                    + " FIFO from its next transition", pid, options.keepalived().dataFile(), KeepalivedState.DUMP_WAIT, why);
            return;
        }
        KeepalivedStateDump d = dump.get();
        d.instances().forEach((name, state) -> fromDump(name, false, state, d.priorities().getOrDefault(name, 0)));
        d.groups().forEach((name, state) -> fromDump(name, true, state, 0)); // keepalived's groups have priority 0
        for (String router : config.blocksByRouter().keySet()) {
            if (!d.instances().containsKey(router) && !d.groups().containsKey(router)) {
                LOG.warn("{}: keepalived (pid {}) has no instance or sync group of that name", router, pid);
            }
        }
    }

    private void fromDump(String name, boolean group, String state, int priority) {
        RouterState s = switch (state) {
            case "MASTER" -> RouterState.MASTER;
            case "BACKUP" -> RouterState.BACKUP;
            case "FAULT" -> RouterState.FAULT;
            default -> null; // INIT: keepalived is starting; its first transition follows on the FIFO
        };
        if (s != null) {
            role(name, group, s, priority, "keepalived's data dump");
        }
    }

    /** keepalived gone without STOP lines (kill -9, a crash): stop claiming; a new one: learn its roles. */
    private void watchKeepalived() {
        if (stopping) {
            return;
        }
        long pid = options.keepalived().pid().orElse(-1L);
        if (pid == keepalivedPid) {
            return;
        }
        if (keepalivedPid >= 0) {
            LOG.warn("keepalived (pid {}) is gone{}", keepalivedPid, stoppedAll());
        }
        keepalivedPid = pid;
        if (pid >= 0) {
            LOG.info("keepalived runs as pid {}: learning its roles", pid);
            learn("keepalived started");
        }
    }

    private String stoppedAll() {
        List<String> stopped = new ArrayList<>();
        for (var e : List.copyOf(known.entrySet())) {
            if (e.getValue().state() != RouterState.STOP) {
                stopped.add(e.getKey());
                role(e.getKey(), e.getValue().group(), RouterState.STOP, e.getValue().priority(), "keepalived gone");
            }
        }
        return stopped.isEmpty() ? "" : "; treating " + stopped + " as stopped";
    }

    // ---- reload (SIGHUP) ------------------------------------------------------------------------

    /**
     * Applies a new failover.conf atomically, on the control thread: every provider of a changed or new
     * instance or group is created first; if one cannot be, nothing changes. Unchanged ones keep running
     * untouched; removed ones are unbound (what they routed stays routed); changed and new ones are bound
     * and told the role keepalived has now.
     */
    String reload(FailoverAgentConfig next) throws LaunchException {
        Map<String, List<ProviderBlock>> before = config.blocksByRouter();
        Map<String, List<ProviderBlock>> after = next.blocksByRouter();
        List<String> kept = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (var e : before.entrySet()) {
            List<ProviderBlock> n = after.get(e.getKey());
            if (n == null) {
                removed.add(e.getKey());
            } else if (n.equals(e.getValue()) && sameKind(config, next, e.getKey())) {
                kept.add(e.getKey());
            } else {
                changed.add(e.getKey());
            }
        }
        List<String> added = after.keySet().stream().filter(r -> !before.containsKey(r)).toList();
        List<String> fresh = new ArrayList<>(changed);
        fresh.addAll(added);
        Map<String, List<Prepared>> prepared = prepare(next, fresh);
        for (String r : removed) {
            coordinator.unbind(r);
            fed.remove(r);
        }
        for (String r : changed) {
            coordinator.unbind(r);
            fed.remove(r);
        }
        config = next;
        prepared.forEach(bindings::bind);
        fresh.forEach(this::feed);
        String summary = "reloaded " + file + ": kept " + kept + ", new providers " + changed + ", removed " + removed
                + ", added " + added;
        LOG.info(summary);
        return summary;
    }

    private static boolean sameKind(FailoverAgentConfig a, FailoverAgentConfig b, String router) {
        return a.bindings().stream().filter(x -> x.router().equals(router)).map(FailoverAgentConfig.Binding::group).toList()
                .equals(b.bindings().stream().filter(x -> x.router().equals(router))
                        .map(FailoverAgentConfig.Binding::group).toList());
    }

    /** Reloads on the control thread and waits for it. */
    String reloadAndWait(FailoverAgentConfig next) throws Exception {
        try {
            return control.submit(() -> reload(next)).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof LaunchException l) {
                throw l;
            }
            throw e;
        }
    }

    // ---- observation and stop -------------------------------------------------------------------

    /** Malformed lines so far. */
    long malformedLines() {
        try {
            return control.submit(() -> malformed).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return -1;
        }
    }

    /** The coordinator's bindings, for tests and status. */
    List<FailoverCoordinator.BindingStatus> status() {
        return coordinator.status();
    }

    /**
     * Stops following: calls in flight are cancelled and providers closed. Nothing is released or
     * re-routed: keepalived still holds its roles, and an agent started again learns them.
     */
    @Override
    public void close() {
        stopping = true;
        if (fifo != null) {
            fifo.close();
        }
        try {
            control.submit(() -> null).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("waiting for the control thread: {}", e.toString());
        }
        coordinator.close();
        control.shutdownNow();
        LOG.info("vrrp4j failover-agent stopped");
    }
}
