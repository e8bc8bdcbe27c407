package org.vrrp4j.failover.hetzner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import org.vrrp4j.testkit.hetzner.HetznerRobotStandIn;

/** {@code hetzner_robot} against the Robot stand-in, one fault at a time. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HetznerRobotProviderTest {
    private static final String IP = HetznerRobotStandIn.FAILOVER_IP;
    private static final String S1 = HetznerRobotStandIn.SERVER_IPS.get(0);
    private static final String S2 = HetznerRobotStandIn.SERVER_IPS.get(1);
    private HetznerRobotStandIn robot;

    @BeforeEach
    void start() throws Exception {
        robot = new HetznerRobotStandIn();
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    private static DirectContext ctx() {
        return ctx(new Cancellation(), Duration.ofSeconds(60));
    }

    private static DirectContext ctx(Cancellation c, Duration deadline) {
        return new DirectContext(new RoleChange("VI_1", false, RoleChange.RouterState.MASTER, 254), c, Instant.now().plus(deadline));
    }

    private FailoverProvider provider(String... more) {
        return Configs.robot(robot.api(), 1, more);
    }

    @Test
    void readsFirstThenSwitchesWithOneFormEncodedPostThatWaitsForTheSwitch() throws Exception {
        robot.switchTime(Duration.ofSeconds(2));
        try (FailoverProvider p = provider()) {
            long t0 = System.nanoTime();
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the call returns when the switch is done")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(robot.activeServerIp(IP)).isEqualTo(S1);
            assertThat(robot.requests()).extracting(HetznerRobotStandIn.Request::method).containsExactly("GET", "POST");
            assertThat(robot.requests().get(1).body()).isEqualTo("active_server_ip=198.18.1.1");
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.AlreadyInPlace.class);
            assertThat(robot.count("POST")).as("already here: no second switch").isEqualTo(1);
        }
    }

    @Test
    void theCheckNeverSpendsTheSwitchBudget() throws Exception {
        try (FailoverProvider p = provider()) {
            for (int i = 0; i < 3; i++) {
                assertThat(p.check(ctx())).isInstanceOfSatisfying(CredentialCheck.Proven.class, c -> assertThat(c.detail())
                        .contains("webservice user accepted", "routed to " + HetznerRobotStandIn.OTHER_SERVER_IP)
                        .doesNotContain(HetznerRobotStandIn.PASSWORD));
            }
            assertThat(robot.count("POST")).isZero();
            assertThat(robot.count("GET")).isEqualTo(3);
        }
    }

    @Test
    void a401IsNeverRetriedSoTheCallerIsNeverBlocked() throws Exception {
        try (FailoverProvider p = provider("password_env", "ROBOT_BAD_PASSWORD")) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("401").doesNotContain("wrong-password-SECRET"));
            assertThat(p.check(ctx())).isInstanceOfSatisfying(CredentialCheck.Failed.class,
                    f -> assertThat(f.failure()).isInstanceOf(FailoverOutcome.PermanentFailure.class));
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.PermanentFailure.class);
            assertThat(p.locate(ctx())).isInstanceOf(org.vrrp4j.failover.spi.Location.Unknown.class);
            assertThat(robot.requests()).as("one failed login, then no more requests").hasSize(1);
            assertThat(robot.blocked()).isFalse();
        }
    }

    @Test
    void afterA401OnlyAChangedPasswordFileBringsOneMoreLogin(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("robot-password");
        Files.writeString(file, "wrong-password-SECRET\n");
        try (FailoverProvider p = provider("password_env", "", "password_file", file.toString())) {
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.PermanentFailure.class);
            assertThat(p.check(ctx())).isInstanceOf(CredentialCheck.Failed.class);
            assertThat(robot.requests()).as("the file did not change: nothing sent").hasSize(1);
            Files.writeString(file, HetznerRobotStandIn.PASSWORD + "\n");
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(robot.failedLogins()).isZero();
        }
    }

    @Test
    void unknownFailoverIpOrServerIsPermanent() throws Exception {
        try (FailoverProvider p = provider("failover_ip", "198.18.250.250")) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("404", "NOT_FOUND"));
        }
        try (FailoverProvider p = provider("server_ip", "198.18.7.7")) {
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("FAILOVER_NEW_SERVER_NOT_FOUND", "server_ip"));
        }
    }

    @Test
    void aLockedIpIsRetriedLaterAndAlreadyRoutedIsInPlace() throws Exception {
        robot.switchTime(Duration.ofSeconds(5));
        try (FailoverProvider first = provider(); FailoverProvider second = provider()) {
            CompletableFuture<FailoverOutcome> switching = CompletableFuture.supplyAsync(() -> call(first));
            awaitPosts(1);
            Instant before = Instant.now();
            // the same server's second provider (a restarted daemon) reads "elsewhere" and finds the switch running
            assertThat(second.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class, f -> {
                assertThat(f.message()).contains("409", "FAILOVER_LOCKED");
                assertThat(f.notBefore().orElseThrow()).isAfter(before.plus(RobotProvider.LOCKED_PAUSE).minusSeconds(1));
            });
            assertThat(switching.get(30, TimeUnit.SECONDS)).isInstanceOf(FailoverOutcome.Done.class);
        }
        // a read that left before a switch ended sees the old routing; Robot then answers "already routed"
        robot.route(IP, S2);
        robot.switchTime(Duration.ofSeconds(1));
        try (FailoverProvider first = provider(); FailoverProvider second = provider()) {
            robot.readDelay(Duration.ofMillis(2500));
            int before = robot.requests().size();
            CompletableFuture<FailoverOutcome> late = CompletableFuture.supplyAsync(() -> call(second));
            awaitRequests(before + 1); // second's read arrived: it answers late, with the old routing
            robot.readDelay(Duration.ZERO);
            assertThat(first.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(late.get(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(FailoverOutcome.AlreadyInPlace.class,
                    a -> assertThat(a.detail()).contains("FAILOVER_ALREADY_ROUTED"));
        }
    }

    private static FailoverOutcome call(FailoverProvider p) {
        try {
            return p.acquire(ctx());
        } catch (InterruptedException e) {
            return new FailoverOutcome.Cancelled("interrupted");
        }
    }

    private void awaitRequests(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (robot.requests().size() < n && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(robot.requests()).hasSize(n);
    }

    private void awaitPosts(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (robot.count("POST") < n && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(robot.count("POST")).isEqualTo(n);
    }

    @Test
    void rateLimitsAndMaintenanceAreRetryable() throws Exception {
        robot.limits(100, 0);
        try (FailoverProvider p = provider()) {
            Instant before = Instant.now();
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class, f -> {
                assertThat(f.message()).contains("403", "RATE_LIMIT_EXCEEDED");
                assertThat(f.notBefore().orElseThrow()).isAfter(before);
            });
            robot.limits(100, 50);
            robot.maintenance(true);
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("503"));
            robot.maintenance(false);
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
        }
    }

    @Test
    void aFailedSwitchIsJudgedByReadingTheStateAgain() throws Exception {
        try (FailoverProvider p = provider()) {
            robot.failNextSwitch("FAILOVER_FAILED", false);
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("500 FAILOVER_FAILED", "read afterwards"));
            robot.failNextSwitch("FAILOVER_NOT_COMPLETE", true);
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.Done.class,
                    d -> assertThat(d.detail()).contains("FAILOVER_NOT_COMPLETE", "routed to " + S1));
        }
    }

    @Test
    void afterAClientTimeoutTheStateIsReadAndNoSecondSwitchIsStartedWhileOursMayRun() throws Exception {
        robot.switchTime(Duration.ofSeconds(7));
        try (FailoverProvider p = provider()) {
            // a deadline 3 s away cuts the 7 s switch on the client's side; it completes at Robot all the same
            assertThat(p.acquire(ctx(new Cancellation(), Duration.ofSeconds(3)))).isInstanceOfSatisfying(
                    FailoverOutcome.RetryableFailure.class, f -> assertThat(f.message()).contains("no answer within", "read afterwards"));
            assertThat(robot.requests()).extracting(HetznerRobotStandIn.Request::method).containsExactly("GET", "POST", "GET");
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("may still run"));
            assertThat(robot.count("POST")).isEqualTo(1);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!S1.equals(robot.activeServerIp(IP)) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.AlreadyInPlace.class);
            assertThat(robot.count("POST")).isEqualTo(1);
        }
    }

    @Test
    void cancellationAbandonsTheWaitingSwitchAtOnce() throws Exception {
        robot.switchTime(Duration.ofSeconds(8));
        try (FailoverProvider p = provider()) {
            Cancellation c = new Cancellation();
            CompletableFuture<FailoverOutcome> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.acquire(ctx(c, Duration.ofSeconds(60)));
                } catch (InterruptedException e) {
                    return new FailoverOutcome.Cancelled("interrupted");
                }
            });
            awaitPosts(1);
            long t0 = System.nanoTime();
            c.cancel();
            assertThat(call.get(5, TimeUnit.SECONDS)).isInstanceOf(FailoverOutcome.Cancelled.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            // the abandoned switch goes on at Robot: becoming master again meanwhile reads, and posts nothing
            assertThat(p.acquire(ctx())).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("may still run"));
            assertThat(robot.count("POST")).isEqualTo(1);
        }
    }

    @Test
    void anIpv6FailoverNetIsRoutedToThisServersMainIpv6Net() throws Exception {
        try (FailoverProvider p = provider("failover_ip", HetznerRobotStandIn.FAILOVER_NET6,
                "server_ip", HetznerRobotStandIn.SERVER_NETS6.get(0))) {
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(robot.activeServerIp(HetznerRobotStandIn.FAILOVER_NET6)).isEqualTo(HetznerRobotStandIn.SERVER_NETS6.get(0));
            assertThat(p.acquire(ctx())).isInstanceOf(FailoverOutcome.AlreadyInPlace.class);
        }
    }

    @Test
    void thePasswordNeverReachesTheLog() throws Exception {
        try (FailoverProvider p = provider()) {
            p.acquire(ctx());
        }
        try (FailoverProvider p = provider("password_env", "ROBOT_BAD_PASSWORD")) {
            p.acquire(ctx());
        }
        String log = Files.readString(Path.of("target/test.log"));
        assertThat(log).contains("hetzner_robot: routing failover IP").doesNotContain(HetznerRobotStandIn.PASSWORD,
                "wrong-password-SECRET");
    }
}
