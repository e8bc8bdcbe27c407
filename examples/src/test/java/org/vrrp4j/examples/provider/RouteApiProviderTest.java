package org.vrrp4j.examples.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vrrp4j.examples.provider.RouteApiProviderContractTest.ADDRESS;
import static org.vrrp4j.examples.provider.RouteApiProviderContractTest.TOKEN;
import static org.vrrp4j.examples.provider.RouteApiProviderContractTest.config;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.testkit.failover.DirectContext;

/** What the contract does not cover: the route API's faults become the right typed outcomes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RouteApiProviderTest {
    private final RouteApiStandIn api;
    private final RouteApiProviderFactory factory = new RouteApiProviderFactory();

    RouteApiProviderTest() throws Exception {
        api = new RouteApiStandIn(TOKEN);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static DirectContext master(Cancellation c) {
        return DirectContext.of(new RoleChange("VI_1", false, RoleChange.RouterState.MASTER, 254), c);
    }

    @Test
    void aWrongTokenIsAPermanentFailureAndNothingMoves() throws Exception {
        ProviderConfig wrong = ProviderConfig.of("VI_1", Map.of("api_url", api.url(), "address", ADDRESS, "node", "s1",
                "token_env", "T"), n -> "not-the-token");
        api.routes.put(ADDRESS, "s2");
        try (FailoverProvider p = factory.create(wrong)) {
            assertThat(p.acquire(master(new Cancellation()))).isInstanceOf(FailoverOutcome.PermanentFailure.class)
                    .asString().contains("HTTP 401").doesNotContain("not-the-token");
        }
        assertThat(api.routes).containsEntry(ADDRESS, "s2");
    }

    @Test
    void aRateLimitIsRetryableNotBeforeItsRetryAfter() throws Exception {
        api.failWith = 429;
        try (FailoverProvider p = factory.create(config(api.url(), "s1"))) {
            DirectContext ctx = master(new Cancellation());
            Instant before = Instant.now();
            FailoverOutcome o = p.acquire(ctx);
            assertThat(o).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class, r ->
                    assertThat(r.notBefore()).hasValueSatisfying(t -> assertThat(t).isAfter(before.plusSeconds(29))));
            api.failWith = 503;
            assertThat(p.locate(ctx)).isInstanceOfSatisfying(Location.Unknown.class,
                    u -> assertThat(u.failure()).isInstanceOf(FailoverOutcome.RetryableFailure.class));
        }
    }

    @Test
    void anUnreachableApiIsRetryable() throws Exception {
        String url = api.url();
        api.close();
        try (FailoverProvider p = factory.create(config(url, "s1"))) {
            assertThat(p.acquire(master(new Cancellation()))).isInstanceOf(FailoverOutcome.RetryableFailure.class);
        }
    }

    @Test
    void cancellingAPutInFlightEndsTheCallPromptly() throws Exception {
        api.routes.put(ADDRESS, "s2");
        api.holdPuts = new CountDownLatch(1);
        try (FailoverProvider p = factory.create(config(api.url(), "s1"))) {
            Cancellation c = new Cancellation();
            CompletableFuture<FailoverOutcome> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.acquire(master(c));
                } catch (InterruptedException e) {
                    return new FailoverOutcome.Cancelled("interrupted");
                }
            });
            assertThat(api.putArrived.await(10, TimeUnit.SECONDS)).as("the PUT reached the API").isTrue();
            c.cancel();
            assertThat(call.get(5, TimeUnit.SECONDS)).isInstanceOf(FailoverOutcome.Cancelled.class);
        }
    }

    @Test
    void configurationErrorsNameTheKey() {
        assertThatThrownBy(() -> factory.create(ProviderConfig.of("VI_1", Map.of("address", ADDRESS))))
                .isInstanceOfSatisfying(ProviderConfigException.class, e -> assertThat(e.key()).isEqualTo("api_url"));
        assertThatThrownBy(() -> factory.create(ProviderConfig.of("VI_1", Map.of("api_url", api.url(),
                "address", ADDRESS, "node", "s1", "token", TOKEN))))
                .isInstanceOfSatisfying(ProviderConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("token");
                    assertThat(e.getMessage()).contains("not written inline").doesNotContain(TOKEN);
                });
        assertThatThrownBy(() -> factory.create(ProviderConfig.of("VI_1", Map.of("api_url", api.url(),
                "address", ADDRESS, "node", "s1", "token_env", "T", "adress", "x"), n -> TOKEN)))
                .isInstanceOfSatisfying(ProviderConfigException.class, e -> assertThat(e.key()).isEqualTo("adress"));
        assertThatThrownBy(() -> factory.create(ProviderConfig.of("VI_1", Map.of("api_url", "ftp://x",
                "address", ADDRESS, "node", "s1", "token_env", "T"), n -> TOKEN)))
                .isInstanceOfSatisfying(ProviderConfigException.class, e -> assertThat(e.key()).isEqualTo("api_url"));
        assertThat(Duration.ofSeconds(10)).isPositive();
    }
}
