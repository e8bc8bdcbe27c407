package org.vrrp4j.failover.netcup.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.netcup.FailoverIp;
import org.vrrp4j.failover.netcup.NetcupException;

/**
 * netcup's SCP REST API ({@code scp-core}), the part a failover provider needs: find a failover IP and
 * the server it is routed to, route it to a server ({@code PATCH}, an asynchronous task), and poll the
 * task until it finishes.
 */
public final class NetcupRestClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetcupRestClient.class);

    /** Where a failover IP is routed now, and whether this account may route it. */
    public record Routing(long failoverIpId, Optional<Long> serverId, String serverName, boolean editable) {
        /** "server 102 (v2201909876543210)" or "no server". */
        public String where() {
            return serverId.map(id -> "server " + id + (serverName.isEmpty() ? "" : " (" + serverName + ")")).orElse("no server");
        }
    }

    /** The first 429 backoff without Retry-After; it doubles up to {@link #MAX_BACKOFF}. */
    static final Duration FIRST_BACKOFF = Duration.ofMinutes(5);
    /** netcup's longer window: 20 routing requests per 60 minutes. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(60);

    private final URI api;
    private final HttpClient http;
    private final OidcTokens tokens;
    private final Duration requestTimeout;
    private final Duration taskPoll;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    /** 429s in a row (netcup counts routing requests per account), reset by any other answer */
    private int rateLimitedInARow;

    /**
     * @param api e.g. {@code https://www.servercontrolpanel.de/scp-core}
     */
    public NetcupRestClient(URI api, HttpClient http, OidcTokens tokens, Duration requestTimeout, Duration taskPoll,
            Clock clock) {
        this.api = api;
        this.http = http;
        this.tokens = tokens;
        this.requestTimeout = requestTimeout;
        this.taskPoll = taskPoll;
        this.clock = clock;
    }

    /**
     * The numeric id of a server given as an id or by name: {@code GET /api/v1/servers?name=}, which filters
     * by the server's name only (never its nickname), then the exact name among the answers.
     */
    public long serverId(String server, Cancellation c) throws NetcupException, InterruptedException {
        if (server.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(server);
        }
        List<JsonNode> list = items(call("GET", "/api/v1/servers?name=" + enc(server), null, c, "find server " + server));
        for (JsonNode s : list) {
            if (server.equals(s.path("name").asText())) {
                return s.path("id").asLong();
            }
        }
        throw NetcupException.permanent("netcup has no server named '" + server + "' in this account (server takes the"
                + " server's name, e.g. v2201901234567890, or its numeric id; a nickname is not a name)");
    }

    /**
     * Proves {@code server} exists in this account and returns its id: a name through the {@code name} filter
     * ({@link #serverId}), a numeric id through {@code GET /api/v1/servers/{id}/interfaces}.
     */
    public long proveServer(String server, Cancellation c) throws NetcupException, InterruptedException {
        long id = serverId(server, c);
        if (server.chars().allMatch(Character::isDigit)) {
            call("GET", "/api/v1/servers/" + id + "/interfaces", null, c, "find server " + id);
        }
        return id;
    }

    /** Refreshes the access token with the stored offline token now (netcup voids one unused for 30 days). */
    public void refreshToken(Cancellation c) throws NetcupException, InterruptedException {
        tokens.refreshNow(c);
    }

    /** Where the failover IP is routed now. */
    public Routing locate(FailoverIp ip, Cancellation c) throws NetcupException, InterruptedException {
        String user = tokens.userId(c);
        String path = ip.isIpv6()
                ? "/api/v1/users/" + enc(user) + "/failoverips/v6"
                : "/api/v1/users/" + enc(user) + "/failoverips/v4?ip=" + enc(ip.text());
        for (JsonNode item : items(call("GET", path, null, c, "find failover IP " + ip))) {
            boolean match = ip.isIpv6()
                    ? ip.text().equals(FailoverIp.parse(item.path("networkPrefix").asText("::")).text())
                    : ip.text().equals(item.path("ip").asText());
            if (match) {
                JsonNode server = item.path("server");
                Optional<Long> id = server.isObject() && server.has("id") ? Optional.of(server.path("id").asLong()) : Optional.empty();
                return new Routing(item.path("id").asLong(), id, server.path("name").asText(""),
                        item.path("editable").asBoolean(true));
            }
        }
        throw NetcupException.permanent("failover IP " + ip + " not found in this netcup account");
    }

    /**
     * Routes the failover IP to {@code serverId} and waits for netcup's task to finish (polling every
     * task-poll interval, at most until the context's deadline). Without a task to follow (a 2xx without
     * one, a task that is gone), the IP is looked up: where it is routed now decides.
     */
    public String route(Routing routing, FailoverIp ip, long serverId, FailoverContext ctx)
            throws NetcupException, InterruptedException {
        if (!routing.editable()) {
            throw NetcupException.permanent("failover IP " + ip + " is not editable in this netcup account (editable: false)");
        }
        String user = tokens.userId(ctx.cancellation());
        String path = "/api/v1/users/" + enc(user) + "/failoverips/" + (ip.isIpv6() ? "v6/" : "v4/") + routing.failoverIpId();
        Answer a = exchange("PATCH", path, "{\"serverId\":" + serverId + "}", ctx.cancellation(), "route " + ip);
        if (a.status() == 429) {
            throw rateLimited(a, ctx.now());
        }
        rateLimitedInARow = 0;
        JsonNode task = ok(a);
        String uuid = task.path("uuid").asText("");
        if (uuid.isEmpty()) {
            return confirm(ip, serverId, "netcup answered HTTP " + a.status() + " without a task", ctx);
        }
        LOG.info("netcup: routing {} to server {}, task {}", ip, serverId, uuid);
        while (true) {
            String state = task.path("state").asText("").toUpperCase(Locale.ROOT);
            switch (state) {
                case "FINISHED" -> {
                    return "task " + uuid + " finished";
                }
                case "ERROR", "CANCELED", "ROLLBACK" -> {
                    String message = task.path("responseError").path("message").asText(task.path("message").asText(state));
                    throw NetcupException.retryable("netcup task " + uuid + " ended " + state + ": " + message);
                }
                default -> { }
            }
            if (!ctx.now().plus(taskPoll).isBefore(ctx.deadline())) {
                throw NetcupException.retryable("netcup task " + uuid + " still " + state + " at the deadline");
            }
            ctx.sleep(taskPoll);
            Answer poll = exchange("GET", "/api/v1/tasks/" + enc(uuid), null, ctx.cancellation(), "poll task " + uuid);
            if (poll.status() == 404) {
                return confirm(ip, serverId, "netcup task " + uuid + " is gone (HTTP 404)", ctx);
            }
            task = ok(poll);
        }
    }

    /** No task to follow: where the IP is routed now decides between done and a retry. */
    private String confirm(FailoverIp ip, long serverId, String why, FailoverContext ctx)
            throws NetcupException, InterruptedException {
        Routing now = locate(ip, ctx.cancellation());
        if (now.serverId().isPresent() && now.serverId().get() == serverId) {
            return why + "; looked up: " + ip + " is routed to " + now.where();
        }
        throw NetcupException.retryable(why + "; looked up: " + ip + " is still routed to " + now.where());
    }

    /**
     * A 429: netcup counts routing requests (10 per 5 minutes, 20 per 60 minutes per account) and sends no
     * Retry-After, so back off 5 minutes, doubling up to 60, unless a Retry-After says otherwise.
     */
    private NetcupException rateLimited(Answer a, Instant now) {
        rateLimitedInARow++;
        Optional<Instant> retryAfter = Http.retryAfter(a.response(), now);
        Instant notBefore;
        String how;
        if (retryAfter.isPresent()) {
            notBefore = retryAfter.get();
            how = "netcup's Retry-After";
        } else {
            Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(rateLimitedInARow - 1, 4));
            backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
            notBefore = now.plus(backoff);
            how = "backing off " + backoff.toMinutes() + " min (429 number " + rateLimitedInARow
                    + " in a row, no Retry-After: 5 min doubling up to 60 min)";
        }
        return new NetcupException(NetcupException.Kind.RETRYABLE, a.what() + ": HTTP 429 " + message(a)
                + "; " + how + ", next try not before " + notBefore, Optional.of(notBefore));
    }

    /** One answer of the API. */
    private record Answer(int status, JsonNode body, HttpResponse<String> response, String what) {
    }

    /** One authenticated call, its answer mapped: 2xx is the body, anything else a failure of its kind. */
    private JsonNode call(String method, String path, String body, Cancellation c, String what)
            throws NetcupException, InterruptedException {
        Answer a = exchange(method, path, body, c, what);
        if (a.status() == 429) {
            throw rateLimited(a, clock.instant());
        }
        return ok(a);
    }

    /** One authenticated exchange; a 401 refreshes the access token once. */
    private Answer exchange(String method, String path, String body, Cancellation c, String what)
            throws NetcupException, InterruptedException {
        for (int tries = 0; ; tries++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(requestTimeout)
                    .header("Authorization", "Bearer " + tokens.accessToken(c).reveal())
                    .header("Accept", "application/json");
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            }
            HttpResponse<String> res = Http.send(http, b.build(), c, "netcup " + what);
            if (res.statusCode() == 401 && tries == 0) {
                tokens.invalidate(); // expired early or revoked: refresh once and try again
                continue;
            }
            return new Answer(res.statusCode(), parse(res.body()), res, "netcup " + what);
        }
    }

    /** The body of a 2xx; otherwise the failure: 400/404/422 permanent, 401/403 login, others retryable. */
    private JsonNode ok(Answer a) throws NetcupException {
        int status = a.status();
        if (status >= 200 && status < 300) {
            return a.body();
        }
        String detail = a.what() + ": HTTP " + status + " " + message(a);
        switch (status) {
            case 400, 404 -> throw NetcupException.permanent(detail);
            case 422 -> throw NetcupException.permanent(detail + " (netcup refuses the request as sent; retrying cannot help)");
            case 401, 403 -> throw NetcupException.permanent(detail + " (not authorized; run `vrrp4j netcup login`)");
            default -> throw new NetcupException(NetcupException.Kind.RETRYABLE, detail,
                    Http.retryAfter(a.response(), clock.instant()));
        }
    }

    /** netcup's ResponseError message, with a ValidationError's field errors. */
    private static String message(Answer a) {
        StringBuilder m = new StringBuilder(a.body().path("message").asText(""));
        for (JsonNode e : a.body().path("errors")) {
            m.append(m.isEmpty() ? "" : "; ").append(e.path("field").asText("")).append(e.has("field") ? ": " : "")
                    .append(e.path("message").asText(e.toString()));
        }
        return m.toString().strip();
    }

    /** Gives back the token holder. */
    @Override
    public void close() {
        tokens.release();
    }

    /** A list response: a bare array, or an object wrapping one (both were seen). */
    private static List<JsonNode> items(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else if (node.isObject()) {
            for (JsonNode v : node) {
                if (v.isArray()) {
                    v.forEach(out::add);
                    break;
                }
            }
        }
        return out;
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
