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
public final class NetcupRestClient {
    private static final Logger LOG = LoggerFactory.getLogger(NetcupRestClient.class);

    /** Where a failover IP is routed now. */
    public record Routing(long failoverIpId, Optional<Long> serverId, String serverName) {
    }

    private final URI api;
    private final HttpClient http;
    private final OidcTokens tokens;
    private final Duration requestTimeout;
    private final Duration taskPoll;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

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

    /** The numeric id of a server given as an id or by name ({@code GET /api/v1/servers}). */
    public long serverId(String server, Cancellation c) throws NetcupException, InterruptedException {
        if (server.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(server);
        }
        List<JsonNode> list = items(call("GET", "/api/v1/servers?name=" + enc(server), null, c, "find server " + server));
        for (JsonNode s : list) {
            if (server.equals(s.path("name").asText()) || server.equals(s.path("nickname").asText())) {
                return s.path("id").asLong();
            }
        }
        throw NetcupException.permanent("netcup server '" + server + "' not found");
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
                return new Routing(item.path("id").asLong(), id, server.path("name").asText(""));
            }
        }
        throw NetcupException.permanent("failover IP " + ip + " not found in this netcup account");
    }

    /**
     * Routes the failover IP to {@code serverId} and waits for netcup's task to finish (polling every
     * task-poll interval, at most until the context's deadline).
     */
    public String route(Routing routing, FailoverIp ip, long serverId, FailoverContext ctx)
            throws NetcupException, InterruptedException {
        String user = tokens.userId(ctx.cancellation());
        String path = "/api/v1/users/" + enc(user) + "/failoverips/" + (ip.isIpv6() ? "v6/" : "v4/") + routing.failoverIpId();
        JsonNode task = call("PATCH", path, "{\"serverId\":" + serverId + "}", ctx.cancellation(), "route " + ip);
        String uuid = task.path("uuid").asText("");
        if (uuid.isEmpty()) {
            return "routed (no task returned)";
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
            task = call("GET", "/api/v1/tasks/" + enc(uuid), null, ctx.cancellation(), "poll task " + uuid);
        }
    }

    /** One authenticated call; a 401 refreshes the access token once. */
    private JsonNode call(String method, String path, String body, Cancellation c, String what)
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
            int status = res.statusCode();
            if (status == 401 && tries == 0) {
                tokens.invalidate(); // expired early or revoked: refresh once and try again
                continue;
            }
            if (status >= 200 && status < 300) {
                return parse(res.body());
            }
            String message = parse(res.body()).path("message").asText("");
            String detail = "netcup " + what + ": HTTP " + status + (message.isEmpty() ? "" : " " + message);
            switch (status) {
                case 429 -> throw new NetcupException(NetcupException.Kind.RETRYABLE, detail,
                        Optional.of(Http.retryAfter(res, clock.instant()).orElse(clock.instant().plusSeconds(300))));
                case 400, 404 -> throw NetcupException.permanent(detail);
                case 401, 403 -> throw NetcupException.permanent(detail + " (not authorized; run `vrrp4j netcup login`)");
                default -> throw NetcupException.retryable(detail);
            }
        }
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
