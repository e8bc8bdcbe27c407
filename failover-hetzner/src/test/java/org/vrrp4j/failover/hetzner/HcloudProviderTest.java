package org.vrrp4j.failover.hetzner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.testkit.failover.DirectContext;
import org.vrrp4j.testkit.hetzner.HcloudStandIn;

/** {@code hcloud} against the Cloud stand-in, one fault at a time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HcloudProviderTest {
    private static final long S1 = HcloudStandIn.SERVERS.get(0);
    private static final long S2 = HcloudStandIn.SERVERS.get(1);
    private static final long FIP = HcloudStandIn.FLOATING_IPV4_ID;
    private HcloudStandIn cloud;

    @BeforeEach
    void start() throws Exception {
        cloud = new HcloudStandIn();
        cloud.actionTime(Duration.ofMillis(200));
    }

    @AfterEach
    void stop() {
        cloud.close();
    }

    private static DirectContext ctx() {
        return ctx(new Cancellation(), Duration.ofSeconds(30));
    }

    private static DirectContext ctx(Cancellation c, Duration deadline) {
        return new DirectContext(new RoleChange("VI_1", false, RoleChange.RouterState.MASTER, 254), c, Instant.now().plus(deadline));
    }

    private FailoverProvider fip(String... more) {
        return Configs.floatingIp(cloud.api(), HcloudStandIn.FLOATING_IPV4, 1, more);
    }

    @Test
    void findsTheFloatingIpOnALaterPageOnceAssignsItAndAwaitsTheAction() throws Exception {
        try (FailoverProvider p = fip()) {
            FailoverOutcome o = p.acquire(ctx());
            assertThat(o).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(((FailoverOutcome.Done) o).detail()).contains("assign_floating_ip", "succeeded after");
            assertThat(cloud.assignedServer(FIP)).isEqualTo(S1);
            List<String> paths = cloud.requests().stream().map(HcloudStandIn.Request::path).toList();
            // 62 Floating IPs, 50 a page: the one wanted is on page 2; no address filter exists
            assertThat(paths).contains("/v1/floating_ips?page=1&per_page=50", "/v1/floating_ips?page=2&per_page=50");
            assertThat(paths).anyMatch(x -> x.startsWith("/v1/actions/"));
            assertThat(cloud.requests()).filteredOn(r -> r.method().equals("POST")).singleElement()
                    .satisfies(r -> {
                        assertThat(r.path()).isEqualTo("/v1/floating_ips/" + FIP + "/actions/assign");
                        assertThat(r.body()).isEqualTo("{\"server\":" + S1 + "}");
                    });
            int before = cloud.requests().size();
            cloud.assign(FIP, S2);
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(cloud.requests().subList(before, cloud.requests().size()))
                    .as("ids resolved once: no second listing").noneMatch(r -> r.path().startsWith("/v1/floating_ips?")
                            || r.path().startsWith("/v1/servers?"));
        }
    }

    @Test
    void anIpv6FloatingIpIsFoundByAnyAddressOfItsSlash64WithOrWithoutThePrefixInTheAnswer() throws Exception {
        for (boolean without : new boolean[] {false, true}) {
            cloud.ipv6WithoutPrefix(without);
            cloud.assign(HcloudStandIn.FLOATING_IPV6_ID, HcloudStandIn.OTHER_SERVER);
            try (FailoverProvider p = Configs.floatingIp(cloud.api(), "2001:db8:9:1::abcd", 1)) {
                assertThat(p.acquire(ctx())).as("prefix written: %s", !without).isInstanceOf(FailoverOutcome.Done.class);
                assertThat(cloud.assignedServer(HcloudStandIn.FLOATING_IPV6_ID)).isEqualTo(S1);
            }
        }
    }

    @Test
    void theCheckResolvesAndReadsButNeverAssigns() throws Exception {
        try (FailoverProvider p = fip()) {
            assertThat(p.supportsCheck()).isTrue();
            CredentialCheck c = p.check(ctx());
            assertThat(c).isInstanceOf(CredentialCheck.Proven.class);
            assertThat(((CredentialCheck.Proven) c).detail()).contains("id " + FIP, "assigned to server " + HcloudStandIn.OTHER_SERVER,
                    "s1 is id " + S1).doesNotContain(HcloudStandIn.TOKEN);
            assertThat(cloud.count("POST")).isZero();
            assertThat(cloud.assignedServer(FIP)).isEqualTo(HcloudStandIn.OTHER_SERVER);
            // the check warmed the path: the take-over lists nothing, it reads, assigns and polls
            int before = cloud.requests().size();
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(cloud.requests().subList(before, cloud.requests().size())).extracting(HcloudStandIn.Request::path)
                    .noneMatch(x -> x.contains("?"));
        }
    }

    @Test
    void actionPollsSlowDownToTheRefillRateWhenTheBudgetRunsLow() throws Exception {
        cloud.actionTime(Duration.ofMillis(2500));
        try (FailoverProvider p = fip()) {
            assertThat(p.check(ctx())).isInstanceOf(CredentialCheck.Proven.class);
            cloud.budget(3600, 10); // below HcloudApi.LOW_BUDGET: one request a second is all that comes back
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            // at action_poll 100ms a 2.5 s action costs about 25 polls; at the refill rate about 3
            assertThat(cloud.requests()).filteredOn(r -> r.path().startsWith("/v1/actions/")).hasSizeBetween(1, 5);
        }
    }

    @Test
    void aWrongTokenIsPermanentForTheMoveAndTheCheck() throws Exception {
        try (FailoverProvider p = fip("token_env", "HCLOUD_BAD_TOKEN")) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("401", "unauthorized").doesNotContain("wrong-token-SECRET"));
            assertThat(p.check(ctx())).isInstanceOfSatisfying(CredentialCheck.Failed.class,
                    f -> assertThat(f.failure()).isInstanceOf(FailoverOutcome.PermanentFailure.class));
        }
    }

    @Test
    void aReadOnlyTokenPassesTheReadsButCannotAssign() throws Exception {
        try (FailoverProvider p = fip("token_env", "HCLOUD_RO_TOKEN")) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("403", "token_readonly", "read-write"));
            assertThat(cloud.assignedServer(FIP)).isEqualTo(HcloudStandIn.OTHER_SERVER);
        }
    }

    @Test
    void forbiddenAndUnknownThingsArePermanent() throws Exception {
        cloud.forbidden(true);
        try (FailoverProvider p = fip()) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("403", "forbidden"));
        }
        cloud.forbidden(false);
        try (FailoverProvider p = Configs.floatingIp(cloud.api(), "198.18.250.250", 1)) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("no Floating IP 198.18.250.250", "62"));
        }
        try (FailoverProvider p = Configs.floatingIp(cloud.api(), "123456", 1)) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("404", "not_found"));
        }
        try (FailoverProvider p = Configs.floatingIp(cloud.api(), HcloudStandIn.FLOATING_IPV4, 9)) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("no server named 's9'"));
        }
    }

    @Test
    void lockedAndConflictAreRetriedLaterAndThenSucceed() throws Exception {
        try (FailoverProvider p = fip()) {
            cloud.lockedNext(1);
            Instant before = Instant.now();
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class, f -> {
                assertThat(f.message()).contains("423", "locked");
                assertThat(f.notBefore().orElseThrow()).isBetween(before, Instant.now().plus(HcloudApi.LOCKED_PAUSE));
            });
            cloud.conflictNext(1);
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("409", "conflict"));
            assertThat(cloud.assignedServer(FIP)).isEqualTo(HcloudStandIn.OTHER_SERVER);
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
        }
    }

    @Test
    void aRateLimitGivesANotBeforeFromTheHeadersAndNoRequestGoesOutUntilThen() throws Exception {
        try (FailoverProvider p = fip()) {
            assertThat(p.check(ctx())).isInstanceOf(CredentialCheck.Proven.class); // ids resolved
            cloud.budget(360, 0); // 360 an hour: one request back every 10 s
            Instant before = Instant.now();
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class, f -> {
                assertThat(f.message()).contains("429", "rate_limit_exceeded");
                assertThat(f.notBefore().orElseThrow()).isBetween(before.plusSeconds(9), Instant.now().plusSeconds(11));
            });
            int sent = cloud.requests().size();
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("budget is used up"));
            assertThat(cloud.requests()).as("the used-up budget is respected: nothing sent").hasSize(sent);
        }
    }

    @Test
    void unavailableAndServerErrorsAreRetryable() throws Exception {
        try (FailoverProvider p = fip()) {
            cloud.unavailable(true);
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("503", "unavailable"));
            cloud.unavailable(false);
            cloud.serverErrorNext(1);
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("500", "server_error"));
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
        }
    }

    @Test
    void anActionEndingInErrorIsRetryableAndMovesNothing() throws Exception {
        cloud.actionsFail(true);
        try (FailoverProvider p = fip()) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("ended in error", "action_failed"));
            assertThat(cloud.assignedServer(FIP)).isEqualTo(HcloudStandIn.OTHER_SERVER);
        }
    }

    @Test
    void aSlowActionIsPolledUntilDoneOrTheDeadline() throws Exception {
        cloud.actionTime(Duration.ofSeconds(1));
        try (FailoverProvider p = fip()) {
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(cloud.requests()).filteredOn(r -> r.path().startsWith("/v1/actions/")).hasSizeGreaterThanOrEqualTo(3);
            cloud.assign(FIP, S2);
            cloud.actionTime(Duration.ofSeconds(20));
            assertThat(p.acquire(ctx(new Cancellation(), Duration.ofSeconds(2)))).isInstanceOfSatisfying(
                    FailoverOutcome.RetryableFailure.class, f -> assertThat(f.message()).contains("still running at the deadline"));
            // the assign still runs at Hetzner: the next attempt finds the Floating IP locked
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("locked"));
        }
    }

    @Test
    void cancellationWhileTheActionRunsEndsTheCallPromptly() throws Exception {
        cloud.actionTime(Duration.ofSeconds(20));
        try (FailoverProvider p = fip()) {
            Cancellation c = new Cancellation();
            CompletableFuture<FailoverOutcome> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.acquire(ctx(c, Duration.ofSeconds(40)));
                } catch (InterruptedException e) {
                    return new FailoverOutcome.Cancelled("interrupted");
                }
            });
            awaitPost();
            c.cancel();
            assertThat(call.get(5, TimeUnit.SECONDS)).isInstanceOf(FailoverOutcome.Cancelled.class);
        }
    }

    private void awaitPost() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (cloud.count("POST") == 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(cloud.count("POST")).isEqualTo(1);
    }

    @Test
    void anAliasIpMovesFromTheHolderToThisServerAndEveryOtherAliasStays() throws Exception {
        cloud.setAliasIps(HcloudStandIn.OTHER_SERVER, List.of());
        cloud.setAliasIps(S2, List.of(HcloudStandIn.otherAlias(2), HcloudStandIn.ALIAS_IP, "198.18.1.77"));
        try (FailoverProvider p = Configs.aliasIp(cloud.api(), 1)) {
            assertThat(p.check(ctx())).isInstanceOfSatisfying(CredentialCheck.Proven.class,
                    c -> assertThat(c.detail()).contains("Network " + HcloudStandIn.NETWORK_NAME + " is id " + HcloudStandIn.NETWORK_ID,
                            "is on server [" + S2 + "]"));
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(cloud.aliasIps(S1)).containsExactly(HcloudStandIn.otherAlias(1), HcloudStandIn.ALIAS_IP);
            assertThat(cloud.aliasIps(S2)).containsExactly(HcloudStandIn.otherAlias(2), "198.18.1.77");
            List<HcloudStandIn.Request> posts = cloud.requests().stream().filter(r -> r.method().equals("POST")).toList();
            assertThat(posts).extracting(HcloudStandIn.Request::path).containsExactly(
                    "/v1/servers/" + S2 + "/actions/change_alias_ips", "/v1/servers/" + S1 + "/actions/change_alias_ips");
            assertThat(posts.get(0).body()).isEqualTo("{\"network\":9000,\"alias_ips\":[\"198.18.1.12\",\"198.18.1.77\"]}");
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.AlreadyInPlace.class);
        }
    }

    @Test
    void anAliasIpWhoseRemovalFailsIsNotAddedHere() throws Exception {
        cloud.actionsFail(true);
        try (FailoverProvider p = Configs.aliasIp(cloud.api(), 1)) {
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.RetryableFailure.class);
            assertThat(cloud.count("POST")).as("only the removal was tried").isEqualTo(1);
            assertThat(cloud.aliasHolders(HcloudStandIn.ALIAS_IP)).containsExactly(HcloudStandIn.OTHER_SERVER);
        }
        try (FailoverProvider p = Configs.aliasIp(cloud.api(), 1, "network", "no-such-network")) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("no Network named 'no-such-network'"));
        }
    }

    @Test
    void theTokenNeverReachesTheLog() throws Exception {
        try (FailoverProvider p = fip()) {
            p.acquire(ctx());
        }
        try (FailoverProvider p = fip("token_env", "HCLOUD_BAD_TOKEN")) {
            p.acquire(ctx());
        }
        assertThat(cloud.requests()).anyMatch(r -> ("Bearer " + HcloudStandIn.TOKEN).equals(r.authorization()));
        String log = Files.readString(Path.of("target/test.log"));
        assertThat(log).contains("hcloud: assigning Floating IP").doesNotContain(HcloudStandIn.TOKEN, "wrong-token-SECRET");
    }
}
