package org.vrrp4j.failover.netcup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.failover.BindingOptions;
import org.vrrp4j.failover.CheckStatus;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.testkit.failover.DirectContext;
import org.vrrp4j.testkit.failover.ManualScheduler;
import org.vrrp4j.testkit.netcup.NetcupRestStandIn;
import org.vrrp4j.testkit.netcup.NetcupSoapStandIn;

/**
 * The netcup provider's credential check (issue 11 items 5 and 7) against both stand-ins on 127.0.0.1: it
 * proves the login and the lookups without moving anything, keeps REST's offline token alive, and leaves the
 * take-over's path warm; a standing backup that is checked keeps its token past 30 days, one that is not
 * loses it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NetcupCredentialCheckTest {
    private static final String ME = "v2201909876543210";
    private static final RoleChange BACKUP = new RoleChange("VI_1", false, RoleChange.RouterState.BACKUP, 100);
    private static final RoleChange MASTER = new RoleChange("VI_1", false, RoleChange.RouterState.MASTER, 254);

    @TempDir
    Path dir;
    NetcupRestStandIn scp;
    NetcupSoapStandIn soap;
    Path tokenFile;
    Path passwordFile;

    @BeforeEach
    void start() throws Exception {
        scp = new NetcupRestStandIn();
        soap = new NetcupSoapStandIn();
        tokenFile = dir.resolve("netcup.token");
        Files.writeString(tokenFile, NetcupRestStandIn.INITIAL_REFRESH_TOKEN + "\n");
        passwordFile = dir.resolve("webservice.pass");
        Files.writeString(passwordFile, NetcupSoapStandIn.PASSWORD + "\n");
    }

    @AfterEach
    void stop() {
        scp.close();
        soap.close();
    }

    private FailoverProvider rest(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("api", "rest", "failover_ip", NetcupRestStandIn.FAILOVER_V4,
                "server", ME, "token_file", tokenFile.toString(), "api_url", scp.api().toString(),
                "auth_url", scp.realm().toString(), "task_poll", "50ms", "request_timeout", "5s"));
        keys.putAll(extra);
        return FailoverProviders.discover().create("netcup", ProviderConfig.of("VI_1", keys));
    }

    private FailoverProvider soap(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("api", "soap", "failover_ip", NetcupSoapStandIn.FAILOVER,
                "server", ME, "login", NetcupSoapStandIn.LOGIN, "password_file", passwordFile.toString(),
                "soap_url", soap.url().toString(), "verify_poll", "50ms", "request_timeout", "10s"));
        keys.putAll(extra);
        return FailoverProviders.discover().create("netcup", ProviderConfig.of("VI_1", keys));
    }

    private static DirectContext ctx(RoleChange role) {
        return DirectContext.of(role, new Cancellation());
    }

    @Test
    void restCheckRefreshesTheOfflineTokenLooksUpServerAndIpAndMovesNothing() throws Exception {
        try (FailoverProvider p = rest(Map.of())) {
            assertThat(p.supportsCheck()).isTrue();
            Instant before = Instant.now();
            CredentialCheck c = p.check(ctx(BACKUP));
            assertThat(c).isInstanceOfSatisfying(CredentialCheck.Proven.class, proven -> {
                assertThat(proven.detail()).isEqualTo("token refreshed; server " + ME + " is id 102; "
                        + NetcupRestStandIn.FAILOVER_V4 + " is routed to server 101 (v2201901234567890)");
                assertThat(proven.expires()).hasValueSatisfying(e -> assertThat(e)
                        .isBetween(before.plus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(30))));
                assertThat(proven.detail()).doesNotContain("SECRET");
            });
        }
        assertThat(scp.refreshes()).as("the offline token was used").isEqualTo(1);
        assertThat(Files.readString(tokenFile)).as("and its rotation stored").doesNotContain("initial");
        assertThat(scp.patches()).as("nothing moved").isZero();
        assertThat(scp.requests()).extracting(NetcupRestStandIn.Request::path)
                .anyMatch(path -> path.equals("/scp-core/api/v1/servers?name=" + ME))
                .anyMatch(path -> path.endsWith("/failoverips/v4?ip=" + NetcupRestStandIn.FAILOVER_V4));
    }

    @Test
    void restCheckProvesANumericServerIdAndFailsAnUnknownOneAsTheTakeOverWould() throws Exception {
        try (FailoverProvider p = rest(Map.of("server", "102"))) {
            assertThat(p.check(ctx(BACKUP))).isInstanceOfSatisfying(CredentialCheck.Proven.class,
                    proven -> assertThat(proven.detail()).startsWith("token refreshed; server 102; "));
        }
        try (FailoverProvider p = rest(Map.of("server", "999"))) {
            assertThat(p.check(ctx(BACKUP))).isInstanceOfSatisfying(CredentialCheck.Failed.class,
                    f -> assertThat(f.failure()).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                            pf -> assertThat(pf.message()).contains("find server 999").contains("404")));
        }
        scp.editable(NetcupRestStandIn.FAILOVER_V4, false);
        try (FailoverProvider p = rest(Map.of())) {
            assertThat(p.check(ctx(BACKUP))).isInstanceOfSatisfying(CredentialCheck.Failed.class,
                    f -> assertThat(f.failure().toString()).contains("not editable"));
        }
        assertThat(scp.patches()).isZero();
    }

    @Test
    void restCheckWithADeadLoginSaysToLogInAgainWithoutTheToken() throws Exception {
        Files.writeString(tokenFile, "refresh-token-revoked-SECRET\n");
        try (FailoverProvider p = rest(Map.of())) {
            assertThat(p.check(ctx(BACKUP))).isInstanceOfSatisfying(CredentialCheck.Failed.class, f -> {
                assertThat(f.failure()).isInstanceOf(FailoverOutcome.PermanentFailure.class);
                assertThat(f.failure().toString()).contains("invalid_grant").contains("vrrp4j netcup login")
                        .doesNotContain("SECRET");
            });
        }
    }

    @Test
    void soapCheckProvesTheLoginAndServerAndFindsTheMacSoTheTakeOverSendsTheChangeFirst() throws Exception {
        try (FailoverProvider p = soap(Map.of())) {
            assertThat(p.supportsCheck()).isTrue();
            assertThat(p.check(ctx(BACKUP))).isInstanceOfSatisfying(CredentialCheck.Proven.class, proven -> {
                assertThat(proven.detail()).isEqualTo("login accepted; " + ME + " does not hold " + NetcupSoapStandIn.FAILOVER
                        + "; MAC da:88:7b:00:00:02 via interface " + NetcupSoapStandIn.PUBLIC_INTERFACE_ID);
                assertThat(proven.expires()).as("a webservice password does not expire").isEmpty();
            });
            assertThat(soap.operations()).containsExactly("getVServerIPs", "getVServerInformation");
            assertThat(soap.changes()).as("nothing moved").isEmpty();

            int before = soap.operations().size();
            assertThat(p.acquire(ctx(MASTER))).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(soap.operations().subList(before, soap.operations().size()))
                    .as("the take-over: look, change, verify; the MAC is known already")
                    .startsWith("getVServerIPs", "changeIPRouting").doesNotContain("getVServerInformation");
        }
    }

    @Test
    void soapCheckWithAWrongPasswordFailsPermanentlyWithoutThePassword() throws Exception {
        Files.writeString(passwordFile, "wrong-PASSWORD-SECRET\n");
        try (FailoverProvider p = soap(Map.of())) {
            assertThat(p.check(ctx(BACKUP))).isInstanceOfSatisfying(CredentialCheck.Failed.class, f -> {
                assertThat(f.failure()).isInstanceOf(FailoverOutcome.PermanentFailure.class);
                assertThat(f.failure().toString()).contains("Invalid credentials").doesNotContain("SECRET");
            });
        }
        assertThat(soap.changes()).isEmpty();
    }

    /**
     * Two standing backups for 40 days of the SCP's clock and the coordinator's virtual clock together: the one
     * whose provider is checked daily keeps its offline token alive and can take over on day 40; the one with
     * {@code check_interval 0} never calls netcup, and its token is void after 30 idle days.
     */
    @Test
    void aCheckedBackupKeepsItsOfflineTokenPast30DaysWhileAnUncheckedOneLosesIt() throws Exception {
        Path otherToken = dir.resolve("other.token");
        Files.writeString(otherToken, "refresh-token-other-SECRET\n");
        scp.acceptRefreshToken("refresh-token-other-SECRET");
        ManualScheduler clock = new ManualScheduler(Instant.parse("2026-11-24T12:00:00Z"));
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        FailoverProvider checked = rest(Map.of());
        FailoverProvider unchecked = rest(Map.of("token_file", otherToken.toString()));
        FailoverCoordinator coordinator = FailoverCoordinator.builder().scheduler(clock).workers(workers)
                .random(new Random(1)).build();
        try {
            coordinator.bind("VI_1", checked, BindingOptions.standard());
            coordinator.bind("VI_2", unchecked, BindingOptions.standard().withCheckEvery(Duration.ZERO));
            coordinator.update(BACKUP);
            coordinator.update(new RoleChange("VI_2", false, RoleChange.RouterState.BACKUP, 100));
            clock.runUntil(() -> proven(coordinator) == 1, Duration.ofSeconds(20));
            for (int day = 1; day <= 40; day++) {
                scp.advanceClock(Duration.ofDays(1));
                clock.advance(Duration.ofDays(1));
                int expected = day + 1;
                clock.runUntil(() -> proven(coordinator) == expected, Duration.ofSeconds(20));
            }
            CheckStatus s = coordinator.checks().getFirst();
            assertThat(coordinator.checks()).as("check_interval 0: no checks").hasSize(1);
            assertThat(s.router()).isEqualTo("VI_1");
            assertThat(s.failures()).isZero();
            assertThat(s.expires()).contains(clock.now().plus(Duration.ofDays(30)));
            assertThat(scp.refreshes()).as("one refresh a day, and none for the unchecked node").isEqualTo(41);
        } finally {
            Thread closer = Thread.ofVirtual().start(coordinator::close);
            clock.runUntil(() -> !closer.isAlive(), Duration.ofSeconds(20));
            workers.shutdownNow();
        }
        // day 40: both backups must take over now
        try (FailoverProvider p = rest(Map.of())) {
            assertThat(p.acquire(ctx(MASTER))).as("checked daily: the take-over works").isInstanceOf(FailoverOutcome.Done.class);
        }
        try (FailoverProvider p = rest(Map.of("token_file", otherToken.toString()))) {
            assertThat(p.acquire(ctx(MASTER))).as("40 idle days: the token is void")
                    .isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                            f -> assertThat(f.message()).contains("invalid_grant").contains("vrrp4j netcup login"));
        }
    }

    /** Checks that proved the credentials so far: the days counted by the last success's time. */
    private static long proven(FailoverCoordinator coordinator) {
        return coordinator.checks().stream().filter(s -> s.router().equals("VI_1")).findFirst()
                .flatMap(CheckStatus::lastSuccess)
                .map(t -> Duration.between(Instant.parse("2026-11-24T12:00:00Z"), t).toDays() + 1).orElse(0L);
    }

    @Test
    void aTakeOverWithAShortLivedTokenRefreshesOnceAndLooksTheIpUpOnce() throws Exception {
        scp.accessTokensLive(Duration.ofSeconds(1)); // every take-over after a second needs a refresh
        scp.route(NetcupRestStandIn.FAILOVER_V4, 101L);
        try (FailoverProvider p = rest(Map.of())) {
            assertThat(p.check(ctx(BACKUP))).isInstanceOf(CredentialCheck.Proven.class);
            Thread.sleep(1_100); // the access token expires
            int before = scp.requests().size();
            assertThat(p.acquire(ctx(MASTER))).isInstanceOf(FailoverOutcome.Done.class);
            var takeOver = scp.requests().subList(before, scp.requests().size());
            // before: a token renewed 30 s early was renewed before every call, and route() looked the IP up again
            assertThat(takeOver).filteredOn(r -> r.path().endsWith("/token")).as("token refreshes").hasSize(1);
            assertThat(takeOver).filteredOn(r -> r.method().equals("GET") && r.path().contains("/failoverips/"))
                    .as("look-ups before the PATCH").hasSize(1);
            assertThat(takeOver).filteredOn(r -> r.method().equals("PATCH")).hasSize(1);
        }
        assertThat(scp.routedServerV4()).isEqualTo(102L);
    }

    @Test
    void aRotatedTokenThatCannotBeStoredIsKeptInMemoryAndTheCheckSaysSo() throws Exception {
        Path sub = dir.resolve("tokens");
        Files.createDirectories(sub);
        tokenFile = sub.resolve("netcup.token");
        Files.writeString(tokenFile, NetcupRestStandIn.INITIAL_REFRESH_TOKEN + "\n");
        scp.route(NetcupRestStandIn.FAILOVER_V4, 101L);
        scp.delay(500, "/token");
        try (FailoverProvider p = rest(Map.of())) {
            Thread breaker = Thread.ofVirtual().start(() -> {
                try {
                    while (scp.refreshes() == 0 && scp.requests().isEmpty()) {
                        Thread.sleep(5);
                    }
                    // while the refresh is answered: the token's directory becomes a file, no store can succeed
                    Files.delete(tokenFile);
                    Files.delete(sub);
                    Files.writeString(sub, "not a directory");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(p.acquire(ctx(MASTER))).as("the take-over goes on with its access token")
                    .isInstanceOf(FailoverOutcome.Done.class);
            breaker.join();
            scp.delay(0, "/token");
            assertThat(p.check(ctx(MASTER))).as("the newest token from memory works; the check says it is not stored")
                    .isInstanceOfSatisfying(CredentialCheck.Failed.class,
                            f -> assertThat(f.toString()).contains("cannot store the netcup refresh token"));
            Files.delete(sub);
            Files.createDirectories(sub);
            assertThat(p.check(ctx(MASTER))).isInstanceOf(CredentialCheck.Proven.class);
        }
        assertThat(Files.readString(tokenFile).strip()).as("the newest rotated token reached the file")
                .isEqualTo("refresh-token-" + scp.refreshes() + "-SECRET");
    }
}
