package org.vrrp4j.failover.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.Secret;

/**
 * The Robot webservice ({@code https://robot-ws.your-server.de}), its failover calls: {@code GET /failover/{ip}}
 * and the form-encoded {@code POST /failover/{ip}} with {@code active_server_ip}, HTTP Basic with the
 * webservice user. Answers are returned raw ({@link Answer}); the provider decides what they mean.
 */
final class RobotApi implements AutoCloseable {

    /** One answer: HTTP status, Robot's error code (empty on success), the body. */
    record Answer(int status, String code, String message, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** {@code failover.active_server_ip}, empty when unrouted ({@code null}). */
        Optional<String> activeServerIp() {
            JsonNode a = body.path("failover").path("active_server_ip");
            return a.isTextual() && !a.asText().isBlank() ? Optional.of(a.asText()) : Optional.empty();
        }

        /** What Robot said, for messages: {@code HTTP 409 FAILOVER_LOCKED (message)}. */
        String describe() {
            return "HTTP " + status + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : " (" + message + ")");
        }
    }

    private final URI api;
    private final String user;
    private volatile Secret password;
    private final Http http;
    private final Duration readTimeout;
    private final ObjectMapper json = new ObjectMapper();

    RobotApi(URI api, String user, Secret password, Http http, Duration readTimeout) {
        this.api = api;
        this.user = user;
        this.password = password;
        this.http = http;
        this.readTimeout = readTimeout;
    }

    /** The password in use. */
    Secret password() {
        return password;
    }

    /** Uses another password from now on (the operator fixed the password file). */
    void password(Secret next) {
        password = next;
    }

    /** {@code GET /failover/{ip}}. */
    Answer read(String failoverIp, Cancellation c) throws HetznerException, InterruptedException {
        return exchange(request("/failover/" + failoverIp, readTimeout).GET().build(), c, "Robot read failover IP " + failoverIp);
    }

    /** {@code POST /failover/{ip}} {@code active_server_ip=target}: synchronous, it returns when the switch is done. */
    Answer route(String failoverIp, String target, Duration timeout, Cancellation c) throws HetznerException, InterruptedException {
        String form = "active_server_ip=" + URLEncoder.encode(target, StandardCharsets.UTF_8);
        HttpRequest r = request("/failover/" + failoverIp, timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return exchange(r, c, "Robot route failover IP " + failoverIp + " to " + target);
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(api + path)).timeout(timeout)
                .header("Authorization", "Basic " + basic).header("Accept", "application/json");
    }

    private Answer exchange(HttpRequest r, Cancellation c, String what) throws HetznerException, InterruptedException {
        HttpResponse<String> res = http.send(r, c, what);
        JsonNode body;
        try {
            body = json.readTree(res.body() == null || res.body().isBlank() ? "{}" : res.body());
        } catch (IOException e) {
            body = json.createObjectNode();
        }
        JsonNode error = body.path("error");
        return new Answer(res.statusCode(), error.path("code").asText(""), error.path("message").asText(""), body);
    }

    @Override
    public void close() {
        http.close();
    }
}
