package org.vrrp4j.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.BindingOptions;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverEvent;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.keepalived.ProviderBlock;
import org.vrrp4j.keepalived.SourceLocation;

/**
 * The one way {@code failover_provider} blocks become running providers, for the daemon (its own VRRP
 * instances) and the failover agent (keepalived's, through its notify FIFO): providers are found with
 * {@code ServiceLoader} and created from their blocks first, all of them, so that a start or reload that
 * cannot create one changes nothing; then bound to the coordinator and to the call metrics.
 */
final class ProviderBindings {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderBindings.class);

    private final Logger log;
    private final FailoverProviders providers;
    private final FailoverCoordinator coordinator;
    private final FailoverCallStats calls;

    /** A provider made for a binding, before it is bound: a reload makes all of them before changing anything. */
    record Prepared(FailoverProvider provider, BindingOptions options, String type) {
    }

    /** @param log where binding warnings go: the daemon's or the agent's logger, so lines keep their names */
    ProviderBindings(FailoverProviders providers, FailoverCoordinator coordinator, FailoverCallStats calls, Logger log) {
        this.log = log;
        this.providers = providers;
        this.coordinator = coordinator;
        this.calls = calls;
    }

    /**
     * Creates the providers of {@code router}'s blocks into {@code into}; what cannot be created is added to
     * {@code problems} as {@code file:line: failover_provider TYPE: why}.
     *
     * @param forScripts how an exec block (notify scripts) is run: the environment variables holding providers'
     *     secrets unset, the script user
     */
    void prepare(String router, List<ProviderBlock> blocks, IntFunction<Optional<SourceLocation>> where,
            java.util.function.UnaryOperator<ProviderBlock> forScripts, Map<String, List<Prepared>> into,
            List<String> problems) {
        List<Prepared> list = new ArrayList<>();
        into.put(router, list);
        for (int k = 0; k < blocks.size(); k++) {
            ProviderBlock block = blocks.get(k);
            Optional<SourceLocation> at = where.apply(k);
            try {
                BindingOptions.Parsed parsed = BindingOptions.parse(Daemon.providerConfig(block));
                parsed.warnings().forEach(w -> log.warn("{}: {}", Daemon.where(at), w));
                list.add(new Prepared(Daemon.create(providers, forScripts.apply(block), at),
                        parsed.options(), block.type()));
            } catch (LaunchException e) {
                problems.add(e.getMessage());
            } catch (RuntimeException e) {
                problems.add(Daemon.where(at) + ": failover_provider " + block.type() + ": " + describe(e));
            }
        }
    }

    /** Binds prepared providers to the coordinator and to the call metrics, at start and on reload. */
    void bind(String router, List<Prepared> prepared) {
        for (Prepared p : prepared) {
            coordinator.bind(router, p.provider(), p.options());
            calls.bound(router, p.provider().resource(), p.type());
        }
    }

    /** Closes providers that were prepared but will not be bound (a refused start or reload). */
    static void closeAll(Map<String, List<Prepared>> prepared) {
        prepared.values().forEach(list -> list.forEach(p -> closeQuietly(p.provider())));
    }

    static void closeQuietly(FailoverProvider p) {
        try {
            p.close();
        } catch (Exception e) {
            LOG.debug("closing an unused provider: {}", e.toString());
        }
    }

    /** An exec block (notify scripts) with {@code unset_env} naming {@code secrets}, the configuration's. */
    static ProviderBlock withoutSecretEnvironment(ProviderBlock block, Set<String> secrets) {
        if (!block.type().equals("exec") || secrets.isEmpty() || block.values().containsKey("unset_env")) {
            return block;
        }
        Map<String, String> values = new LinkedHashMap<>(block.values());
        values.put("unset_env", String.join(",", secrets));
        return new ProviderBlock(block.type(), values);
    }

    /** The environment variables named by {@code *_env} keys of {@code blocks}: providers' secrets. */
    static Set<String> secretEnvironment(List<ProviderBlock> blocks) {
        Set<String> names = new java.util.TreeSet<>();
        for (ProviderBlock b : blocks) {
            b.values().forEach((k, v) -> {
                if (k.endsWith("_env") && !v.isBlank()) {
                    names.add(v.strip());
                }
            });
        }
        return names;
    }

    /** How the daemon and the agent log a coordinator event, to {@code log}. */
    static void log(Logger log, FailoverEvent e) {
        switch (e) {
            case FailoverEvent.Finished f -> log.info("{}: {} {} of {}: {} ({} ms)", f.router(), f.resource(), f.step(),
                    f.attempt(), f.outcome(), f.took().toMillis());
            case FailoverEvent.GaveUp g -> log.warn("{}: {}: gave up: {}", g.router(), g.resource(), g.reason());
            case FailoverEvent.Drift d -> log.warn("{}: {} is routed elsewhere ({}); routing it back", d.router(),
                    d.resource(), d.detail());
            default -> log.debug("{}", e);
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
