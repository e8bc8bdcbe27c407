package org.vrrp4j.daemon;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vrrp4j.daemon.Metric.Sample;
import org.vrrp4j.daemon.Metric.Scope;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverEvent;
import org.vrrp4j.netty.RouterStatus;

/** Renders a {@link Metric} table as Prometheus text (format 0.0.4) and into {@code /status}'s JSON. */
final class MetricFormats {
    private MetricFormats() {
    }

    // ---- Prometheus -----------------------------------------------------------------------------

    /** Every metric's HELP and TYPE, then its samples. */
    static String prometheus(List<Metric> table, Daemon.Snapshot s) {
        StringBuilder b = new StringBuilder();
        for (Metric m : table) {
            b.append("# HELP ").append(m.name()).append(' ').append(m.help().replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n');
            b.append("# TYPE ").append(m.name()).append(' ').append(m.type().text()).append('\n');
            for (Sample x : m.samples().apply(s)) {
                switch (x.value()) {
                    case Metric.Buckets h -> {
                        for (int i = 0; i <= h.bounds().length; i++) {
                            String le = i < h.bounds().length ? number(h.bounds()[i]) : "+Inf";
                            line(b, m.name() + "_bucket", Metric.labels(x.labels(), "le", le), Long.toString(h.cumulative()[i]));
                        }
                        line(b, m.name() + "_sum", x.labels(), number(h.sum()));
                        line(b, m.name() + "_count", x.labels(), Long.toString(h.count()));
                    }
                    case Metric.Num n -> line(b, m.name(), x.labels(), number(n.value()));
                    case Metric.Flag f -> line(b, m.name(), x.labels(), f.value() ? "1" : "0");
                    case Metric.Named n -> line(b, m.name(), x.labels(), Integer.toString(n.number()));
                    case Metric.Info i -> line(b, m.name(), x.labels(), "1");
                }
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String name, Map<String, String> labels, String value) {
        b.append(name);
        if (!labels.isEmpty()) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : labels.entrySet()) {
                b.append(first ? "" : ",").append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
                first = false;
            }
            b.append('}');
        }
        b.append(' ').append(value).append('\n');
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Integers without a fraction, others in plain decimal (no exponent). */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    // ---- /status JSON ---------------------------------------------------------------------------

    /**
     * {@code /status}: what describes the daemon, its routers, sync groups and failover bindings (names,
     * addresses, the last failover event), with every metric of {@code table} placed in its scope's
     * object at its JSON path.
     */
    static Map<String, Object> status(List<Metric> table, Daemon.Snapshot s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("routerId", s.routerId());
        root.put("config", s.config().toString());
        root.put("started", s.started().toString());
        Map<String, Map<String, Object>> routers = new LinkedHashMap<>();
        Map<String, Map<String, Object>> bindings = new LinkedHashMap<>();
        for (RouterStatus r : s.routers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("vrid", r.vrid());
            m.put("interface", r.interfaceName());
            m.put("master", r.master().map(a -> a.getHostAddress()).orElse(null));
            m.put("virtualAddresses", s.virtualAddresses().getOrDefault(r.name(), List.of()).stream()
                    .map(Object::toString).toList());
            m.put("failover", new ArrayList<>());
            routers.put(r.name(), m);
        }
        root.put("routers", new ArrayList<>(routers.values()));
        Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
        s.syncGroups().keySet().forEach(g -> groups.put(g, new LinkedHashMap<>(Map.of("failover", new ArrayList<>()))));
        root.put("syncGroups", groups);
        Map<String, Map<String, Object>> interfaces = new LinkedHashMap<>();
        root.put("interfaces", interfaces);
        for (FailoverCoordinator.BindingStatus b : s.failover()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("resource", b.resource());
            f.put("provider", MetricTable.view(s, b).provider());
            b.lastEvent().ifPresent(e -> f.put("last", lastEvent(e)));
            org.vrrp4j.failover.CheckStatus c = s.checks().get(new FailoverCallStats.Binding(b.router(), b.resource()));
            if (c != null) { // the check's words beside its numbers (the metrics below add those)
                Map<String, Object> check = new LinkedHashMap<>();
                c.lastSuccess().ifPresent(t -> check.put("lastSuccess", t.toString()));
                c.lastSuccessDetail().ifPresent(t -> check.put("lastSuccessDetail", t));
                c.lastFailure().ifPresent(t -> check.put("lastFailure", t.toString()));
                c.lastFailureMessage().ifPresent(t -> check.put("lastFailureMessage", t));
                c.expires().ifPresent(t -> check.put("expires", t.toString()));
                check.put("failuresInARow", c.failuresInARow());
                check.put("running", c.running());
                c.nextCheck().ifPresent(t -> check.put("next", t.toString()));
                f.put("check", check);
            }
            Map<String, Object> owner = routers.containsKey(b.router()) ? routers.get(b.router()) : groups.get(b.router());
            if (owner != null) {
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) owner.get("failover");
                list.add(f);
            }
            bindings.put(b.router() + "\u0000" + b.resource(), f);
        }
        for (Metric m : table) {
            for (Sample x : m.samples().apply(s)) {
                Map<String, Object> target = switch (m.scope()) {
                    case DAEMON -> root;
                    case ROUTER -> routers.get(x.labels().get("router"));
                    case SYNC_GROUP -> groups.computeIfAbsent(x.labels().get("group"), g -> new LinkedHashMap<>());
                    case INTERFACE -> interfaces.computeIfAbsent(x.labels().get("interface"), i -> new LinkedHashMap<>());
                    case BINDING -> bindings.get(x.labels().get("router") + "\u0000" + x.labels().get("resource"));
                    case NONE -> null;
                };
                if (target != null) {
                    place(target, m, x);
                }
            }
        }
        return root;
    }

    /** Puts a sample at its metric's path in {@code target}, nested by the labels beyond the scope's. */
    private static void place(Map<String, Object> target, Metric m, Sample x) {
        List<String> path = new ArrayList<>(List.of(m.jsonPath().split("\\.")));
        Map<String, String> extra = new LinkedHashMap<>(x.labels());
        m.scope().labels.forEach(extra::remove);
        Object value = json(x.value(), extra);
        if (!(x.value() instanceof Metric.Info)) {
            path.addAll(extra.values());
        }
        Map<String, Object> at = target;
        for (String key : path.subList(0, path.size() - 1)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> next = (Map<String, Object>) at.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
            at = next;
        }
        at.put(path.getLast(), value);
    }

    /** A value as JSON shows it. */
    static Object json(Metric.Value v, Map<String, String> extraLabels) {
        return switch (v) {
            case Metric.Num n -> n.value() == Math.rint(n.value()) && Math.abs(n.value()) < 1e15 ? (Object) (long) n.value()
                    : (Object) BigDecimal.valueOf(n.value()); // plain digits, as in /metrics
            case Metric.Flag f -> f.value();
            case Metric.Named n -> n.name();
            case Metric.Info i -> new LinkedHashMap<>(extraLabels);
            case Metric.Buckets h -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("count", h.count());
                m.put("sum", h.sum());
                Map<String, Long> buckets = new LinkedHashMap<>();
                for (int i = 0; i <= h.bounds().length; i++) {
                    buckets.put(i < h.bounds().length ? number(h.bounds()[i]) : "+Inf", h.cumulative()[i]);
                }
                m.put("buckets", buckets);
                yield m;
            }
        };
    }

    private static Map<String, Object> lastEvent(FailoverEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", e.at().toString());
        switch (e) {
            case FailoverEvent.Finished f -> {
                m.put("event", "finished");
                m.put("step", f.step().name());
                m.put("attempt", f.attempt());
                m.put("outcome", f.outcome().toString());
                m.put("outcomeKind", FailoverCallStats.outcomeKind(f.outcome()));
                m.put("tookMillis", f.took().toMillis());
            }
            case FailoverEvent.Started st -> {
                m.put("event", "started");
                m.put("step", st.step().name());
                m.put("attempt", st.attempt());
            }
            case FailoverEvent.RetryScheduled r -> {
                m.put("event", "retry scheduled");
                m.put("nextAttempt", r.nextAttempt());
                m.put("startsAt", r.startsAt().toString());
            }
            case FailoverEvent.GaveUp g -> {
                m.put("event", "gave up");
                m.put("reason", g.reason());
            }
            case FailoverEvent.Drift d -> {
                m.put("event", "drift");
                m.put("detail", d.detail());
            }
            case FailoverEvent.Checked c -> { // not kept as a binding's last event; here for completeness
                m.put("event", "checked");
                m.put("result", c.result().toString());
            }
        }
        return m;
    }
}
