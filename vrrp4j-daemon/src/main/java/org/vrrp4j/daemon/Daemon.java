package org.vrrp4j.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;
import org.vrrp4j.keepalived.GarpSettings;
import org.vrrp4j.keepalived.Instance;
import org.vrrp4j.keepalived.KeepalivedConfig;
import org.vrrp4j.keepalived.ProviderBlock;
import org.vrrp4j.keepalived.SourceLocation;
import org.vrrp4j.keepalived.SourceLocations;
import org.vrrp4j.keepalived.SyncGroup;
import org.vrrp4j.failover.BindingOptions;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverEvent;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.daemon.ProviderBindings.Prepared;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;
import org.vrrp4j.netty.NodeListener;
import org.vrrp4j.netty.RouterStatus;
import org.vrrp4j.netty.VrrpNode;

/**
 * The daemon behind {@code vrrp4j run}: one {@link VrrpNode} holding every {@code vrrp_instance} of a
 * keepalived.conf, the instances' {@code track_script}s and {@code track_interface}s, sync groups, and
 * a {@link FailoverCoordinator} running each instance's failover providers (notify scripts included).
 * All bookkeeping runs on one control thread, so listeners, trackers and reloads never race.
 */
final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final Duration STOP_ACTIONS_GRACE = Duration.ofSeconds(3);

    final Path file;
    private final FailoverProviders providers;
    final FailoverCoordinator coordinator;
    private final ScheduledExecutorService control;
    final Trackers trackers;
    private final Instant started = Instant.now();
    final Map<String, State> states = new ConcurrentHashMap<>();
    final Map<String, State> groupStates = new ConcurrentHashMap<>();
    private final Map<String, Long> masterReleases = new ConcurrentHashMap<>();
    private final FailoverCallStats calls = new FailoverCallStats();
    private final ProviderBindings bindings;
    volatile KeepalivedConfig config;
    /** Who scripts run as (script_user, vrrp_script's user): decided with the configuration, applied by both script runners. */
    volatile ScriptUsers.Resolution scriptUsers;
    VrrpNode node;
    private volatile boolean stopping;

    private Daemon(Path file, KeepalivedConfig config) {
        this.file = file;
        this.config = config;
        this.providers = FailoverProviders.discover();
        this.control = ControlExecutor.create("vrrp4j-control"); // a task's failure is logged, never dropped
        this.coordinator = FailoverCoordinator.builder().listener(this::onFailoverEvent).build();
        this.bindings = new ProviderBindings(providers, coordinator, calls, LOG);
        this.trackers = new Trackers(control, (router, tracker, up) -> {
            if (node != null && !stopping) {
                node.trackerChanged(router, tracker, up);
            }
        });
    }

    /**
     * Starts every instance of {@code config}: failover providers first (so no role change is missed),
     * then the node, then trackers.
     *
     * @throws LaunchException naming what could not start and why
     */
    static Daemon start(Path file, KeepalivedConfig config) throws LaunchException {
        Daemon d = new Daemon(file, config);
        try {
            d.scriptUsers = scriptUsers(config);
            for (Instance i : config.instances()) {
                d.bindProviders(i.name(), i.providers(), k -> config.locations().instanceProvider(i.name(), k));
            }
            for (SyncGroup g : config.syncGroups()) {
                d.bindProviders(g.name(), g.providers(), k -> config.locations().syncGroupProvider(g.name(), k));
            }
            GarpSettings garp = config.global().garp();
            VrrpNode.Builder b = VrrpNode.builder().listener(d.new Listener()).listenerExecutor(d.control)
                    .gratuitousArp(garp.masterRepeat(), garp.masterDelay())
                    .announceRefresh(garp.masterRefresh(), garp.masterRefreshRepeat())
                    .lowerPriorityAnnouncements(garp.effectiveLowerPrioRepeat(), garp.effectiveLowerPrioDelay())
                    .startupDelay(config.global().vrrpStartupDelay()); // keepalived: the first start, not reloads
            for (Instance i : config.instances()) {
                warnUnsupported(i, garp, config.locations());
                b.addRouter(i.router());
                if (i.useVmac()) {
                    i.vmacName().ifPresentOrElse(n -> b.virtualMac(i.name(), n), () -> b.virtualMac(i.name()));
                }
            }
            for (SyncGroup g : config.syncGroups()) {
                b.syncGroup(g.name(), g.members()); // the core's SyncGroup, run by the node on its loop
            }
            d.node = b.build();
            d.trackers.apply(config, d.scriptUsers);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw new LaunchException("cannot start: " + describe(e), e);
        } catch (LaunchException e) {
            d.close();
            throw e;
        }
        LOG.info("vrrp4j started with {} ({} instance(s), {} sync group(s))", file, config.instances().size(),
                config.syncGroups().size());
        if (!config.global().vrrpStartupDelay().isZero()) {
            LOG.info("vrrp_startup_delay: no instance becomes master for {} s", // keepalived: "Delaying startup"
                    config.global().vrrpStartupDelay().toMillis() / 1000.0);
        }
        return d;
    }

    /** Who scripts run as, or a LaunchException naming (file:line) a user that cannot be used. */
    static ScriptUsers.Resolution scriptUsers(KeepalivedConfig c) throws LaunchException {
        ScriptUsers.Resolution r = ScriptUsers.resolve(c);
        r.warnings().forEach(w -> LOG.warn("{}", w));
        if (!r.problems().isEmpty()) {
            throw new LaunchException(String.join("; ", r.problems()));
        }
        return r;
    }

    static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** The node announces with one cadence: an instance's own garp_* settings give way to global_defs'. */
    static void warnUnsupported(Instance i, GarpSettings global, SourceLocations locations) {
        if (!i.garp().equals(global)) {
            LOG.warn("{} ({}): per-instance garp_* settings are not supported; global_defs' apply ({})",
                    i.name(), where(locations.instance(i.name())), global);
        }
    }

    void addToNode(Instance n) {
        if (n.useVmac()) {
            node.addRouterWithVirtualMac(n.router(), n.vmacName().orElse(null));
        } else {
            node.addRouter(n.router());
        }
    }

    /** Creates and binds the providers of one instance or sync group. */
    private void bindProviders(String router, List<ProviderBlock> blocks, IntFunction<Optional<SourceLocation>> where)
            throws LaunchException {
        Map<String, List<Prepared>> prepared = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        prepare(config, scriptUsers, router, blocks, where, prepared, problems);
        if (!problems.isEmpty()) {
            ProviderBindings.closeAll(prepared);
            throw new LaunchException(String.join("; ", problems));
        }
        bind(router, prepared.get(router));
    }

    static ProviderConfig providerConfig(ProviderBlock block) {
        return ProviderConfig.of(block.type(), block.values());
    }

    /**
     * The environment variables that hold providers' secrets: the values of every {@code *_env} key
     * ({@code password_env}, a token's variable) in the configuration. Scripts (notify scripts through the
     * exec provider, vrrp_script checks) do not inherit them.
     */
    static java.util.Set<String> secretEnvironment(KeepalivedConfig c) {
        List<ProviderBlock> blocks = new ArrayList<>();
        c.instances().forEach(i -> blocks.addAll(i.providers()));
        c.syncGroups().forEach(g -> blocks.addAll(g.providers()));
        return ProviderBindings.secretEnvironment(blocks);
    }

    /**
     * An exec block (notify scripts) as the daemon runs it: {@code unset_env} naming {@code secrets} (the
     * configuration's), {@code run_as} the script user when it is not the daemon's own.
     */
    static ProviderBlock forScripts(ProviderBlock block, java.util.Set<String> secrets, ScriptUsers.Resolution users) {
        ProviderBlock unset = ProviderBindings.withoutSecretEnvironment(block, secrets);
        if (!block.type().equals("exec") || users == null) {
            return unset;
        }
        Map<String, String> values = new LinkedHashMap<>(ScriptUsers.withoutUserKeys(unset).values());
        values.putAll(users.runAsKeys(block)); // script_user's, and each script's own USER [GROUP]
        return new ProviderBlock(block.type(), values);
    }

    static FailoverProvider create(FailoverProviders providers, ProviderBlock block, Optional<SourceLocation> where)
            throws LaunchException {
        try {
            return providers.create(block.type(), BindingOptions.parse(providerConfig(block)).providerConfig());
        } catch (RuntimeException e) {
            throw new LaunchException(where(where) + ": failover_provider "
                    + block.type() + ": " + describe(e), e);
        }
    }

    /** {@code file:line} of a configured value, for messages. */
    static String where(Optional<SourceLocation> location) {
        return location.map(SourceLocation::toString).orElse("(unknown location)");
    }

    // ---- what the node reports ------------------------------------------------------------------

    /** Runs on the control thread (the node's listener executor). */
    private final class Listener implements NodeListener {
        @Override
        public void stateChanged(String router, State from, State to, TransitionReason reason) {
            states.put(router, to);
            KeepalivedLines.instance(router, from, to).ifPresent(LOG::info); // what keepalived's log alerts match
            if (from == State.MASTER && (to == State.BACKUP || to == State.FAULT)) {
                masterReleases.merge(router, 1L, Long::sum); // keepalived's release_master
            }
            if (stopping && to != State.INITIALIZE) {
                return;
            }
            coordinator.update(new RoleChange(router, false, role(to), priority(router)));
        }

        @Override
        public void syncGroupChanged(String group, State to, String member) {
            if (stopping) {
                return;
            }
            if (groupStates.put(group, to) != to) {
                LOG.info("sync group {}: {} ({} moved)", group, to, member);
                KeepalivedLines.syncGroup(group, to).ifPresent(LOG::info);
                coordinator.update(new RoleChange(group, true, role(to), priority(member)));
            }
        }

        @Override
        public void lowerPriorityMasterHeard(String router, InetAddress source, int priority) {
            LOG.info("{}: heard a lower-priority master {} (priority {}); re-asserting the failover IP", router,
                    source.getHostAddress(), priority);
            coordinator.reassert(router);
        }
    }

    int priority(String router) {
        return config.instances().stream().filter(i -> i.name().equals(router)).findFirst()
                .map(i -> i.router().priority()).orElse(0);
    }

    static RouterState role(State s) {
        return switch (s) {
            case MASTER -> RouterState.MASTER;
            case BACKUP -> RouterState.BACKUP;
            case FAULT -> RouterState.FAULT;
            case INITIALIZE -> RouterState.STOP;
        };
    }

    private void onFailoverEvent(FailoverEvent e) {
        calls.record(e);
        ProviderBindings.log(LOG, e);
    }

    // ---- reload (SIGHUP) ------------------------------------------------------------------------

    /** The outcome of the last reload, for {@code /status}. */
    record ReloadOutcome(Instant at, boolean applied, String summary) {
    }

    /** Written by {@link DaemonReload} too. */
    volatile ReloadOutcome lastReload;
    /** Prepares and applies reloads (classification, providers made first, then the change). */
    private final DaemonReload reloads = new DaemonReload(this);

    /**
     * Applies a new configuration atomically: first everything that can fail is done or checked (new
     * instances' interfaces exist, every new or changed provider is created); if anything fails, nothing
     * changes and the running configuration stays. Then: instances whose configuration did not change
     * keep running untouched (state, timers, failover IP); instances whose only change is their
     * {@code failover_provider} blocks keep running and get the new providers (no priority 0, no
     * failover); instances whose virtual addresses or non-owner priority changed keep running and take the
     * change in place (a master adds or removes just those addresses); removed ones stop as on shutdown; changed ones restart; new ones start. Runs on the
     * control thread.
     *
     * @return a one-line summary
     * @throws LaunchException when the new configuration cannot be applied; nothing was changed
     */
    String reload(KeepalivedConfig next) throws LaunchException {
        return reloads.apply(reloads.prepare(next));
    }

    /**
     * A reload in two steps, so that role changes never queue behind it: what can be slow (providers
     * created, interfaces looked up: a provider's first TLS or WSDL set-up takes seconds) runs on the
     * calling thread ({@link DaemonReload#prepare}); only the change itself runs on the control thread, where the
     * node's role changes reach the coordinator. Reloads are one at a time (the signal loop's thread).
     */
    String reloadOffControl(KeepalivedConfig next) throws Exception {
        DaemonReload.Plan plan = reloads.prepare(next);
        try {
            return control.submit(() -> reloads.apply(plan)).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    void prepare(KeepalivedConfig next, ScriptUsers.Resolution users, String router, List<ProviderBlock> blocks,
            IntFunction<Optional<SourceLocation>> where, Map<String, List<Prepared>> into, List<String> problems) {
        java.util.Set<String> secrets = secretEnvironment(next);
        bindings.prepare(router, blocks, where, b -> forScripts(b, secrets, users), into, problems);
    }

    /** The one way a provider is bound, at start and on reload: to the coordinator and to the call metrics. */
    void bind(String router, List<Prepared> providers) {
        bindings.bind(router, providers);
    }

    /** Records a reload refused before it reached the daemon (the file could not be read). */
    void reloadRefused(String why) {
        lastReload = new ReloadOutcome(Instant.now(), false, why);
    }

    /** The outcome of the last reload, or null when there was none. */
    ReloadOutcome lastReload() {
        return lastReload;
    }

    /** Reloads (prepared on this thread, applied on the control thread) and waits for it. */
    String reloadAndWait(KeepalivedConfig next) throws Exception {
        return reloadOffControl(next);
    }

    // ---- observation ----------------------------------------------------------------------------

    /** What {@code /status} and {@code /metrics} show. */
    record Snapshot(String routerId, Path config, Instant started, List<RouterStatus> routers,
            Map<String, Integer> basePriorities, Map<String, Map<org.vrrp4j.core.packet.DropReason, Long>> interfaceDrops,
            List<FailoverCoordinator.BindingStatus> failover, Map<String, State> syncGroups,
            Map<String, List<org.vrrp4j.core.config.VirtualAddress>> virtualAddresses, Duration garpDelay,
            Map<String, Long> masterReleases, Map<FailoverCallStats.Binding, FailoverCallStats.View> calls,
            String version, Map<FailoverCallStats.Binding, org.vrrp4j.failover.CheckStatus> checks) {
    }

    Snapshot snapshot() {
        KeepalivedConfig c = config;
        Map<String, Integer> base = new LinkedHashMap<>();
        Map<String, List<org.vrrp4j.core.config.VirtualAddress>> vips = new LinkedHashMap<>();
        c.instances().forEach(i -> {
            base.put(i.name(), i.router().priority());
            vips.put(i.name(), i.router().virtualAddresses());
        });
        return new Snapshot(c.global().routerId(), file, started, node.status(), base, node.interfaceDrops(),
                coordinator.status(), Map.copyOf(groupStates), vips, c.global().garp().masterDelay(),
                Map.copyOf(masterReleases), calls.views(), version(), checks(coordinator.checks()));
    }

    /** The credential checks by binding. */
    static Map<FailoverCallStats.Binding, org.vrrp4j.failover.CheckStatus> checks(List<org.vrrp4j.failover.CheckStatus> all) {
        Map<FailoverCallStats.Binding, org.vrrp4j.failover.CheckStatus> m = new LinkedHashMap<>();
        all.forEach(c -> m.put(new FailoverCallStats.Binding(c.router(), c.resource()), c));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static String version() {
        String v = Daemon.class.getPackage() == null ? null : Daemon.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    KeepalivedConfig config() {
        return config;
    }

    ScheduledExecutorService control() {
        return control;
    }

    // ---- stop -----------------------------------------------------------------------------------

    /**
     * Graceful stop: trackers stop; every master sends priority 0 and its addresses are removed (the
     * node); the STOP role reaches the providers (notify_stop) for a short grace; then every provider
     * call still running is cancelled.
     */
    @Override
    public void close() {
        stopping = true;
        trackers.close();
        if (node != null) {
            node.close();
        }
        try {
            control.submit(() -> null).get(5, TimeUnit.SECONDS); // the listener's last STOP updates
            coordinator.awaitIdle(STOP_ACTIONS_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("waiting for stop actions: {}", e.toString());
        }
        coordinator.close();
        control.shutdownNow();
        LOG.info("vrrp4j stopped");
    }
}
