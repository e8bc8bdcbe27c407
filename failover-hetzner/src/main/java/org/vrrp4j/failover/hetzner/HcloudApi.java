package org.vrrp4j.failover.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.Secret;

/**
 * The part of the Hetzner Cloud API ({@code https://api.hetzner.cloud/v1}) a failover provider needs: JSON
 * reads and action-starting POSTs with the project token, errors decided on {@code error.code} (not on the
 * HTTP status), lists followed page by page, actions polled until {@code success} or {@code error}, and the
 * project's hourly request budget ({@code RateLimit-Limit/Remaining/Reset}) respected: a request the budget
 * has no room for is not sent.
 */
final class HcloudApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HcloudApi.class);
    /** Codes that describe the configuration or the token: retrying cannot help. */
    private static final Set<String> PERMANENT = Set.of("unauthorized", "forbidden", "token_readonly", "not_found",
            "invalid_input", "json_error", "protected", "resource_limit_exceeded", "uniqueness_error",
            "unsupported_error", "deprecated_api_endpoint", "server_not_attached_to_network");
    /** The pause after {@code locked}: another action on the resource runs (the peer's, or our own last one). */
    static final Duration LOCKED_PAUSE = Duration.ofSeconds(2);
    /** The largest page the API serves. */
    static final int PER_PAGE = 50;
    /** Below this many requests left, action polls slow down to the budget's refill rate. */
    static final int LOW_BUDGET = 20;

    private final URI api;
    private final Secret token;
    private final Http http;
    private final Duration requestTimeout;
    private final Duration actionPoll;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    // the budget as the last answer stated it; the project shares it with the peer and other tools
    private long limit = -1;
    private long remaining = -1;
    private Instant reset;
    private Instant seenAt;

    HcloudApi(URI api, Secret token, Http http, Duration requestTimeout, Duration actionPoll, Clock clock) {
        this.api = api;
        this.token = token;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.actionPoll = actionPoll;
        this.clock = clock;
    }

    /** The API's base URL (no secret in it). */
    URI api() {
        return api;
    }

    /** A GET; the answer's body. */
    JsonNode get(String pathAndQuery, Cancellation c, String what) throws HetznerException, InterruptedException {
        return exchange("GET", pathAndQuery, null, c, what);
    }

    /** An action-starting POST; the {@code action} of the answer. */
    JsonNode postAction(String path, String jsonBody, Cancellation c, String what) throws HetznerException, InterruptedException {
        JsonNode action = exchange("POST", path, jsonBody, c, what).path("action");
        if (!action.isObject() || !action.has("id")) {
            throw HetznerException.retryable(what + ": the answer carries no action to follow");
        }
        return action;
    }

    /**
     * Every item of a list ({@code key} is its plural root key), page by page ({@code page}, {@code per_page}
     * 50) until {@code meta.pagination.next_page} is null.
     */
    List<JsonNode> list(String path, String query, String key, Cancellation c, String what)
            throws HetznerException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 1; page <= 1_000; ) {
            JsonNode body = get(path + "?" + (query.isEmpty() ? "" : query + "&") + "page=" + page + "&per_page=" + PER_PAGE,
                    c, what + " (page " + page + ")");
            body.path(key).forEach(all::add);
            JsonNode next = body.path("meta").path("pagination").path("next_page");
            if (!next.canConvertToLong() || next.asLong() <= page) {
                return all;
            }
            page = (int) next.asLong();
        }
        throw HetznerException.retryable(what + ": more than 1000 pages");
    }

    /** The numeric id of a server given as an id or by its exact name. */
    long serverId(String server, Cancellation c) throws HetznerException, InterruptedException {
        if (isId(server)) {
            return Long.parseLong(server);
        }
        for (JsonNode s : list("/servers", "name=" + enc(server), "servers", c, "find server " + server)) {
            if (server.equals(s.path("name").asText())) {
                return s.path("id").asLong();
            }
        }
        throw HetznerException.permanent("Hetzner Cloud has no server named '" + server + "' in this project");
    }

    /**
     * Polls an action ({@code GET /actions/{id}}) until {@code success}, every action-poll interval (slower when
     * the budget runs low), at most until the context's deadline. {@code error} and the deadline are
     * retryable: the next attempt reads where the resource is first.
     */
    String awaitAction(JsonNode action, FailoverContext ctx, String what) throws HetznerException, InterruptedException {
        long id = action.path("id").asLong();
        String command = action.path("command").asText("action");
        for (int polls = 0; ; polls++) {
            String status = action.path("status").asText("");
            switch (status) {
                case "success" -> {
                    return command + " " + id + " succeeded" + (polls == 0 ? "" : " after " + polls + (polls == 1 ? " poll" : " polls"));
                }
                case "error" -> {
                    JsonNode e = action.path("error");
                    throw HetznerException.retryable(what + ": " + command + " " + id + " ended in error: "
                            + e.path("code").asText("?") + " " + e.path("message").asText(""));
                }
                default -> { }
            }
            Duration pause = pollPause();
            if (!ctx.now().plus(pause).isBefore(ctx.deadline())) {
                throw HetznerException.retryable(what + ": " + command + " " + id + " still " + status + " at the deadline");
            }
            ctx.sleep(pause);
            action = get("/actions/" + id, ctx.cancellation(), "poll " + command + " " + id).path("action");
        }
    }

    /** The action-poll interval, or the budget's refill interval when few requests are left. */
    private synchronized Duration pollPause() {
        if (remaining >= 0 && remaining < LOW_BUDGET && limit > 0) {
            Duration refill = refillInterval();
            return refill.compareTo(actionPoll) > 0 ? refill : actionPoll;
        }
        return actionPoll;
    }

    /** How long the budget takes to give back one request (3600 per hour: one a second). */
    private Duration refillInterval() {
        return Duration.ofMillis(Math.max(1_000, (3_600_000L + limit - 1) / Math.max(1, limit)));
    }

    private JsonNode exchange(String method, String path, String body, Cancellation c, String what)
            throws HetznerException, InterruptedException {
        String call = "hcloud " + what;
        Instant wait = budgetWait();
        if (wait != null) {
            throw HetznerException.retryable(call + ": the project's request budget is used up (RateLimit-Remaining 0);"
                    + " not before " + wait, wait);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(requestTimeout)
                .header("Authorization", "Bearer " + token.reveal()).header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> res = http.send(b.build(), c, call);
        Instant now = clock.instant();
        noteBudget(res, now);
        JsonNode parsed = parse(res.body());
        int status = res.statusCode();
        if (status >= 200 && status < 300) {
            return parsed;
        }
        JsonNode error = parsed.path("error");
        String code = error.path("code").asText("");
        String detail = call + ": HTTP " + status + (code.isEmpty() ? "" : " " + code)
                + (error.path("message").asText("").isEmpty() ? "" : " (" + error.path("message").asText() + ")");
        LOG.debug("{}", detail);
        if (code.equals("rate_limit_exceeded") || (code.isEmpty() && status == 429)) {
            Instant notBefore = refillAt(now);
            throw HetznerException.retryable(detail + "; the project's budget is shared by every client of the project;"
                    + " not before " + notBefore, notBefore);
        }
        if (code.equals("locked") || code.equals("resource_locked")) {
            throw HetznerException.retryable(detail + "; another action runs on it", now.plus(LOCKED_PAUSE));
        }
        if (PERMANENT.contains(code)) {
            String hint = switch (code) {
                case "unauthorized" -> " (the token is wrong or revoked: check token_file or token_env)";
                case "token_readonly" -> " (a read-only token: failover needs a read-write API token)";
                case "forbidden" -> " (the token may not do this)";
                default -> "";
            };
            throw HetznerException.permanent(detail + hint);
        }
        if (code.isEmpty() && (status == 400 || status == 401 || status == 403 || status == 404)) {
            throw HetznerException.permanent(detail);
        }
        // conflict, unavailable, timeout, server_error, service_error, bad_gateway, maintenance, ip_not_available
        // (the holder's removal may not have landed yet), anything unknown: worth another attempt after a re-read
        throw HetznerException.retryable(detail);
    }

    /** Records the budget the answer states. */
    private synchronized void noteBudget(HttpResponse<?> res, Instant now) {
        long l = header(res, "RateLimit-Limit");
        long r = header(res, "RateLimit-Remaining");
        long reset = header(res, "RateLimit-Reset");
        if (l > 0) {
            limit = l;
        }
        if (r >= 0) {
            remaining = r;
            seenAt = now;
        }
        if (reset > 0) {
            this.reset = Instant.ofEpochSecond(reset);
        }
    }

    /**
     * When the budget has room for one request again, as the headers tell it: it refills continuously
     * (RateLimit-Limit per hour), so one request is back after 3600/limit seconds, and the budget is full at
     * RateLimit-Reset; whichever comes first. Without headers: one second.
     */
    private synchronized Instant refillAt(Instant now) {
        Instant oneBack = now.plus(limit > 0 ? refillInterval() : Duration.ofSeconds(1));
        return reset != null && reset.isAfter(now) && reset.isBefore(oneBack) ? reset : oneBack;
    }

    /** Null when a request may go out now; otherwise when the used-up budget has room again. */
    private synchronized Instant budgetWait() {
        if (remaining != 0 || seenAt == null) {
            return null;
        }
        Instant now = clock.instant();
        Instant at = refillAt(seenAt);
        return at.isAfter(now) ? at : null;
    }

    private static long header(HttpResponse<?> res, String name) {
        try {
            return res.headers().firstValue(name).map(v -> Long.parseLong(v.strip())).orElse(-1L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    static boolean isId(String s) {
        return !s.isEmpty() && s.length() < 19 && s.chars().allMatch(Character::isDigit);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }
}
