package org.vrrp4j.failover.netcup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.testkit.failover.FailoverProviderContract;
import org.vrrp4j.testkit.netcup.NetcupRestStandIn;

/** The netcup provider over REST against {@link NetcupRestStandIn}, a real HTTP server on 127.0.0.1. */
class NetcupRestProviderTest extends FailoverProviderContract {
    @TempDir
    Path dir;
    NetcupRestStandIn scp;
    Path tokenFile;

    @BeforeEach
    void start() throws Exception {
        scp = new NetcupRestStandIn();
        tokenFile = dir.resolve("netcup.token");
        Files.writeString(tokenFile, "refresh-token-initial-SECRET\n");
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
        return FailoverProviders.discover().create("netcup", ProviderConfig.of("VI_1", keys));
    }

    // ---- the provider contract -----------------------------------------------------------------

    @Override
    protected FailoverProvider provider() {
        return provider(Map.of());
    }

    @Override
    protected void routeElsewhere() {
        scp.route(NetcupRestStandIn.FAILOVER_V4, 101L);
    }

    @Override
    protected boolean routedHere() {
        return scp.routedServer(NetcupRestStandIn.FAILOVER_V4) == 102L;
    }

    @Override
    protected List<String> secrets() {
        return List.of("refresh-token-initial-SECRET", "ACCESS-SECRET", "SECRET");
    }

    // ---- cases -----------------------------------------------------------------------------------

    @Test
    void alreadyRoutedHereChangesNothing() throws Exception {
        scp.route(NetcupRestStandIn.FAILOVER_V4, 102L);
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.AlreadyInPlace.class);
        }
        assertThat(scp.patches()).isZero();
    }

    @Test
    void routedAfterThreeTaskPollsWithTheRequestFactsDescribe() throws Exception {
        scp.pollsUntilFinished(3);
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.Done.class,
                    d -> assertThat(d.detail()).contains("finished"));
        }
        assertThat(routedHere()).isTrue();
        NetcupRestStandIn.Request patch = scp.requests().stream().filter(r -> r.method().equals("PATCH")).findFirst().orElseThrow();
        assertThat(patch.path()).isEqualTo("/scp-core/api/v1/users/4711/failoverips/v4/7");
        assertThat(patch.body()).isEqualTo("{\"serverId\":102}");
        assertThat(patch.authorization()).startsWith("Bearer ");
        assertThat(scp.requests()).filteredOn(r -> r.path().startsWith("/scp-core/api/v1/tasks/")).hasSize(3);
        assertThat(scp.requests()).anyMatch(r -> r.path().equals("/scp-core/api/v1/users/4711/failoverips/v4?ip=198.18.200.7"));
    }

    @Test
    void aTaskThatEndsInErrorIsARetryableFailureWithNetcupsMessage() throws Exception {
        scp.taskEndState("ERROR");
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("ERROR").contains("routing backend unavailable"));
        }
    }

    @Test
    void theRateLimitIsRetryableNoEarlierThanRetryAfter() throws Exception {
        scp.rateLimited(true);
        Instant before = Instant.now();
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.notBefore()).hasValueSatisfying(t -> assertThat(t).isAfterOrEqualTo(before.plusSeconds(299))));
        }
    }

    @Test
    void anAccessTokenThatExpiresMidFlowIsRefreshedAndTheFlowCompletes() throws Exception {
        scp.pollsUntilFinished(3);
        scp.delay(1, "/tasks/");
        try (FailoverProvider p = provider()) {
            Thread expirer = Thread.ofVirtual().start(() -> {
                while (scp.patches() == 0) {
                    Thread.onSpinWait();
                }
                scp.expireAccessTokens(); // after the PATCH, before the task polls
            });
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.Done.class);
            expirer.join();
        }
        assertThat(scp.refreshes()).as("initial login + one refresh after the 401").isEqualTo(2);
        assertThat(Files.readString(tokenFile).strip()).as("the rotated refresh token is stored").isEqualTo("refresh-token-2-SECRET");
        assertThat(Files.getPosixFilePermissions(tokenFile)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aSlowServerRunsIntoTheRequestTimeout() throws Exception {
        scp.delay(3000, "/failoverips");
        try (FailoverProvider p = provider(Map.of("request_timeout", "300ms"))) {
            long start = System.nanoTime();
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("request timeout"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void cancellationDuringASlowRerouteAbandonsItAndNoSecondChangeStarts() throws Exception {
        scp.delay(3000, "/failoverips/v4/7");
        try (FailoverProvider p = provider()) {
            Cancellation c = new Cancellation();
            Thread canceller = Thread.ofVirtual().start(() -> {
                while (scp.patches() == 0) {
                    Thread.onSpinWait();
                }
                c.cancel();
            });
            long start = System.nanoTime();
            FailoverOutcome o = p.acquire(context(c));
            assertThat(o).isInstanceOf(FailoverOutcome.Cancelled.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("abandoned, not waited for").isLessThan(Duration.ofMillis(2500));
            canceller.join();
        }
        Thread.sleep(500);
        assertThat(scp.patches()).as("no second change").isEqualTo(1);
        assertThat(scp.requests()).noneMatch(r -> r.path().contains("/tasks/"));
    }

    @Test
    void knownFaultsArePermanent() throws Exception {
        try (FailoverProvider p = provider(Map.of("failover_ip", "198.18.200.99"))) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("not found"));
        }
        try (FailoverProvider p = provider(Map.of("server", "999"))) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("same site"));
        }
        try (FailoverProvider p = provider(Map.of("server", "no-such-server"))) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.PermanentFailure.class);
        }
        Files.writeString(tokenFile, "revoked-token\n");
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("vrrp4j netcup login"));
        }
    }

    @Test
    void ipv6FailoverNetworksAndWrappedListsWork() throws Exception {
        scp.wrapLists(true);
        try (FailoverProvider p = provider(Map.of("failover_ip", "2001:db8:4:5::/64", "server", "102"))) {
            assertThat(p.locate(context(new Cancellation()))).isInstanceOf(Location.Elsewhere.class);
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(p.locate(context(new Cancellation()))).isInstanceOf(Location.Here.class);
        }
        assertThat(scp.requests()).anyMatch(r -> r.method().equals("PATCH") && r.path().endsWith("/failoverips/v6/8"));
    }

    @Test
    void theDeviceFlowLoginStoresTheRefreshTokenForItsOwnerOnly() throws Exception {
        Path fresh = dir.resolve("sub/login.token");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NetcupLogin.login(scp.realm(), fresh, new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofSeconds(30));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("WXYZ-1234").contains("https://example.invalid/device");
        assertThat(Files.readString(fresh).strip()).startsWith("refresh-token-").endsWith("-SECRET");
        assertThat(Files.getPosixFilePermissions(fresh)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(scp.requests()).filteredOn(r -> r.path().endsWith("/token")).hasSize(3); // two pending, one success
    }

    @Test
    void configurationMistakesNameTheKey() {
        assertThatThrownBy(() -> provider(Map.of("failover_ip", "not-an-ip"))).isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith("failover_ip: ");
        assertThatThrownBy(() -> provider(Map.of("api_url", "ftp://x"))).isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith("api_url: ");
        assertThatThrownBy(() -> provider(Map.of("api", "graphql"))).isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith("api: ");
        assertThatThrownBy(() -> provider(Map.of("password", "hunter2"))).isInstanceOf(ProviderConfigException.class)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void noTokenEverReachesTheLog() throws Exception {
        scp.pollsUntilFinished(2);
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.Done.class);
            scp.expireAccessTokens();
            scp.route(NetcupRestStandIn.FAILOVER_V4, 101L);
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.Done.class);
        }
        Files.writeString(tokenFile, "revoked-SECRET\n");
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.PermanentFailure.class);
        }
        String log = Files.readString(Path.of("target/test.log"));
        assertThat(log).contains("netcup: routing").doesNotContain("SECRET").doesNotContain("eyJ");
    }
}
