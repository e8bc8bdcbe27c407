package org.vrrp4j.testkit.netcup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for netcup's SCP on 127.0.0.1, behaving as ../shared/netcup/FACTS.md describes: the
 * Keycloak token endpoint (device flow, refresh with rotation, offline tokens that die after 30 idle
 * days), servers ({@code name} and {@code q} filters), failover IPs (v4 and v6, unrouted, not editable),
 * PATCH answered with an asynchronous task, task polling (and tasks that are gone: 404), the routing
 * request count (10 per 5 minutes, 20 per 60 minutes: 429 without Retry-After), 503 maintenance, 422
 * validation errors, 400/401/404. Time is its own clock, which tests advance. Knobs let tests inject the
 * faults they need; the demo and the daemon's end-to-end tests run it inside a
 * network namespace. Written from the API's documentation, not from the client it tests.
 */
public final class NetcupRestStandIn implements AutoCloseable {
    /** The user id inside the tokens it issues. */
    public static final String USER_ID = "4711";
    /** The failover IPv4 this SCP knows. */
    public static final String FAILOVER_V4 = "198.18.200.7";
    /** The failover IPv6 network it knows. */
    public static final String FAILOVER_V6 = "2001:db8:4:5::";
    /** The refresh token it accepts at first; put it in a provider's token file. */
    public static final String INITIAL_REFRESH_TOKEN = "refresh-token-initial-SECRET";
    /** The two servers' ids (names v2201901234567890 and v2201909876543210); the IPs start routed to the first. */
    public static final long SERVER_1 = 101;
    /** The second server's id. */
    public static final long SERVER_2 = 102;
    /** A third server's id (name v2201905555555555), for labs of three nodes. */
    public static final long SERVER_3 = 103;

    /** One request as received, with its arrival time ({@link System#nanoTime()}). */
    public record Request(String method, String path, String body, String authorization, long atNanos) {
    }

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    /** refresh token -> when it was issued or last used (offline tokens die after 30 idle days) */
    private final Map<String, Instant> validRefreshTokens = new ConcurrentHashMap<>();
    private final Set<String> validAccessTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicInteger tokenCounter = new AtomicInteger();
    private final Map<String, Long> routedTo = new ConcurrentHashMap<>(Map.of(FAILOVER_V4, 101L, FAILOVER_V6, 101L));
    private final Map<String, Integer> taskPolls = new ConcurrentHashMap<>();
    private final Map<String, String[]> tasks = new ConcurrentHashMap<>(); // uuid -> {ip, serverId}
    private volatile int pollsUntilFinished = 2;
    private volatile String taskEndState = "FINISHED";
    volatile boolean rateLimited;
    private volatile Duration clockOffset = Duration.ZERO;
    private final Deque<Instant> routingRequests = new ArrayDeque<>();
    private volatile int limitPer5Minutes = 10;
    private volatile int limitPer60Minutes = 20;
    private volatile Long retryAfterSeconds;
    private volatile boolean maintenance;
    private volatile boolean rejectRoutingAs422;
    private volatile boolean answerWithoutTask;
    private volatile boolean tasksGone;
    private volatile boolean routingTakesEffect = true;
    private final Set<String> notEditable = ConcurrentHashMap.newKeySet();
    /** routedTo holds this for an IP routed to no server ({@code "server": null} in the API) */
    private static final long UNROUTED = 0;
    volatile long delayMillis;
    private volatile String delayOnlyFor = "";
    private volatile int devicePendingPolls = 2;
    volatile boolean wrapLists;
    private volatile int expiresIn = 300;
    /** with a routing time set: the real time a routing takes from its PATCH; tasks finish then, not by polls */
    private volatile Duration routingTakes;
    private final Map<String, Long> taskDoneAtNanos = new ConcurrentHashMap<>();
    private final Map<String, Long> routedAtNanos = new ConcurrentHashMap<>();

    /** Serves on an ephemeral port of 127.0.0.1. */
    public NetcupRestStandIn() throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Serves on {@code bind}, in the network namespace of the calling thread. */
    public NetcupRestStandIn(InetSocketAddress bind) throws IOException {
        server = HttpServer.create(bind, 0);
        server.setExecutor(org.vrrp4j.testkit.lab.NetworkNamespaces.platformExecutor("stand-in"));
        server.createContext("/", this::handle);
        server.start();
        validRefreshTokens.put(INITIAL_REFRESH_TOKEN, now());
    }

    /** The base URL. */
    public URI base() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /** The {@code api_url} for a provider. */
    public URI api() {
        return URI.create(base() + "/scp-core");
    }

    /** The {@code auth_url} for a provider. */
    public URI realm() {
        return URI.create(base() + "/realms/scp");
    }

    /** Accepts one more refresh token (each node of a pair logs in on its own). */
    public void acceptRefreshToken(String token) {
        validRefreshTokens.put(token, now());
    }

    /** Routes the failover IPv4 to a server (the state a scenario starts from). */
    public void routeV4To(long serverId) {
        routedTo.put(FAILOVER_V4, serverId);
    }

    /** The server id the failover IPv4 is routed to now. */
    public long routedServerV4() {
        return routedTo.get(FAILOVER_V4);
    }

    /** Every request received, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many refresh-token grants succeeded. */
    public int refreshes() {
        return refreshes.get();
    }

    /** Routes a failover IP ({@link #FAILOVER_V4} or {@link #FAILOVER_V6}) to a server. */
    public void route(String ip, long serverId) {
        routedTo.put(ip, serverId);
    }

    /** The server a failover IP is routed to now (0: routed to no server). */
    public long routedServer(String ip) {
        return routedTo.get(ip);
    }

    /** A routing task answers RUNNING this many polls before its end state. */
    public void pollsUntilFinished(int polls) {
        pollsUntilFinished = polls;
    }

    /** The state a routing task ends in: FINISHED (the IP moves) or ERROR. */
    public void taskEndState(String state) {
        taskEndState = state;
    }

    /** Routing answers 429 while on (as when the request count is used up). */
    public void rateLimited(boolean on) {
        rateLimited = on;
    }

    /** The routing request count per account: netcup's is 10 per 5 minutes and 20 per 60 minutes. */
    public void routingLimits(int per5Minutes, int per60Minutes) {
        limitPer5Minutes = per5Minutes;
        limitPer60Minutes = per60Minutes;
    }

    /** A 429 carries {@code Retry-After: seconds} (null: none, as netcup documents). */
    public void retryAfter(Long seconds) {
        retryAfterSeconds = seconds;
    }

    /**
     * Routing takes {@code d} of real time from the PATCH: the IP is routed then (whether or not anyone polls)
     * and its task is FINISHED from then on; null goes back to tasks that finish after a number of polls.
     */
    public void routingTakes(Duration d) {
        routingTakes = d;
    }

    /** When (System.nanoTime) the IP was last routed to a server, if it was since the start. */
    public java.util.Optional<Long> routedAtNanos(String ip) {
        return java.util.Optional.ofNullable(routedAtNanos.get(ip));
    }

    /** Access tokens it issues live this long (netcup's: 300 s). */
    public void accessTokensLive(Duration d) {
        expiresIn = (int) d.toSeconds();
    }

    /** Moves this SCP's clock on (token idle expiry, the routing windows). */
    public void advanceClock(Duration by) {
        clockOffset = clockOffset.plus(by);
    }

    private Instant now() {
        return Instant.now().plus(clockOffset);
    }

    /** Every API call answers 503 "Node is in maintenance mode" while on. */
    public void maintenance(boolean on) {
        maintenance = on;
    }

    /** Routing answers 422 with a ValidationError while on. */
    public void rejectRoutingAs422(boolean on) {
        rejectRoutingAs422 = on;
    }

    /** Routing answers 204 without a task (the change applies at once, if it takes effect). */
    public void answerWithoutTask(boolean on) {
        answerWithoutTask = on;
    }

    /** Task polls answer 404 (the task is gone); the change applies when routed, if it takes effect. */
    public void tasksGone(boolean on) {
        tasksGone = on;
    }

    /** Whether an accepted routing change actually moves the IP (off: netcup lost it). */
    public void routingTakesEffect(boolean on) {
        routingTakesEffect = on;
    }

    /** Routes a failover IP to no server ({@code "server": null}). */
    public void unroute(String ip) {
        routedTo.put(ip, UNROUTED);
    }

    /** Whether this account may route a failover IP ({@code editable}). */
    public void editable(String ip, boolean on) {
        if (on) {
            notEditable.remove(ip);
        } else {
            notEditable.add(ip);
        }
    }

    /** Each request whose path contains {@code pathPart} is answered after {@code millis}. */
    public void delay(long millis, String pathPart) {
        delayOnlyFor = pathPart;
        delayMillis = millis;
    }

    /** Lists come wrapped in {@code {"content": [...]}} (a paged form the client must also read). */
    public void wrapLists(boolean on) {
        wrapLists = on;
    }

    /** How many PATCH requests (routing changes) arrived. */
    public long patches() {
        return requests.stream().filter(r -> r.method().equals("PATCH")).count();
    }

    /** Expires every access token now (a token that runs out mid-flow). */
    public void expireAccessTokens() {
        validAccessTokens.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        long arrived = System.nanoTime(); // when the request reached the service, before reading it
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        requests.add(new Request(ex.getRequestMethod(), path + (query == null ? "" : "?" + query), body,
                ex.getRequestHeaders().getFirst("Authorization"), arrived));
        try {
            if (delayMillis > 0 && path.contains(delayOnlyFor)) {
                Thread.sleep(delayMillis);
            }
            if (path.startsWith("/realms/scp/protocol/openid-connect/")) {
                oidc(ex, path.substring("/realms/scp/protocol/openid-connect/".length()), form(body));
            } else if (path.startsWith("/scp-core/api/v1/")) {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth == null || !auth.startsWith("Bearer ") || !validAccessTokens.contains(auth.substring(7))) {
                    send(ex, 401, "{\"code\":\"unauthorized\",\"message\":\"token expired or invalid\"}");
                    return;
                }
                api(ex, path.substring("/scp-core/api/v1/".length()), query, body);
            } else {
                send(ex, 404, "{}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (a cancelled exchange)
        }
    }

    private void oidc(HttpExchange ex, String what, Map<String, String> form) throws IOException {
        if (what.equals("auth/device")) {
            if (!"scp".equals(form.get("client_id")) || !String.valueOf(form.get("scope")).contains("offline_access")) {
                send(ex, 400, "{\"error\":\"invalid_client\"}");
                return;
            }
            send(ex, 200, "{\"device_code\":\"device-code-SECRET\",\"user_code\":\"WXYZ-1234\","
                    + "\"verification_uri\":\"https://example.invalid/device\","
                    + "\"verification_uri_complete\":\"https://example.invalid/device?user_code=WXYZ-1234\","
                    + "\"interval\":1,\"expires_in\":600}");
            return;
        }
        if (!what.equals("token") || !"scp".equals(form.get("client_id"))) {
            send(ex, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        switch (String.valueOf(form.get("grant_type"))) {
            case "refresh_token" -> {
                String rt = form.get("refresh_token");
                Instant lastUse = rt == null ? null : validRefreshTokens.remove(rt);
                if (lastUse == null || lastUse.plus(Duration.ofDays(30)).isBefore(now())) {
                    send(ex, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token is not active\"}");
                    return;
                }
                refreshes.incrementAndGet();
                send(ex, 200, tokens());
            }
            case "urn:ietf:params:oauth:grant-type:device_code" -> {
                if (!"device-code-SECRET".equals(form.get("device_code"))) {
                    send(ex, 400, "{\"error\":\"invalid_grant\"}");
                } else if (devicePendingPolls-- > 0) {
                    send(ex, 400, "{\"error\":\"authorization_pending\"}");
                } else {
                    send(ex, 200, tokens());
                }
            }
            default -> send(ex, 400, "{\"error\":\"unsupported_grant_type\"}");
        }
    }

    private String tokens() {
        int n = tokenCounter.incrementAndGet();
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"id\":\"" + USER_ID + "\",\"sub\":\"f00\",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
        String access = "eyJhbGciOiJub25lIn0." + payload + ".ACCESS-SECRET-" + n;
        String refresh = "refresh-token-" + n + "-SECRET";
        validAccessTokens.add(access);
        validRefreshTokens.put(refresh, now());
        return "{\"access_token\":\"" + access + "\",\"expires_in\":" + expiresIn + ",\"refresh_token\":\"" + refresh
                + "\",\"token_type\":\"Bearer\"}";
    }

    private void api(HttpExchange ex, String path, String query, String body) throws IOException {
        Map<String, String> q = form(query == null ? "" : query);
        if (path.equals("servers")) {
            ArrayNode a = json.createArrayNode();
            a.addObject().put("id", 101).put("name", "v2201901234567890").put("nickname", "s1");
            a.addObject().put("id", 102).put("name", "v2201909876543210").put("nickname", "s2");
            a.addObject().put("id", 103).put("name", "v2201905555555555").put("nickname", "s3");
            sendList(ex, filterServers(a, q));
            return;
        }
        if (path.matches("servers/\\d+/interfaces")) { // a server's interfaces: how a numeric server id is proven
            long id = Long.parseLong(path.substring("servers/".length(), path.indexOf("/interfaces")));
            if (id != SERVER_1 && id != SERVER_2 && id != SERVER_3) {
                send(ex, 404, "{\"code\":\"not_found\",\"message\":\"Server not found.\"}");
                return;
            }
            ArrayNode a = json.createArrayNode();
            a.addObject().put("mac", String.format("02:00:00:00:00:%02x", id)).put("driver", "virtio");
            sendList(ex, a);
            return;
        }
        if (maintenance) {
            send(ex, 503, "{\"code\":\"maintenance\",\"message\":\"Node is in maintenance mode\"}");
            return;
        }
        if (path.startsWith("tasks/")) {
            sendTask(ex, path.substring("tasks/".length()));
            return;
        }
        String users = "users/" + USER_ID + "/";
        if (!path.startsWith(users)) {
            send(ex, 403, "{\"code\":\"forbidden\",\"message\":\"not your user\"}");
            return;
        }
        String rest = path.substring(users.length());
        if (rest.equals("failoverips/v4") || rest.equals("failoverips/v6")) {
            boolean v6 = rest.endsWith("v6");
            ArrayNode a = json.createArrayNode();
            String ip = v6 ? FAILOVER_V6 : FAILOVER_V4;
            if (v6 || q.get("ip") == null || ip.equals(q.get("ip"))) {
                ObjectNode o = a.addObject().put("id", v6 ? 8 : 7).put("editable", !notEditable.contains(ip));
                if (v6) {
                    o.put("networkPrefix", ip).put("networkPrefixLength", 64);
                } else {
                    o.put("ip", ip).put("cidrSuffix", 32);
                }
                o.putObject("site").put("id", 1).put("city", "Nuremberg");
                long sid = routedTo.get(ip);
                if (sid == UNROUTED) {
                    o.putNull("server");
                } else {
                    o.putObject("server").put("id", sid).put("name", sid == 101 ? "v2201901234567890"
                            : sid == 103 ? "v2201905555555555" : "v2201909876543210");
                }
            }
            sendList(ex, a);
            return;
        }
        if (rest.startsWith("failoverips/v4/") || rest.startsWith("failoverips/v6/")) {
            boolean v6 = rest.startsWith("failoverips/v6/");
            String id = rest.substring("failoverips/v4/".length());
            if (!ex.getRequestMethod().equals("PATCH") || !id.equals(v6 ? "8" : "7")) {
                send(ex, 404, "{\"code\":\"not_found\",\"message\":\"Failover IPv4 or server not found.\"}");
                return;
            }
            String ip = v6 ? FAILOVER_V6 : FAILOVER_V4;
            JsonNode b;
            try {
                b = json.readTree(body.isBlank() ? "{}" : body);
            } catch (IOException e) {
                b = null;
            }
            if (rejectRoutingAs422 || b == null || !b.isObject() || (b.has("serverId") && !b.path("serverId").isIntegralNumber())) {
                send(ex, 422, "{\"code\":\"validation_error\",\"message\":\"Validation failed\","
                        + "\"errors\":[{\"field\":\"serverId\",\"message\":\"must be an integer\"}]}");
                return;
            }
            if (notEditable.contains(ip)) {
                send(ex, 400, "{\"code\":\"bad_request\",\"message\":\"Failover IP is not editable.\"}");
                return;
            }
            long serverId = b.has("serverId") ? b.path("serverId").asLong() : UNROUTED;
            if (serverId == 999) {
                send(ex, 400, "{\"code\":\"bad_request\",\"message\":\"Routing is limited to servers within the same site as the failover IP.\"}");
                return;
            }
            if (serverId != 101 && serverId != 102 && serverId != 103 && serverId != UNROUTED) {
                send(ex, 404, "{\"code\":\"not_found\",\"message\":\"Failover IPv4 or server not found.\"}");
                return;
            }
            if (rateLimited || !countRoutingRequest()) {
                if (retryAfterSeconds != null) {
                    ex.getResponseHeaders().add("Retry-After", Long.toString(retryAfterSeconds));
                }
                send(ex, 429, "{\"code\":\"too_many_requests\",\"message\":\"Too many failover IP routing requests: "
                        + "limited to 10 requests per 5 minutes and 20 requests per 60 minutes.\"}");
                return;
            }
            if (answerWithoutTask || tasksGone) {
                if (routingTakesEffect) {
                    routedTo.put(ip, serverId);
                }
                if (answerWithoutTask) {
                    send(ex, 204, "");
                    return;
                }
            }
            String uuid = UUID.randomUUID().toString();
            tasks.put(uuid, new String[] {ip, Long.toString(serverId)});
            taskPolls.put(uuid, 0);
            Duration takes = routingTakes;
            if (takes != null) {
                long doneAt = System.nanoTime() + takes.toNanos();
                taskDoneAtNanos.put(uuid, doneAt);
                Thread.ofPlatform().daemon().start(() -> { // not virtual: see NetworkNamespaces.platformExecutor
                    try {
                        Thread.sleep(Duration.ofNanos(Math.max(0, doneAt - System.nanoTime())));
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (routingTakesEffect) {
                        routedTo.put(ip, serverId);
                        routedAtNanos.put(ip, System.nanoTime());
                    }
                });
            }
            send(ex, 202, "{\"uuid\":\"" + uuid + "\",\"name\":\"Route failover IP\",\"state\":\"PENDING\",\"steps\":[]}");
            return;
        }
        send(ex, 404, "{\"code\":\"not_found\",\"message\":\"no such resource\"}");
    }

    /** Tasks are global in the API: /api/v1/tasks/{uuid}. */
    private void sendTask(HttpExchange ex, String uuid) throws IOException {
        String[] t = tasks.get(uuid);
        if (t == null || tasksGone) {
            send(ex, 404, "{\"code\":\"not_found\",\"message\":\"task not found\"}");
            return;
        }
        int polls = taskPolls.merge(uuid, 1, Integer::sum);
        Long doneAt = taskDoneAtNanos.get(uuid);
        String state = doneAt != null ? (System.nanoTime() - doneAt >= 0 ? taskEndState : "RUNNING")
                : polls >= pollsUntilFinished ? taskEndState : "RUNNING";
        if (state.equals("FINISHED") && routingTakesEffect) {
            routedTo.put(t[0], Long.parseLong(t[1]));
        }
        ObjectNode o = json.createObjectNode().put("uuid", uuid).put("state", state);
        if (state.equals("ERROR")) {
            o.putObject("responseError").put("code", "internal").put("message", "routing backend unavailable");
        }
        send(ex, 200, o.toString());
    }

    /** {@code name=} matches the server's name only; {@code q=} its name or nickname (both as substrings). */
    private static ArrayNode filterServers(ArrayNode all, Map<String, String> q) {
        ArrayNode out = all.arrayNode();
        for (JsonNode s : all) {
            String name = s.path("name").asText().toLowerCase(java.util.Locale.ROOT);
            String nick = s.path("nickname").asText().toLowerCase(java.util.Locale.ROOT);
            String byName = q.getOrDefault("name", "").toLowerCase(java.util.Locale.ROOT);
            String search = q.getOrDefault("q", "").toLowerCase(java.util.Locale.ROOT);
            if (name.contains(byName) && (name.contains(search) || nick.contains(search))) {
                out.add(s);
            }
        }
        return out;
    }

    /** Counts one routing request against the account's windows; false when one is used up. */
    private synchronized boolean countRoutingRequest() {
        Instant now = now();
        routingRequests.removeIf(t -> t.isBefore(now.minus(Duration.ofMinutes(60))));
        long last5 = routingRequests.stream().filter(t -> t.isAfter(now.minus(Duration.ofMinutes(5)))).count();
        if (last5 >= limitPer5Minutes || routingRequests.size() >= limitPer60Minutes) {
            return false;
        }
        routingRequests.add(now);
        return true;
    }

    private void sendList(HttpExchange ex, ArrayNode a) throws IOException {
        if (wrapLists) {
            ObjectNode o = json.createObjectNode();
            o.set("content", a);
            send(ex, 200, o.toString());
        } else {
            send(ex, 200, a.toString());
        }
    }

    private void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (var os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private static Map<String, String> form(String text) {
        Map<String, String> m = new HashMap<>();
        for (String kv : text.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.stop(0);
    }
}
