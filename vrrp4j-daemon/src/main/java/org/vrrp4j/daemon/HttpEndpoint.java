package org.vrrp4j.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.vrrp4j.core.fsm.RouterCounters;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverEvent;
import org.vrrp4j.netty.RouterStatus;

/**
 * {@code GET /status} (JSON) and {@code GET /metrics} (Prometheus text format 0.0.4) of a running
 * daemon, on the address {@code --http} names. Read-only: nothing here changes the daemon.
 */
final class HttpEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final HttpServer server;
    private final Supplier<Daemon.Snapshot> snapshots;

    HttpEndpoint(InetSocketAddress address, Supplier<Daemon.Snapshot> snapshots) throws IOException {
        this.snapshots = snapshots;
        this.server = HttpServer.create(address, 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vrrp4j-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/status", ex -> serve(ex, "application/json", () -> JSON.writeValueAsString(status(snapshots.get()))));
        server.createContext("/metrics", ex -> serve(ex, "text/plain; version=0.0.4; charset=utf-8", () -> metrics(snapshots.get())));
        server.start();
    }

    /** The bound address (an ephemeral port is resolved). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    @FunctionalInterface
    private interface Body {
        String get() throws IOException;
    }

    private static void serve(HttpExchange ex, String type, Body body) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (!path.equals(ex.getHttpContext().getPath())) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] b;
            int code = 200;
            try {
                b = body.get().getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                code = 503;
                type = "text/plain; charset=utf-8";
                b = ("status unavailable: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(code, ex.getRequestMethod().equals("HEAD") ? -1 : b.length);
            if (!ex.getRequestMethod().equals("HEAD")) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(b);
                }
            }
        }
    }

    static Map<String, Object> status(Daemon.Snapshot s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("routerId", s.routerId());
        root.put("config", s.config().toString());
        root.put("started", s.started().toString());
        List<Object> routers = new ArrayList<>();
        for (RouterStatus r : s.routers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("vrid", r.vrid());
            m.put("interface", r.interfaceName());
            m.put("state", r.state().name());
            m.put("priority", s.basePriorities().getOrDefault(r.name(), 0));
            m.put("effectivePriority", r.effectivePriority());
            m.put("master", r.master().map(a -> a.getHostAddress()).orElse(null));
            m.put("counters", counters(r.counters(), r.sendErrors()));
            List<Object> failover = new ArrayList<>();
            for (FailoverCoordinator.BindingStatus b : s.failover()) {
                if (b.router().equals(r.name())) {
                    failover.add(binding(b));
                }
            }
            m.put("failover", failover);
            routers.add(m);
        }
        root.put("routers", routers);
        Map<String, Object> groups = new LinkedHashMap<>();
        s.syncGroups().forEach((g, st) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", st.name());
            m.put("failover", s.failover().stream().filter(b -> b.router().equals(g)).map(HttpEndpoint::binding).toList());
            groups.put(g, m);
        });
        root.put("syncGroups", groups);
        Map<String, Object> drops = new LinkedHashMap<>();
        s.interfaceDrops().forEach((i, d) -> drops.put(i, nonZero(d)));
        root.put("interfaceDrops", drops);
        return root;
    }

    private static Map<String, Object> binding(FailoverCoordinator.BindingStatus b) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("resource", b.resource());
        f.put("acquired", b.acquired());
        f.put("busy", b.busy());
        b.lastEvent().ifPresent(e -> f.put("last", lastEvent(e)));
        return f;
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
            default -> m.put("event", e.toString());
        }
        return m;
    }

    private static Map<String, Object> counters(RouterCounters c, long sendErrors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("advertisementsReceived", c.advertisementsReceived());
        m.put("advertisementsSent", c.advertisementsSent());
        m.put("priorityZeroReceived", c.priorityZeroReceived());
        m.put("priorityZeroSent", c.priorityZeroSent());
        m.put("masterTransitions", c.masterTransitions());
        m.put("intervalMismatches", c.intervalMismatches());
        m.put("addressListMismatches", c.addressListMismatches());
        m.put("lowerPriorityMasters", c.lowerPriorityMasters());
        m.put("sendErrors", sendErrors);
        m.put("drops", nonZero(c.drops()));
        return m;
    }

    private static Map<String, Long> nonZero(Map<DropReason, Long> drops) {
        Map<String, Long> m = new LinkedHashMap<>();
        drops.forEach((r, n) -> {
            if (n > 0) {
                m.put(r.name().toLowerCase(Locale.ROOT), n);
            }
        });
        return m;
    }

    static String metrics(Daemon.Snapshot s) {
        Prometheus p = new Prometheus();
        p.help("vrrp4j_router_state", "gauge", "Router state: 0 initialize, 1 backup, 2 master, 3 fault.");
        p.help("vrrp4j_router_priority", "gauge", "Configured priority.");
        p.help("vrrp4j_router_effective_priority", "gauge", "Priority after trackers.");
        p.help("vrrp4j_adverts_received_total", "counter", "Adverts accepted.");
        p.help("vrrp4j_adverts_sent_total", "counter", "Adverts sent, priority 0 included.");
        p.help("vrrp4j_priority_zero_received_total", "counter", "Priority-0 adverts accepted.");
        p.help("vrrp4j_priority_zero_sent_total", "counter", "Priority-0 adverts sent.");
        p.help("vrrp4j_master_transitions_total", "counter", "Times the router became master.");
        p.help("vrrp4j_address_list_mismatches_total", "counter", "Adverts whose address list differs from ours.");
        p.help("vrrp4j_send_errors_total", "counter", "Adverts the kernel refused to send.");
        p.help("vrrp4j_packets_dropped_total", "counter", "Packets discarded, by reason.");
        p.help("vrrp4j_interface_packets_dropped_total", "counter", "Packets no router could be charged with.");
        p.help("vrrp4j_failover_acquired", "gauge", "1 while the failover resource is routed here.");
        p.help("vrrp4j_failover_busy", "gauge", "1 while a provider call runs.");
        for (RouterStatus r : s.routers()) {
            String l = "router=\"" + esc(r.name()) + "\",vrid=\"" + r.vrid() + "\",interface=\"" + esc(r.interfaceName()) + "\"";
            RouterCounters c = r.counters();
            p.sample("vrrp4j_router_state", l, stateNumber(r.state()));
            p.sample("vrrp4j_router_priority", l, s.basePriorities().getOrDefault(r.name(), 0));
            p.sample("vrrp4j_router_effective_priority", l, r.effectivePriority());
            p.sample("vrrp4j_adverts_received_total", l, c.advertisementsReceived());
            p.sample("vrrp4j_adverts_sent_total", l, c.advertisementsSent());
            p.sample("vrrp4j_priority_zero_received_total", l, c.priorityZeroReceived());
            p.sample("vrrp4j_priority_zero_sent_total", l, c.priorityZeroSent());
            p.sample("vrrp4j_master_transitions_total", l, c.masterTransitions());
            p.sample("vrrp4j_address_list_mismatches_total", l, c.addressListMismatches());
            p.sample("vrrp4j_send_errors_total", l, r.sendErrors());
            c.drops().forEach((reason, n) -> p.sample("vrrp4j_packets_dropped_total",
                    l + ",reason=\"" + reason.name().toLowerCase(Locale.ROOT) + "\"", n));
        }
        s.interfaceDrops().forEach((i, d) -> d.forEach((reason, n) -> p.sample("vrrp4j_interface_packets_dropped_total",
                "interface=\"" + esc(i) + "\",reason=\"" + reason.name().toLowerCase(Locale.ROOT) + "\"", n)));
        for (FailoverCoordinator.BindingStatus b : s.failover()) {
            String l = "router=\"" + esc(b.router()) + "\",resource=\"" + esc(b.resource()) + "\"";
            p.sample("vrrp4j_failover_acquired", l, b.acquired() ? 1 : 0);
            p.sample("vrrp4j_failover_busy", l, b.busy() ? 1 : 0);
        }
        return p.text();
    }

    static int stateNumber(State s) {
        return switch (s) {
            case INITIALIZE -> 0;
            case BACKUP -> 1;
            case MASTER -> 2;
            case FAULT -> 3;
        };
    }

    private static String esc(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Samples grouped per metric, each group after its HELP and TYPE lines, as the format wants. */
    private static final class Prometheus {
        private final Map<String, StringBuilder> families = new LinkedHashMap<>();

        void help(String name, String type, String help) {
            families.put(name, new StringBuilder("# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n"));
        }

        void sample(String name, String labels, long value) {
            families.get(name).append(name).append('{').append(labels).append("} ").append(value).append('\n');
        }

        String text() {
            StringBuilder b = new StringBuilder();
            families.values().forEach(b::append);
            return b.toString();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
