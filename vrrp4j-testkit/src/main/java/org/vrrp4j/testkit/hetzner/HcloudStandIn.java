package org.vrrp4j.testkit.hetzner;

import static org.vrrp4j.testkit.hetzner.StandInHttp.quote;
import static org.vrrp4j.testkit.hetzner.StandInHttp.send;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the Hetzner Cloud API ({@code /v1}) on a loopback (or lab) address, written from the Cloud
 * API reference as ../shared/hetzner/FACTS.md (part A) summarises it: Bearer tokens (read-write, read-only:
 * {@code token_readonly}), Floating IPs (listed page by page, {@code name} filter, no address filter; assign
 * and unassign as asynchronous actions), servers ({@code public_net.floating_ips}, {@code private_net} with
 * {@code alias_ips}), a private Network, {@code change_alias_ips} replacing a server's whole list, actions
 * ({@code running} for a while, then {@code success} or {@code error}; a second action on a busy resource is
 * {@code 423 locked}), the hourly request budget with its {@code RateLimit-*} headers and {@code 429
 * rate_limit_exceeded}, and the error shape {@code {"error":{"code","message","details"}}}. Knobs inject the
 * faults: 401/403, 404, locked, conflict, 5xx/unavailable, slow actions, actions ending in error. The state
 * changes when an action succeeds.
 */
public final class HcloudStandIn implements AutoCloseable {
    /** The read-write API token it accepts. */
    public static final String TOKEN = "hcloud-read-write-token-SECRET";
    /** A read-only token of the same project. */
    public static final String READONLY_TOKEN = "hcloud-read-only-token-SECRET";
    /** The servers s1, s2, s3 (names {@code s1}...), ids 42, 43, 44. */
    public static final List<Long> SERVERS = List.of(42L, 43L, 44L);
    /** A server of the project outside the lab (where the Floating IP starts). */
    public static final long OTHER_SERVER = 99;
    /** The Floating IPv4 the tests move, listed last (behind {@link #FILLERS} others: it is found on a later page). */
    public static final String FLOATING_IPV4 = "198.18.200.9";
    /** Its id. */
    public static final long FLOATING_IPV4_ID = 4711;
    /** A Floating IPv6 (a /64; the API lists it as a network). */
    public static final String FLOATING_IPV6 = "2001:db8:9:1::/64";
    /** Its id. */
    public static final long FLOATING_IPV6_ID = 4712;
    /** How many other Floating IPs the project has. */
    public static final int FILLERS = 60;
    /** The private Network: id, name, range. */
    public static final long NETWORK_ID = 9000;
    /** The Network's name. */
    public static final String NETWORK_NAME = "vrrp-lan";
    /** The alias IP the tests move: the lab's virtual address, inside the Network's range. */
    public static final String ALIAS_IP = "198.18.1.100";
    /** An alias IP s1 and s2 each keep throughout (198.18.1.11, .12, .13 by server): moves must not drop it. */
    public static String otherAlias(int n) {
        return "198.18.1." + (10 + n);
    }

    /** One request as received. */
    public record Request(String method, String path, String body, String authorization) {
        /** Without the Authorization header's value: test reports are logs too. */
        @Override
        public String toString() {
            return method + " " + path + (body.isEmpty() ? "" : " " + body);
        }
    }

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<Long, String> floatingIps = new TreeMap<>(); // id -> ip
    private final Map<Long, Long> assigned = new TreeMap<>(); // floating IP id -> server id (absent: none)
    private final Map<Long, List<String>> aliases = new TreeMap<>(); // server id -> alias IPs in the Network
    private final Map<Long, Action> actions = new TreeMap<>();
    private final AtomicLong actionIds = new AtomicLong(1000);
    private volatile Duration actionTime = Duration.ofMillis(300);
    private volatile boolean actionsFail;
    private volatile boolean unavailable;
    private volatile boolean forbidden;
    private volatile boolean ipv6WithoutPrefix;
    private final AtomicInteger lockedNext = new AtomicInteger();
    private final AtomicInteger conflictNext = new AtomicInteger();
    private final AtomicInteger serverErrorNext = new AtomicInteger();
    // the budget: refills continuously at limit per hour
    private long limit = 3600;
    private double remaining = 3600;
    private Instant refilledAt = Instant.now();

    private final class Action {
        final long id;
        final String command;
        final String resources;
        final long lockKey;
        final Instant done;
        final boolean fails;
        final Runnable effect;
        String status = "running";

        Action(String command, String resources, long lockKey, Runnable effect) {
            this.id = actionIds.incrementAndGet();
            this.command = command;
            this.resources = resources;
            this.lockKey = lockKey;
            this.done = Instant.now().plus(actionTime);
            this.fails = actionsFail;
            this.effect = effect;
        }

        String json() {
            boolean finished = !status.equals("running");
            return "{\"id\":" + id + ",\"command\":" + quote(command) + ",\"status\":" + quote(status) + ",\"progress\":"
                    + (finished ? 100 : 50) + ",\"started\":\"2026-12-01T00:00:00+00:00\",\"finished\":"
                    + (finished ? "\"2026-12-01T00:00:01+00:00\"" : "null") + ",\"resources\":" + resources + ",\"error\":"
                    + (status.equals("error") ? "{\"code\":\"action_failed\",\"message\":\"Action failed\"}" : "null") + "}";
        }
    }

    /** Serves on an ephemeral port of 127.0.0.1. */
    public HcloudStandIn() throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Serves on {@code bind}, in the network namespace of the calling thread. */
    public HcloudStandIn(InetSocketAddress bind) throws IOException {
        for (int i = 0; i < FILLERS; i++) {
            floatingIps.put(5000L + i, "198.18.201." + (i + 1));
        }
        floatingIps.put(FLOATING_IPV6_ID, FLOATING_IPV6);
        floatingIps.put(FLOATING_IPV4_ID, FLOATING_IPV4);
        assigned.put(FLOATING_IPV4_ID, OTHER_SERVER);
        assigned.put(FLOATING_IPV6_ID, OTHER_SERVER);
        for (int n = 1; n <= SERVERS.size(); n++) {
            aliases.put(SERVERS.get(n - 1), new ArrayList<>(List.of(otherAlias(n))));
        }
        aliases.put(OTHER_SERVER, new ArrayList<>(List.of(ALIAS_IP)));
        server = HttpServer.create(bind, 0);
        server.setExecutor(org.vrrp4j.testkit.lab.NetworkNamespaces.platformExecutor("stand-in"));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The {@code api_url} for a provider. */
    public URI api() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/v1");
    }

    /** The server a Floating IP is assigned to, or -1. */
    public synchronized long assignedServer(long floatingIpId) {
        settle();
        return assigned.getOrDefault(floatingIpId, -1L);
    }

    /** Assigns a Floating IP at once (a scenario's start; -1: to no server). */
    public synchronized void assign(long floatingIpId, long serverId) {
        if (serverId < 0) {
            assigned.remove(floatingIpId);
        } else {
            assigned.put(floatingIpId, serverId);
        }
    }

    /** A server's alias IPs in the Network, now. */
    public synchronized List<String> aliasIps(long serverId) {
        settle();
        return List.copyOf(aliases.getOrDefault(serverId, List.of()));
    }

    /** The servers that hold {@code ip} as an alias IP now. */
    public synchronized List<Long> aliasHolders(String ip) {
        settle();
        return aliases.entrySet().stream().filter(e -> e.getValue().contains(ip)).map(Map.Entry::getKey).toList();
    }

    /** Gives a server its alias IP list at once (a scenario's start). */
    public synchronized void setAliasIps(long serverId, List<String> ips) {
        aliases.put(serverId, new ArrayList<>(ips));
    }

    /** How long an action runs before its end state. */
    public void actionTime(Duration d) {
        actionTime = d;
    }

    /** Actions started from now on end in {@code error} (and change nothing) while on. */
    public void actionsFail(boolean on) {
        actionsFail = on;
    }

    /** Every request answers 503 {@code unavailable} while on. */
    public void unavailable(boolean on) {
        unavailable = on;
    }

    /** Every request answers 403 {@code forbidden} while on. */
    public void forbidden(boolean on) {
        forbidden = on;
    }

    /** IPv6 Floating IPs are written without their {@code /64} while on (the reference's sample writes it). */
    public void ipv6WithoutPrefix(boolean on) {
        ipv6WithoutPrefix = on;
    }

    /** The next {@code n} action requests answer 423 {@code locked}. */
    public void lockedNext(int n) {
        lockedNext.set(n);
    }

    /** The next {@code n} action requests answer 409 {@code conflict}. */
    public void conflictNext(int n) {
        conflictNext.set(n);
    }

    /** The next {@code n} requests answer 500 {@code server_error}. */
    public void serverErrorNext(int n) {
        serverErrorNext.set(n);
    }

    /** The project's budget: {@code limit} per hour, {@code remaining} left now. */
    public synchronized void budget(long limit, long remaining) {
        this.limit = limit;
        this.remaining = remaining;
        this.refilledAt = Instant.now();
    }

    /** Every request received, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many requests of a method arrived. */
    public long count(String method) {
        return requests.stream().filter(r -> r.method().equals(method)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        String method = ex.getRequestMethod();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        requests.add(new Request(method, path + (query == null ? "" : "?" + query), body, auth));
        try {
            synchronized (this) {
                refill();
                settle();
                Answer a = answer(method, path, StandInHttp.form(query), body, auth);
                budgetHeaders(ex);
                send(ex, a.status, a.body);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private record Answer(int status, String body) {
    }

    private static Answer error(int status, String code, String message) {
        return new Answer(status, "{\"error\":{\"code\":" + quote(code) + ",\"message\":" + quote(message) + ",\"details\":{}}}");
    }

    private Answer answer(String method, String path, Map<String, String> q, String body, String auth) {
        // every request counts against the project's budget, authenticated or not
        if (remaining < 1) {
            return error(429, "rate_limit_exceeded", "limit of " + limit + " requests per hour reached");
        }
        remaining -= 1;
        if (auth == null || !(auth.equals("Bearer " + TOKEN) || auth.equals("Bearer " + READONLY_TOKEN))) {
            return error(401, "unauthorized", "unable to authenticate");
        }
        if (unavailable) {
            return error(503, "unavailable", "service unavailable");
        }
        if (forbidden) {
            return error(403, "forbidden", "insufficient permissions");
        }
        if (serverErrorNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return error(500, "server_error", "internal server error");
        }
        if (!path.startsWith("/v1/")) {
            return error(404, "not_found", "not found");
        }
        String[] p = path.substring(4).split("/");
        if (method.equals("POST")) {
            if (auth.equals("Bearer " + READONLY_TOKEN)) {
                return error(403, "token_readonly", "the token is read-only");
            }
            return post(p, body);
        }
        if (!method.equals("GET")) {
            return error(405, "method_not_allowed", "method not allowed");
        }
        return get(p, q);
    }

    private Answer get(String[] p, Map<String, String> q) {
        switch (p[0]) {
            case "floating_ips" -> {
                if (p.length == 1) {
                    List<String> items = new ArrayList<>();
                    floatingIps.forEach((id, ip) -> {
                        if (!q.containsKey("name") || q.get("name").equals("fip-" + id)) {
                            items.add(floatingIp(id));
                        }
                    });
                    return page("floating_ips", items, q);
                }
                Long id = id(p[1]);
                return id == null || !floatingIps.containsKey(id) ? error(404, "not_found", "Floating IP not found")
                        : new Answer(200, "{\"floating_ip\":" + floatingIp(id) + "}");
            }
            case "servers" -> {
                if (p.length == 1) {
                    List<String> items = new ArrayList<>();
                    for (long id : aliases.keySet()) {
                        if (!q.containsKey("name") || q.get("name").equals(serverName(id))) {
                            items.add(server(id));
                        }
                    }
                    return page("servers", items, q);
                }
                Long id = id(p[1]);
                return id == null || !aliases.containsKey(id) ? error(404, "not_found", "server not found")
                        : new Answer(200, "{\"server\":" + server(id) + "}");
            }
            case "networks" -> {
                if (p.length == 1) {
                    List<String> items = new ArrayList<>();
                    if (!q.containsKey("name") || q.get("name").equals(NETWORK_NAME)) {
                        items.add(network());
                    }
                    return page("networks", items, q);
                }
                return !String.valueOf(NETWORK_ID).equals(p[1]) ? error(404, "not_found", "network not found")
                        : new Answer(200, "{\"network\":" + network() + "}");
            }
            case "actions" -> {
                Long id = p.length > 1 ? id(p[1]) : null;
                Action a = id == null ? null : actions.get(id);
                return a == null ? error(404, "not_found", "action not found") : new Answer(200, "{\"action\":" + a.json() + "}");
            }
            default -> {
                return error(404, "not_found", "not found");
            }
        }
    }

    private Answer post(String[] p, String body) {
        JsonNode b;
        try {
            b = json.readTree(body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return error(400, "json_error", "malformed JSON");
        }
        if (p.length != 4 || !p[2].equals("actions")) {
            return error(404, "not_found", "not found");
        }
        Long id = id(p[1]);
        if (p[0].equals("floating_ips") && id != null && floatingIps.containsKey(id)) {
            if (p[3].equals("assign")) {
                if (!b.path("server").isIntegralNumber()) {
                    return invalid("server", "must be an integer");
                }
                long target = b.path("server").asLong();
                if (!aliases.containsKey(target)) {
                    return error(404, "not_found", "server not found");
                }
                return start("assign_floating_ip", "[{\"id\":" + target + ",\"type\":\"server\"},{\"id\":" + id
                        + ",\"type\":\"floating_ip\"}]", id, () -> assigned.put(id, target));
            }
            if (p[3].equals("unassign")) {
                return start("unassign_floating_ip", "[{\"id\":" + id + ",\"type\":\"floating_ip\"}]", id, () -> assigned.remove(id));
            }
        }
        if (p[0].equals("servers") && id != null && aliases.containsKey(id) && p[3].equals("change_alias_ips")) {
            if (!b.path("network").isIntegralNumber()) {
                return invalid("network", "must be an integer");
            }
            if (!b.path("alias_ips").isArray()) {
                return invalid("alias_ips", "must be a list");
            }
            if (b.path("network").asLong() != NETWORK_ID) {
                return error(404, "server_not_attached_to_network", "server is not attached to this network");
            }
            List<String> list = new ArrayList<>();
            for (JsonNode ip : b.path("alias_ips")) {
                String s = ip.asText();
                if (!s.startsWith("198.18.")) {
                    return invalid("alias_ips", s + " is not in the network's range 198.18.0.0/16");
                }
                for (Map.Entry<Long, List<String>> e : aliases.entrySet()) {
                    if (e.getKey() != (long) id && e.getValue().contains(s)) {
                        return error(409, "ip_not_available", "The provided Network IP is not available");
                    }
                }
                list.add(s);
            }
            return start("change_alias_ips", "[{\"id\":" + id + ",\"type\":\"server\"},{\"id\":" + NETWORK_ID
                    + ",\"type\":\"network\"}]", id, () -> aliases.put(id, list));
        }
        return error(404, "not_found", "not found");
    }

    /** Starts an action on a resource: refused while another runs on it (locked), or by the injected faults. */
    private Answer start(String command, String resources, long lockKey, Runnable effect) {
        if (lockedNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                || actions.values().stream().anyMatch(a -> a.lockKey == lockKey && a.status.equals("running"))) {
            return error(423, "locked", "the resource is locked by another action");
        }
        if (conflictNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return error(409, "conflict", "the resource has changed during the request, please retry");
        }
        Action a = new Action(command, resources, lockKey, effect);
        actions.put(a.id, a);
        return new Answer(201, "{\"action\":" + a.json() + "}");
    }

    /** Ends the actions whose time is up: success applies their effect, error changes nothing. */
    private void settle() {
        Instant now = Instant.now();
        for (Action a : actions.values()) {
            if (a.status.equals("running") && !now.isBefore(a.done)) {
                a.status = a.fails ? "error" : "success";
                if (!a.fails) {
                    a.effect.run();
                }
            }
        }
    }

    private static Answer invalid(String field, String message) {
        return new Answer(400, "{\"error\":{\"code\":\"invalid_input\",\"message\":\"invalid input in field '" + field
                + "'\",\"details\":{\"fields\":[{\"name\":" + quote(field) + ",\"messages\":[" + quote(message) + "]}]}}}");
    }

    /** One page of a list: {@code page} from 1, {@code per_page} default 25, at most 50, with meta.pagination. */
    private static Answer page(String key, List<String> items, Map<String, String> q) {
        int perPage = Math.min(50, Math.max(1, parse(q.get("per_page"), 25)));
        int page = Math.max(1, parse(q.get("page"), 1));
        int last = Math.max(1, (items.size() + perPage - 1) / perPage);
        List<String> slice = items.subList(Math.min(items.size(), (page - 1) * perPage), Math.min(items.size(), page * perPage));
        return new Answer(200, "{" + quote(key) + ":[" + String.join(",", slice) + "],\"meta\":{\"pagination\":{\"page\":" + page
                + ",\"per_page\":" + perPage + ",\"previous_page\":" + (page > 1 ? page - 1 : "null") + ",\"next_page\":"
                + (page < last ? page + 1 : "null") + ",\"last_page\":" + last + ",\"total_entries\":" + items.size() + "}}}");
    }

    private String floatingIp(long id) {
        String ip = floatingIps.get(id);
        if (ipv6WithoutPrefix && ip.contains("/")) {
            ip = ip.substring(0, ip.indexOf('/'));
        }
        Long s = assigned.get(id);
        return "{\"id\":" + id + ",\"name\":\"fip-" + id + "\",\"description\":\"\",\"ip\":" + quote(ip) + ",\"type\":"
                + quote(ip.contains(":") ? "ipv6" : "ipv4") + ",\"server\":" + (s == null ? "null" : s) + ",\"dns_ptr\":[],"
                + "\"home_location\":{\"name\":\"fsn1\"},\"blocked\":false,\"protection\":{\"delete\":false},\"labels\":{},"
                + "\"created\":\"2026-01-01T00:00:00+00:00\"}";
    }

    private static String serverName(long id) {
        int i = SERVERS.indexOf(id);
        return i < 0 ? "other-" + id : "s" + (i + 1);
    }

    private String server(long id) {
        StringBuilder fips = new StringBuilder();
        assigned.forEach((f, s) -> {
            if (s == id) {
                fips.append(fips.isEmpty() ? "" : ",").append(f);
            }
        });
        StringBuilder al = new StringBuilder();
        for (String a : aliases.get(id)) {
            al.append(al.isEmpty() ? "" : ",").append(quote(a));
        }
        return "{\"id\":" + id + ",\"name\":" + quote(serverName(id)) + ",\"status\":\"running\",\"public_net\":{\"ipv4\":"
                + "{\"ip\":\"198.18.100." + (id % 200) + "\"},\"ipv6\":null,\"floating_ips\":[" + fips + "]},\"private_net\":["
                + "{\"network\":" + NETWORK_ID + ",\"ip\":\"198.18.3." + (id % 200) + "\",\"alias_ips\":[" + al
                + "],\"mac_address\":\"86:00:ff:2a:7d:e1\"}]}";
    }

    private String network() {
        StringBuilder servers = new StringBuilder();
        for (long id : aliases.keySet()) {
            servers.append(servers.isEmpty() ? "" : ",").append(id);
        }
        return "{\"id\":" + NETWORK_ID + ",\"name\":" + quote(NETWORK_NAME) + ",\"ip_range\":\"198.18.0.0/16\",\"subnets\":"
                + "[{\"type\":\"cloud\",\"ip_range\":\"198.18.0.0/16\",\"network_zone\":\"eu-central\",\"gateway\":\"198.18.0.1\"}],"
                + "\"routes\":[],\"servers\":[" + servers + "],\"labels\":{}}";
    }

    /** RateLimit-Limit, -Remaining and -Reset (when the budget is full again), on every answer. */
    private void budgetHeaders(HttpExchange ex) {
        long left = (long) Math.floor(remaining);
        long secondsToFull = (long) Math.ceil((limit - remaining) * 3600.0 / limit);
        ex.getResponseHeaders().set("RateLimit-Limit", Long.toString(limit));
        ex.getResponseHeaders().set("RateLimit-Remaining", Long.toString(Math.max(0, left)));
        ex.getResponseHeaders().set("RateLimit-Reset", Long.toString(Instant.now().getEpochSecond() + Math.max(0, secondsToFull)));
    }

    /** Refills the budget continuously; called under the lock before each request. */
    private void refill() {
        Instant now = Instant.now();
        double back = Duration.between(refilledAt, now).toMillis() * limit / 3_600_000.0;
        remaining = Math.min(limit, remaining + back);
        refilledAt = now;
    }

    private static Long id(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int parse(String s, int d) {
        try {
            return s == null ? d : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return d;
        }
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.stop(0);
    }
}
