package org.vrrp4j.examples.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The route API, for real, on 127.0.0.1 and an ephemeral port: {@code GET/PUT /routes/ADDRESS} with a
 * bearer token, and knobs for the faults a provider must handle (a status to answer, a slow PUT).
 */
final class RouteApiStandIn implements AutoCloseable {
    final Map<String, String> routes = new ConcurrentHashMap<>();
    /** When set, every request is answered with this status (and Retry-After 30 for 429/503). */
    volatile int failWith;
    /** When set, PUT waits for it before changing the route: a call that can be cancelled mid-way. */
    volatile CountDownLatch holdPuts;
    final CountDownLatch putArrived = new CountDownLatch(1);
    private final String token;
    private final HttpServer server;

    RouteApiStandIn(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/routes/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String address = x.getRequestURI().getPath().substring("/routes/".length());
            if (failWith != 0) {
                x.getResponseHeaders().add("Retry-After", "30");
                x.sendResponseHeaders(failWith, -1);
            } else if (!("Bearer " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                x.sendResponseHeaders(401, -1);
            } else if (x.getRequestMethod().equals("GET")) {
                String owner = routes.get(address);
                if (owner == null) {
                    x.sendResponseHeaders(404, -1);
                } else {
                    byte[] body = owner.getBytes(StandardCharsets.UTF_8);
                    x.sendResponseHeaders(200, body.length);
                    x.getResponseBody().write(body);
                }
            } else if (x.getRequestMethod().equals("PUT")) {
                String node = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                putArrived.countDown();
                CountDownLatch hold = holdPuts;
                if (hold != null && !hold.await(30, TimeUnit.SECONDS)) {
                    x.sendResponseHeaders(504, -1);
                    return;
                }
                routes.put(address, node);
                x.sendResponseHeaders(204, -1);
            } else {
                x.sendResponseHeaders(405, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        CountDownLatch hold = holdPuts;
        if (hold != null) {
            hold.countDown();
        }
        server.stop(0);
    }
}
