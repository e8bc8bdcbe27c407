package org.vrrp4j.failover.netcup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.testkit.failover.DirectContext;
import org.vrrp4j.testkit.netcup.NetcupRestStandIn;

/**
 * The REST provider against the API as it really is (FACTS.md): the routing request count and its 429
 * without Retry-After, answers without a task to follow, 422, 503, dropped connections, the {@code name}
 * filter, unrouted and non-editable IPs, offline tokens that die when idle, one holder per token file.
 * All against {@link NetcupRestStandIn}, a real HTTP server on 127.0.0.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetcupRestApiFactsTest {
    @TempDir
    Path dir;
    NetcupRestStandIn scp;
    Path tokenFile;

    @BeforeEach
    void start() throws Exception {
        scp = new NetcupRestStandIn();
        tokenFile = dir.resolve("netcup.token");
        Files.writeString(tokenFile, NetcupRestStandIn.INITIAL_REFRESH_TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        scp.close();
    }

    private FailoverProvider provider(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("api", "rest", "failover_ip", NetcupRestStandIn.FAILOVER_V4,
                "server", "v2201909876543210", "token_file", tokenFile.toString(),
                "api_url", scp.api().toString(), "auth_url", scp.realm().toString(), "task_poll", "50ms",
                "request_timeout", "5s"));
        keys.putAll(extra);
        keys.values().removeIf(String::isEmpty);
        return FailoverProviders.discover().create("netcup", ProviderConfig.of("VI_1", keys));
    }

    private static FailoverContext ctx() {
        return DirectContext.of(new RoleChange("VI_1", false, RoleChange.RouterState.MASTER, 254), new Cancellation());
    }

    private static FailoverOutcome.RetryableFailure retryable(FailoverOutcome o) {
        assertThat(o).isInstanceOf(FailoverOutcome.RetryableFailure.class);
        return (FailoverOutcome.RetryableFailure) o;
    }

    // ---- 1: 429 is a request count without Retry-After ----------------------------------------------

    @Test
    void a429WithoutRetryAfterBacksOffFiveMinutesDoublingUpToSixty() throws Exception {
        scp.rateLimited(true);
        try (FailoverProvider p = provider(Map.of())) {
            List<Long> minutes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Instant before = Instant.now();
                FailoverOutcome.RetryableFailure f = retryable(p.acquire(ctx()));
                assertThat(f.message()).contains("429").contains("10 requests per 5 minutes")
                        .contains("no Retry-After").contains("5 min doubling up to 60 min");
                minutes.add(Duration.between(before, f.notBefore().orElseThrow()).plusSeconds(5).toMinutes());
            }
            assertThat(minutes).containsExactly(5L, 10L, 20L, 40L, 60L, 60L);
            // a routing request that gets through ends the run of 429s: the next one starts at 5 min again
            scp.rateLimited(false);
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            scp.route(NetcupRestStandIn.FAILOVER_V4, NetcupRestStandIn.SERVER_1);
            scp.rateLimited(true);
            Instant before = Instant.now();
            assertThat(Duration.between(before, retryable(p.acquire(ctx())).notBefore().orElseThrow()).plusSeconds(5).toMinutes())
                    .isEqualTo(5L);
        }
    }

    @Test
    void theStandInCountsRoutingRequestsAndAnswers429WithoutRetryAfter() throws Exception {
        scp.routingLimits(2, 20);
        try (FailoverProvider p = provider(Map.of())) {
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            scp.route(NetcupRestStandIn.FAILOVER_V4, NetcupRestStandIn.SERVER_1);
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            scp.route(NetcupRestStandIn.FAILOVER_V4, NetcupRestStandIn.SERVER_1);
            assertThat(retryable(p.acquire(ctx())).message()).contains("HTTP 429").contains("no Retry-After");
            scp.advanceClock(Duration.ofMinutes(6)); // the 5-minute window has passed
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
        }
    }

    @Test
    void aRetryAfterIsHonouredWhenNetcupSendsOne() throws Exception {
        scp.rateLimited(true);
        scp.retryAfter(42L);
        try (FailoverProvider p = provider(Map.of())) {
            Instant before = Instant.now();
            FailoverOutcome.RetryableFailure f = retryable(p.acquire(ctx()));
            assertThat(f.message()).contains("Retry-After");
            assertThat(f.notBefore().orElseThrow()).isBetween(before.plusSeconds(41), Instant.now().plusSeconds(43));
        }
    }

    // ---- 2: no task to follow: look the IP up ----------------------------------------------------------

    @Test
    void a2xxWithoutATaskIsCheckedByLookingTheIpUp() throws Exception {
        scp.answerWithoutTask(true);
        scp.routingTakesEffect(false);
        try (FailoverProvider p = provider(Map.of())) {
            assertThat(retryable(p.acquire(ctx())).message()).contains("without a task").contains("still routed to server 101");
            scp.routingTakesEffect(true);
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.Done.class,
                    d -> assertThat(d.detail()).contains("routed to server 102"));
        }
        assertThat(scp.routedServer(NetcupRestStandIn.FAILOVER_V4)).isEqualTo(NetcupRestStandIn.SERVER_2);
    }

    @Test
    void aTaskThatIsGoneIsCheckedByLookingTheIpUp() throws Exception {
        scp.tasksGone(true);
        try (FailoverProvider p = provider(Map.of())) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.Done.class,
                    d -> assertThat(d.detail()).contains("gone (HTTP 404)").contains("routed to server 102"));
            scp.route(NetcupRestStandIn.FAILOVER_V4, NetcupRestStandIn.SERVER_1);
            scp.routingTakesEffect(false);
            assertThat(retryable(p.acquire(ctx())).message()).contains("gone").contains("still routed to server 101");
        }
    }

    // ---- 3: 422 is permanent; 503 maintenance is not -----------------------------------------------------

    @Test
    void a422ValidationErrorIsPermanentAndA503MaintenanceIsRetryable() throws Exception {
        scp.rejectRoutingAs422(true);
        try (FailoverProvider p = provider(Map.of())) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("HTTP 422").contains("serverId: must be an integer"));
            scp.rejectRoutingAs422(false);
            scp.maintenance(true);
            assertThat(retryable(p.acquire(ctx())).message()).contains("HTTP 503").contains("maintenance");
        }
    }

    // ---- 4: dropped connections are retryable ---------------------------------------------------------

    @Test
    void aDroppedTlsHandshakeAndAResetConnectionAreRetryable() throws Exception {
        try (ServerSocket dropper = dropping(false); ServerSocket resetter = dropping(true)) {
            String tls = "https://127.0.0.1:" + dropper.getLocalPort();
            try (FailoverProvider p = provider(Map.of("auth_url", tls + "/realms/scp", "api_url", tls + "/scp-core"))) {
                assertThat(retryable(p.acquire(ctx())).message()).contains("netcup token refresh").contains("TLS");
            }
            String plain = "http://127.0.0.1:" + resetter.getLocalPort();
            try (FailoverProvider p = provider(Map.of("auth_url", plain + "/realms/scp", "api_url", plain + "/scp-core"))) {
                assertThat(retryable(p.acquire(ctx())).message()).contains("netcup token refresh");
            }
        }
    }

    /** Accepts, reads the start of the ClientHello or request, then closes (or resets) the connection. */
    private static ServerSocket dropping(boolean reset) throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[64]);
                    if (reset) {
                        s.setSoLinger(true, 0);
                    }
                } catch (Exception e) {
                    return;
                }
            }
        });
        return server;
    }

    // ---- 6: the name filter ---------------------------------------------------------------------------

    @Test
    void aServerIsFoundByTheNameFilterAndItsExactNameNeverByNickname() throws Exception {
        try (FailoverProvider p = provider(Map.of())) {
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
        }
        assertThat(scp.requests()).anyMatch(r -> r.path().equals("/scp-core/api/v1/servers?name=v2201909876543210"));
        for (String notAName : List.of("s2", "v22019")) { // a nickname; a part of two names
            try (FailoverProvider p = provider(Map.of("server", notAName))) {
                assertThat(p.acquire(ctx())).as(notAName).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                        f -> assertThat(f.message()).contains("no server named '" + notAName + "'").contains("nickname"));
            }
        }
    }

    // ---- 8: keys of the other API -----------------------------------------------------------------------

    @Test
    void aKeyOfTheOtherApiIsAnErrorNamingIt() {
        for (String key : List.of("mac", "login", "soap_url", "verify_poll", "password_file")) {
            assertThatThrownBy(() -> provider(Map.of(key, "x"))).as(key).isInstanceOf(ProviderConfigException.class)
                    .hasMessageStartingWith(key + ": is a key of api soap, but this provider uses api rest")
                    .satisfies(e -> assertThat(((ProviderConfigException) e).key()).isEqualTo(key));
        }
        assertThatThrownBy(() -> provider(Map.of("api", "", "mac", "x"))).hasMessageContaining("api rest (the default)");
        for (String key : List.of("token_file", "task_poll", "api_url", "auth_url")) {
            Map<String, String> soap = new HashMap<>(Map.of("api", "soap", "token_file", "", "api_url", "", "auth_url", "",
                    "task_poll", "", "login", "123", "password_env", "NETCUP_PW"));
            soap.put(key, key.equals("task_poll") ? "1s" : "/x");
            assertThatThrownBy(() -> FailoverProviders.discover().create("netcup", ProviderConfig.of("VI_1",
                    withoutEmpty(soap), k -> "pw")))
                    .as(key).isInstanceOf(ProviderConfigException.class)
                    .hasMessageStartingWith(key + ": is a key of api rest, but this provider uses api soap");
        }
    }

    private Map<String, String> withoutEmpty(Map<String, String> m) {
        Map<String, String> out = new HashMap<>(m);
        out.values().removeIf(String::isEmpty);
        out.put("failover_ip", NetcupRestStandIn.FAILOVER_V4);
        out.put("server", "v2201909876543210");
        return out;
    }

    // ---- 10: one holder per token file, written durably -------------------------------------------------

    @Test
    void twoProvidersOnOneTokenFileShareOneHolderAndNeverRotateItAgainstEachOther() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("same.token"), tokenFile); // another name, same file
        scp.delay(300, "/token"); // both would read the file before either refresh comes back
        try (FailoverProvider a = provider(Map.of()); FailoverProvider b = provider(Map.of("token_file", link.toString()))) {
            // threads of their own: not the common pool, which the JDK's HTTP client needs for itself
            CompletableFuture<Location> la = new CompletableFuture<>();
            CompletableFuture<Location> lb = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> la.complete(locate(a)));
            Thread.ofVirtual().start(() -> lb.complete(locate(b)));
            assertThat(la.get(20, TimeUnit.SECONDS)).isInstanceOf(Location.Elsewhere.class);
            assertThat(lb.get(20, TimeUnit.SECONDS)).isInstanceOf(Location.Elsewhere.class);
        }
        assertThat(scp.refreshes()).as("one refresh for both").isEqualTo(1);
        assertThat(Files.readString(tokenFile).strip()).isEqualTo("refresh-token-1-SECRET");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder("netcup.token", "same.token");
        }
        assertThat(Files.getPosixFilePermissions(tokenFile)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        // the holder went with its last provider: a new provider reads the rotated token from the file
        scp.delay(0, "");
        try (FailoverProvider c = provider(Map.of())) {
            assertThat(c.locate(ctx())).isInstanceOf(Location.Elsewhere.class);
        }
        assertThat(scp.refreshes()).isEqualTo(2);
    }

    private static Location locate(FailoverProvider p) {
        try {
            return p.locate(ctx());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- 11: the stand-in's model of the API ------------------------------------------------------------

    @Test
    void anOfflineTokenUnusedFor30DaysIsInvalidGrant() throws Exception {
        scp.advanceClock(Duration.ofDays(29));
        try (FailoverProvider p = provider(Map.of())) {
            assertThat(p.locate(ctx())).as("29 idle days: still valid").isInstanceOf(Location.Elsewhere.class);
        }
        scp.advanceClock(Duration.ofDays(31));
        try (FailoverProvider p = provider(Map.of())) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("invalid_grant").contains("30 days").contains("vrrp4j netcup login"));
        }
    }

    @Test
    void anUnroutedIpIsElsewhereAndGetsRoutedANonEditableOneIsNeverTouched() throws Exception {
        scp.unroute(NetcupRestStandIn.FAILOVER_V4);
        try (FailoverProvider p = provider(Map.of())) {
            assertThat(p.locate(ctx())).isInstanceOfSatisfying(Location.Elsewhere.class,
                    l -> assertThat(l.detail()).contains("no server"));
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(scp.routedServer(NetcupRestStandIn.FAILOVER_V4)).isEqualTo(NetcupRestStandIn.SERVER_2);
            scp.route(NetcupRestStandIn.FAILOVER_V4, NetcupRestStandIn.SERVER_1);
            scp.editable(NetcupRestStandIn.FAILOVER_V4, false);
            long patches = scp.patches();
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("not editable"));
            assertThat(scp.patches()).isEqualTo(patches);
        }
    }

    @Test
    void aPatchWithoutServerIdUnroutesAndAStringServerIdIs422() throws Exception {
        // the stand-in itself, as FACTS.md has the API: what the provider never sends must still be right
        var http = java.net.http.HttpClient.newHttpClient();
        try (FailoverProvider p = provider(Map.of())) {
            p.locate(ctx()); // logs in: the stand-in now knows an access token
        }
        List<NetcupRestStandIn.Request> authorized = scp.requests().stream().filter(r -> r.authorization() != null).toList();
        String bearer = authorized.get(authorized.size() - 1).authorization();
        String ip = scp.api() + "/api/v1/users/" + NetcupRestStandIn.USER_ID + "/failoverips/v4/7";
        var patch = (java.util.function.Function<String, Integer>) body -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ip)).header("Authorization", bearer)
                        .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertThat(patch.apply("{\"serverId\":\"102\"}")).isEqualTo(422);
        assertThat(patch.apply("{}")).isEqualTo(202);
    }
}
