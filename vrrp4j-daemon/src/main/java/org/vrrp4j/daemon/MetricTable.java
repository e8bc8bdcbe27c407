package org.vrrp4j.daemon;

import static org.vrrp4j.daemon.Metric.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.daemon.Metric.Sample;
import org.vrrp4j.daemon.Metric.Scope;
import org.vrrp4j.daemon.Metric.Type;
import org.vrrp4j.daemon.Metric.Value;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.netty.RouterStatus;

/**
 * vrrp4j's metrics, each defined once; {@code /metrics} and {@code /status} are both rendered from
 * this table ({@link MetricFormats}).
 */
final class MetricTable {
    private MetricTable() {
    }

    /** Every vrrp4j metric, in the order {@code /metrics} lists them. */
    static final List<Metric> VRRP4J = List.of(
            new Metric("vrrp4j_build_info", Type.GAUGE, "vrrp4j's version and Java runtime (value 1).", Scope.DAEMON,
                    "build", s -> List.of(new Sample(labels("version", s.version(), "java", Runtime.version().toString()),
                            new Metric.Info()))),
            new Metric("vrrp4j_start_time_seconds", Type.GAUGE, "When the daemon started (Unix time).", Scope.DAEMON,
                    "startedSeconds", s -> List.of(new Sample(labels(), seconds(s.started())))),
            router("vrrp4j_router_state", Type.GAUGE, "Router state: 0 initialize, 1 backup, 2 master, 3 fault.",
                    "state", (s, r) -> new Metric.Named(stateNumber(r.state()), r.state().name())),
            router("vrrp4j_router_priority", Type.GAUGE, "Configured priority.", "priority",
                    (s, r) -> num(s.basePriorities().getOrDefault(r.name(), 0))),
            router("vrrp4j_router_effective_priority", Type.GAUGE, "Priority after trackers.", "effectivePriority",
                    (s, r) -> num(r.effectivePriority())),
            router("vrrp4j_adverts_received_total", Type.COUNTER, "Adverts accepted.", "counters.advertisementsReceived",
                    (s, r) -> num(r.counters().advertisementsReceived())),
            router("vrrp4j_adverts_sent_total", Type.COUNTER, "Adverts sent, priority 0 included.",
                    "counters.advertisementsSent", (s, r) -> num(r.counters().advertisementsSent())),
            router("vrrp4j_priority_zero_received_total", Type.COUNTER, "Priority-0 adverts accepted.",
                    "counters.priorityZeroReceived", (s, r) -> num(r.counters().priorityZeroReceived())),
            router("vrrp4j_priority_zero_sent_total", Type.COUNTER, "Priority-0 adverts sent.",
                    "counters.priorityZeroSent", (s, r) -> num(r.counters().priorityZeroSent())),
            router("vrrp4j_master_transitions_total", Type.COUNTER, "Times the router became master.",
                    "counters.masterTransitions", (s, r) -> num(r.counters().masterTransitions())),
            router("vrrp4j_master_releases_total", Type.COUNTER,
                    "Times the router left master for backup or fault (keepalived's release_master).",
                    "counters.masterReleases", (s, r) -> num(s.masterReleases().getOrDefault(r.name(), 0L))),
            router("vrrp4j_interval_mismatches_total", Type.COUNTER, "VRRPv3 adverts whose interval differs from ours (VRRPv2 ones are dropped: reason interval_mismatch).",
                    "counters.intervalMismatches", (s, r) -> num(r.counters().intervalMismatches())),
            router("vrrp4j_address_list_mismatches_total", Type.COUNTER, "Adverts whose address list differs from ours.",
                    "counters.addressListMismatches", (s, r) -> num(r.counters().addressListMismatches())),
            router("vrrp4j_lower_priority_masters_total", Type.COUNTER,
                    "Adverts from a master of lower priority while master (split brain healed).",
                    "counters.lowerPriorityMasters", (s, r) -> num(r.counters().lowerPriorityMasters())),
            router("vrrp4j_ipv6_global_first_lists_total", Type.COUNTER,
                    "IPv6 adverts whose address list does not start with a link-local address (keepalived sends "
                            + "such lists for global-only VIP files; accepted, not dropped).",
                    "counters.ipv6GlobalFirstLists", (s, r) -> num(r.counters().ipv6GlobalFirstLists())),
            new Metric("vrrp4j_checksum_forms_total", Type.COUNTER,
                    "VRRPv3 IPv4 adverts accepted, by checksum form (pseudo_header as keepalived, message_only as RFC 9568).",
                    Scope.ROUTER, "counters.checksumForms", s -> {
                        List<Sample> out = new ArrayList<>();
                        for (RouterStatus r : s.routers()) {
                            out.add(Sample.of(labels(routerLabels(r), "form", "pseudo_header"),
                                    r.counters().pseudoHeaderChecksums()));
                            out.add(Sample.of(labels(routerLabels(r), "form", "message_only"),
                                    r.counters().messageOnlyChecksums()));
                        }
                        return out;
                    }),
            router("vrrp4j_send_errors_total", Type.COUNTER, "Adverts the kernel refused to send.", "counters.sendErrors",
                    (s, r) -> num(r.sendErrors())),
            new Metric("vrrp4j_packets_dropped_total", Type.COUNTER, "Packets discarded, by reason.", Scope.ROUTER,
                    "counters.drops", s -> {
                        List<Sample> out = new ArrayList<>();
                        for (RouterStatus r : s.routers()) {
                            r.counters().drops().forEach((reason, n) ->
                                    out.add(Sample.of(labels(routerLabels(r), "reason", reason(reason)), n)));
                        }
                        return out;
                    }),
            new Metric("vrrp4j_interface_packets_dropped_total", Type.COUNTER,
                    "Packets no router could be charged with, by reason.", Scope.INTERFACE, "drops", s -> {
                        List<Sample> out = new ArrayList<>();
                        s.interfaceDrops().forEach((i, d) -> d.forEach((reason, n) ->
                                out.add(Sample.of(labels("interface", i, "reason", reason(reason)), n))));
                        return out;
                    }),
            new Metric("vrrp4j_sync_group_state", Type.GAUGE, "Sync group state: 0 initialize, 1 backup, 2 master, 3 fault.",
                    Scope.SYNC_GROUP, "state", s -> s.syncGroups().entrySet().stream()
                            .map(e -> new Sample(labels("group", e.getKey()),
                                    new Metric.Named(stateNumber(e.getValue()), e.getValue().name())))
                            .toList()),
            binding("vrrp4j_failover_acquired", Type.GAUGE, "1 while the failover resource is routed here.", "acquired",
                    (b, v) -> List.of(new Sample(Map.of(), new Metric.Flag(b.acquired())))),
            binding("vrrp4j_failover_busy", Type.GAUGE, "1 while a provider call runs.", "busy",
                    (b, v) -> List.of(new Sample(Map.of(), new Metric.Flag(b.busy())))),
            binding("vrrp4j_failover_calls_total", Type.COUNTER, "Provider calls finished, by step and outcome.", "calls",
                    (b, v) -> {
                        List<Sample> out = new ArrayList<>();
                        v.calls().forEach((step, byOutcome) -> byOutcome.forEach((outcome, n) ->
                                out.add(Sample.of(labels("step", step, "outcome", outcome), n))));
                        return out;
                    }),
            binding("vrrp4j_failover_call_duration_seconds", Type.HISTOGRAM, "How long provider calls took, by step.",
                    "callSeconds", (b, v) -> v.durations().entrySet().stream()
                            .map(e -> new Sample(labels("step", e.getKey()), new Metric.Buckets(FailoverCallStats.BUCKETS,
                                    e.getValue().cumulative(), e.getValue().sumSeconds(), e.getValue().count())))
                            .toList()),
            binding("vrrp4j_failover_last_success_timestamp_seconds", Type.GAUGE,
                    "When a provider call last succeeded (Unix time): its credentials worked then.", "lastSuccessSeconds",
                    (b, v) -> v.lastSuccess().map(t -> List.of(new Sample(Map.of(), seconds(t)))).orElse(List.of())),
            binding("vrrp4j_failover_last_failure_timestamp_seconds", Type.GAUGE,
                    "When a provider call last failed (Unix time).", "lastFailureSeconds",
                    (b, v) -> v.lastFailure().map(t -> List.of(new Sample(Map.of(), seconds(t)))).orElse(List.of())),
            binding("vrrp4j_failover_gave_up_total", Type.COUNTER, "Times the retries of a role ran out.", "gaveUp",
                    (b, v) -> List.of(Sample.of(Map.of(), v.gaveUp()))),
            binding("vrrp4j_failover_drifts_total", Type.COUNTER,
                    "Times re-verification found the resource routed elsewhere while master.", "drifts",
                    (b, v) -> List.of(Sample.of(Map.of(), v.drifts()))),
            check("vrrp4j_provider_check_ok", Type.GAUGE,
                    "1 while the provider's last credential check proved its login and lookup (check_interval).", "check.ok",
                    c -> List.of(new Sample(Map.of(), new Metric.Flag(c.healthy())))),
            check("vrrp4j_provider_check_last_success_timestamp_seconds", Type.GAUGE,
                    "When a credential check last proved the provider's login and lookup (Unix time).",
                    "check.lastSuccessSeconds", c -> c.lastSuccess().map(t -> List.of(new Sample(Map.of(), seconds(t))))
                            .orElse(List.of())),
            check("vrrp4j_provider_check_last_failure_timestamp_seconds", Type.GAUGE,
                    "When a credential check last failed (Unix time).", "check.lastFailureSeconds",
                    c -> c.lastFailure().map(t -> List.of(new Sample(Map.of(), seconds(t)))).orElse(List.of())),
            check("vrrp4j_provider_credentials_expiry_timestamp_seconds", Type.GAUGE,
                    "When the provider's credentials expire unless used (Unix time; netcup's offline token: 30 days"
                            + " after its last use), as of the last successful check.", "check.expiresSeconds",
                    c -> c.expires().map(t -> List.of(new Sample(Map.of(), seconds(t)))).orElse(List.of())),
            check("vrrp4j_provider_check_failures_total", Type.COUNTER, "Credential checks that failed.", "check.failures",
                    c -> List.of(Sample.of(Map.of(), c.failures()))));

    static Map<String, String> routerLabels(RouterStatus r) {
        return labels("router", r.name(), "vrid", Integer.toString(r.vrid()), "interface", r.interfaceName());
    }

    private static Metric router(String name, Type type, String help, String jsonPath,
            BiFunction<Daemon.Snapshot, RouterStatus, Value> value) {
        return new Metric(name, type, help, Scope.ROUTER, jsonPath,
                s -> s.routers().stream().map(r -> new Sample(routerLabels(r), value.apply(s, r))).toList());
    }

    /** What a binding's samples are made from. */
    @FunctionalInterface
    private interface BindingSamples {
        List<Sample> apply(Daemon.Snapshot s, FailoverCoordinator.BindingStatus b, FailoverCallStats.View v);
    }

    /** A binding's samples: the binding's labels, then the extractor's own. */
    private static Metric binding(String name, Type type, String help, String jsonPath,
            BiFunction<FailoverCoordinator.BindingStatus, FailoverCallStats.View, List<Sample>> samples) {
        return binding(name, type, help, jsonPath, (s, b, v) -> samples.apply(b, v));
    }

    private static Metric binding(String name, Type type, String help, String jsonPath, BindingSamples samples) {
        return new Metric(name, type, help, Scope.BINDING, jsonPath, s -> {
            List<Sample> out = new ArrayList<>();
            for (FailoverCoordinator.BindingStatus b : s.failover()) {
                FailoverCallStats.View v = view(s, b);
                Map<String, String> base = labels("router", b.router(), "resource", b.resource(), "provider", v.provider());
                for (Sample x : samples.apply(s, b, v)) {
                    out.add(new Sample(labels(base, flatten(x.labels())), x.value()));
                }
            }
            return out;
        });
    }

    /** A checked binding's samples (bindings whose provider runs no checks have none). */
    private static Metric check(String name, Type type, String help, String jsonPath,
            java.util.function.Function<org.vrrp4j.failover.CheckStatus, List<Sample>> samples) {
        return binding(name, type, help, jsonPath, (s, b, v) -> {
            org.vrrp4j.failover.CheckStatus c = s.checks().get(new FailoverCallStats.Binding(b.router(), b.resource()));
            return c == null ? List.of() : samples.apply(c);
        });
    }

    static FailoverCallStats.View view(Daemon.Snapshot s, FailoverCoordinator.BindingStatus b) {
        return Optional.ofNullable(s.calls().get(new FailoverCallStats.Binding(b.router(), b.resource())))
                .orElseGet(() -> FailoverCallStats.View.of("unknown"));
    }

    private static String[] flatten(Map<String, String> labels) {
        List<String> out = new ArrayList<>();
        labels.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out.toArray(String[]::new);
    }

    private static Value num(long v) {
        return new Metric.Num(v);
    }

    private static Value seconds(java.time.Instant t) {
        return new Metric.Num(t.toEpochMilli() / 1000.0);
    }

    static String reason(DropReason r) {
        return r.name().toLowerCase(Locale.ROOT);
    }

    /** The state numbers both vrrp4j's and keepalived_exporter's metrics use (keepalived's own order). */
    static int stateNumber(State s) {
        return switch (s) {
            case INITIALIZE -> 0;
            case BACKUP -> 1;
            case MASTER -> 2;
            case FAULT -> 3;
        };
    }
}
