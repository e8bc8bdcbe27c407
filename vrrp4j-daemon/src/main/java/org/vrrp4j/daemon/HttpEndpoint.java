package org.vrrp4j.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code GET /status} (JSON) and {@code GET /metrics} (Prometheus text format 0.0.4) of a running
 * daemon. Read-only: nothing here changes the daemon. Both are rendered from one metric table
 * ({@link MetricTable}), so they cannot disagree.
 *
 * <p>Slow and many clients cannot starve it: requests run on a small bounded pool (a queue of bounded
 * length; beyond it a connection is closed at once), and the JDK server closes a connection whose
 * request has not arrived within {@link #REQUEST_SECONDS} or whose response has not left within
 * {@link #RESPONSE_SECONDS}, so a client that sends half a request and stalls holds one worker for
 * that long at most.
 */
final class HttpEndpoint implements AutoCloseable {
    static final int WORKERS = 4;
    static final int QUEUE = 32;
    static final int REQUEST_SECONDS = 5;
    static final int RESPONSE_SECONDS = 10;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpEndpoint.class);
    /**
     * Jackson, loaded with the first {@code /status} request rather than at start-up: ~370 classes and ~2 MiB
     * of metaspace a daemon nobody asks for JSON never needs (issue 12's footprint).
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static {
        // read once, when the JDK's server first loads (sun.net.httpserver.ServerConfig); -D on the command line wins
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS));
        setIfAbsent("sun.net.httpserver.idleInterval", "30");
        setIfAbsent("jdk.httpserver.maxConnections", "64");
    }

    private final HttpServer server;
    private final ExecutorService workers;

    HttpEndpoint(InetSocketAddress address, Supplier<Daemon.Snapshot> snapshots) throws IOException {
        this(address, snapshots, KeepalivedExporterMetrics.Names.VRRP4J);
    }

    HttpEndpoint(InetSocketAddress address, Supplier<Daemon.Snapshot> snapshots, KeepalivedExporterMetrics.Names names)
            throws IOException {
        List<Metric> metricsTable = names.table();
        this.server = HttpServer.create(address, 64);
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "vrrp4j-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy()); // the JDK server closes a connection its executor refuses
        ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
        server.setExecutor(workers);
        server.createContext("/status", ex -> serve(ex, "application/json",
                () -> Json.MAPPER.writeValueAsString(status(snapshots.get()))));
        server.createContext("/metrics", ex -> serve(ex, "text/plain; version=0.0.4; charset=utf-8",
                () -> MetricFormats.prometheus(metricsTable, snapshots.get())));
        server.start();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
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
        try {
            respond(ex, type, body);
        } catch (IOException e) {
            LOG.debug("{} {}: the client went away: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            // the JDK's server would only close the connection and note it at TRACE
            LOG.error("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString(), e);
        }
    }

    private static void respond(HttpExchange ex, String type, Body body) throws IOException {
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

    /** {@code /status}: descriptions and every vrrp4j metric. */
    static Map<String, Object> status(Daemon.Snapshot s) {
        return MetricFormats.status(MetricTable.VRRP4J, s);
    }

    /** {@code /metrics} with vrrp4j's names. */
    static String metrics(Daemon.Snapshot s) {
        return MetricFormats.prometheus(MetricTable.VRRP4J, s);
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
