package org.vrrp4j.testkit.hetzner;

import static org.vrrp4j.testkit.hetzner.StandInHttp.quote;
import static org.vrrp4j.testkit.hetzner.StandInHttp.send;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the Hetzner Robot webservice's failover calls on a loopback (or lab) address, written from
 * Robot's published reference as ../shared/hetzner/FACTS.md (part B) summarises it: HTTP Basic with the
 * webservice user, three failed logins block the caller for ten minutes, {@code GET /failover},
 * {@code GET /failover/{ip}}, the form-encoded {@code POST /failover/{ip}} with {@code active_server_ip}
 * (synchronous: it answers when the switch is done; a second switch meanwhile gets {@code 409 FAILOVER_LOCKED};
 * a switch to where it is routed gets {@code 409 FAILOVER_ALREADY_ROUTED}), {@code DELETE}, the per-call hourly
 * limits ({@code 403 RATE_LIMIT_EXCEEDED} with {@code max_request} and {@code interval}), {@code 503}
 * maintenance, and the 404s and 500s of the reference. A switch whose client went away still completes.
 */
public final class HetznerRobotStandIn implements AutoCloseable {
    /** The webservice user. */
    public static final String USER = "#ws+robotuser";
    /** Its password. */
    public static final String PASSWORD = "robot-webservice-PASSWORD-SECRET";
    /** The failover IPv4 of this account. */
    public static final String FAILOVER_IP = "198.18.200.8";
    /** A failover IPv6 net of this account. */
    public static final String FAILOVER_NET6 = "2001:db8:8::";
    /** The account's servers' main IPv4 addresses: the lab hosts' addresses s1, s2, s3. */
    public static final List<String> SERVER_IPS = List.of("198.18.1.1", "198.18.1.2", "198.18.1.3");
    /** The servers' main IPv6 nets, in the same order. */
    public static final List<String> SERVER_NETS6 = List.of("2001:db8:1:1::", "2001:db8:1:2::", "2001:db8:1:3::");
    /** A server outside the lab, the owner the IPs were ordered with (routing starts there). */
    public static final String OTHER_SERVER_IP = "198.18.9.9";

    /** One request as received (the Authorization header is kept for tests that check what went on the wire). */
    public record Request(String method, String path, String body, String authorization) {
        /** Without the Authorization header's value: test reports are logs too. */
        @Override
        public String toString() {
            return method + " " + path + (body.isEmpty() ? "" : " " + body);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, String> routedTo = new ConcurrentHashMap<>();
    private final Map<String, Instant> switchingUntil = new ConcurrentHashMap<>();
    private final Map<String, Deque<Instant>> callsPerKind = new HashMap<>();
    private volatile Duration switchTime = Duration.ZERO;
    private volatile boolean maintenance;
    private volatile int failedLogins;
    private volatile Instant blockedUntil = Instant.MIN;
    private volatile int getLimit = 100;
    private volatile int postLimit = 50;
    private volatile String failNextSwitch;
    private volatile boolean failedSwitchMovesAnyway;
    private volatile Duration readDelay = Duration.ZERO;

    /** Serves on an ephemeral port of 127.0.0.1. */
    public HetznerRobotStandIn() throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Serves on {@code bind}, in the network namespace of the calling thread. */
    public HetznerRobotStandIn(InetSocketAddress bind) throws IOException {
        routedTo.put(FAILOVER_IP, OTHER_SERVER_IP);
        routedTo.put(FAILOVER_NET6, "2001:db8:9:9::");
        server = HttpServer.create(bind, 0);
        server.setExecutor(org.vrrp4j.testkit.lab.NetworkNamespaces.platformExecutor("stand-in"));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The {@code api_url} for a provider. */
    public URI api() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /** Where a failover IP is routed ({@code active_server_ip}), null when unrouted. */
    public String activeServerIp(String failoverIp) {
        String s = routedTo.get(failoverIp);
        return s == null || s.isEmpty() ? null : s;
    }

    /** Routes a failover IP (a scenario's start; null: unrouted). */
    public void route(String failoverIp, String serverIp) {
        routedTo.put(failoverIp, serverIp == null ? "" : serverIp);
    }

    /** How long a switch takes (Hetzner: 40 to 60 s); the POST answers when it is done. */
    public void switchTime(Duration d) {
        switchTime = d;
    }

    /** Every call answers 503 while on. */
    public void maintenance(boolean on) {
        maintenance = on;
    }

    /** The hourly limits of {@code GET /failover/{ip}} (100) and {@code POST /failover/{ip}} (50). */
    public void limits(int getsPerHour, int postsPerHour) {
        getLimit = getsPerHour;
        postLimit = postsPerHour;
    }

    /**
     * The next switch answers 500 with this code ({@code FAILOVER_FAILED} or {@code FAILOVER_NOT_COMPLETE});
     * {@code movesAnyway}: whether the routing changed all the same (the reference leaves it open).
     */
    public void failNextSwitch(String code, boolean movesAnyway) {
        failNextSwitch = code;
        failedSwitchMovesAnyway = movesAnyway;
    }

    /** A read answers this late, with the state as it was when the read arrived (a slow network, a busy API). */
    public void readDelay(Duration d) {
        readDelay = d;
    }

    /** Every request received, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many requests of a method arrived. */
    public long count(String method) {
        return requests.stream().filter(r -> r.method().equals(method)).count();
    }

    /** Failed logins since the last good one (three block the caller). */
    public int failedLogins() {
        return failedLogins;
    }

    /** Whether the caller is blocked now (after three failed logins, for ten minutes). */
    public boolean blocked() {
        return Instant.now().isBefore(blockedUntil);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        String method = ex.getRequestMethod();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        Duration delay = readDelay; // as set when the request arrived (tests change it once they saw the request)
        requests.add(new Request(method, path, body, auth));
        try {
            if (blocked()) {
                send(ex, 401, error(401, "UNAUTHORIZED", "Unauthorized (blocked after failed logins)"));
                return;
            }
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(auth)) {
                if (++failedLogins >= 3) {
                    blockedUntil = Instant.now().plus(Duration.ofMinutes(10));
                }
                send(ex, 401, error(401, "UNAUTHORIZED", "Unauthorized"));
                return;
            }
            failedLogins = 0;
            if (maintenance) {
                send(ex, 503, error(503, "MAINTENANCE", "The webservice is in maintenance"));
                return;
            }
            if (path.equals("/failover") && method.equals("GET")) {
                if (!count("GET /failover", getLimit, ex)) {
                    return;
                }
                StringBuilder b = new StringBuilder("[");
                for (String ip : routedTo.keySet()) {
                    b.append(b.length() > 1 ? "," : "").append(failover(ip));
                }
                send(ex, 200, b.append("]").toString());
                return;
            }
            if (!path.startsWith("/failover/")) {
                send(ex, 404, error(404, "NOT_FOUND", "Not found"));
                return;
            }
            String ip = path.substring("/failover/".length());
            if (!routedTo.containsKey(ip)) {
                send(ex, 404, error(404, "NOT_FOUND", "Failover IP not found"));
                return;
            }
            switch (method) {
                case "GET" -> {
                    if (count("GET /failover/{ip}", getLimit, ex)) {
                        String state = failover(ip);
                        Thread.sleep(delay.toMillis());
                        send(ex, 200, state);
                    }
                }
                case "POST" -> {
                    if (count("POST /failover/{ip}", postLimit, ex)) {
                        routeRequest(ex, ip, StandInHttp.form(body));
                    }
                }
                case "DELETE" -> {
                    if (count("DELETE /failover/{ip}", postLimit, ex)) {
                        routedTo.put(ip, "");
                        send(ex, 200, failover(ip));
                    }
                }
                default -> send(ex, 405, error(405, "METHOD_NOT_ALLOWED", "Method not allowed"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (a cancelled or timed-out exchange)
        }
    }

    private void routeRequest(HttpExchange ex, String ip, Map<String, String> form) throws IOException, InterruptedException {
        String target = form.get("active_server_ip");
        boolean v6 = ip.contains(":");
        if (target == null || target.isBlank()) {
            send(ex, 400, "{\"error\":{\"status\":400,\"code\":\"INVALID_INPUT\",\"message\":\"invalid input\","
                    + "\"missing\":[\"active_server_ip\"],\"invalid\":null}}");
            return;
        }
        if (!(v6 ? SERVER_NETS6 : SERVER_IPS).contains(target)) {
            send(ex, 404, error(404, "FAILOVER_NEW_SERVER_NOT_FOUND", "The new server was not found"));
            return;
        }
        Instant now = Instant.now();
        synchronized (this) {
            Instant busy = switchingUntil.get(ip);
            if (busy != null && now.isBefore(busy)) {
                send(ex, 409, error(409, "FAILOVER_LOCKED", "The failover IP is locked: a switch is in progress"));
                return;
            }
            if (target.equals(routedTo.get(ip))) {
                send(ex, 409, error(409, "FAILOVER_ALREADY_ROUTED", "The failover IP is already routed to this server"));
                return;
            }
            switchingUntil.put(ip, now.plus(switchTime));
        }
        String fail = failNextSwitch;
        failNextSwitch = null;
        try {
            Thread.sleep(switchTime.toMillis()); // synchronous: the answer comes when the switch is done
        } finally {
            if (fail == null || failedSwitchMovesAnyway) {
                routedTo.put(ip, target); // completes even when the client gave up waiting
            }
            switchingUntil.remove(ip);
        }
        if (fail != null) {
            send(ex, 500, error(500, fail, "Switching the failover IP failed"));
            return;
        }
        send(ex, 200, failover(ip));
    }

    /** Counts a call of one kind against its hourly limit; answers 403 RATE_LIMIT_EXCEEDED when it is used up. */
    private boolean count(String kind, int perHour, HttpExchange ex) throws IOException {
        Instant now = Instant.now();
        synchronized (callsPerKind) {
            Deque<Instant> calls = callsPerKind.computeIfAbsent(kind, k -> new ArrayDeque<>());
            calls.removeIf(t -> t.isBefore(now.minus(Duration.ofHours(1))));
            if (calls.size() < perHour) {
                calls.add(now);
                return true;
            }
        }
        send(ex, 403, "{\"error\":{\"status\":403,\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"Rate limit exceeded\","
                + "\"max_request\":" + perHour + ",\"interval\":3600}}");
        return false;
    }

    private String failover(String ip) {
        boolean v6 = ip.contains(":");
        String active = routedTo.get(ip);
        return "{\"failover\":{\"ip\":" + quote(ip) + ",\"netmask\":" + quote(v6 ? "ffff:ffff:ffff:ffff::" : "255.255.255.255")
                + ",\"server_ip\":" + quote(v6 ? "198.18.9.9" : OTHER_SERVER_IP) + ",\"server_ipv6_net\":\"2001:db8:9:9::\","
                + "\"server_number\":321,\"active_server_ip\":" + (active == null || active.isEmpty() ? "null" : quote(active)) + "}}";
    }

    private static String error(int status, String code, String message) {
        return "{\"error\":{\"status\":" + status + ",\"code\":" + quote(code) + ",\"message\":" + quote(message) + "}}";
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.stop(0);
    }
}
