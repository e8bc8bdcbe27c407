package org.vrrp4j.testkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.failover.BindingOptions;
import org.vrrp4j.failover.CheckStatus;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverEvent;
import org.vrrp4j.failover.FailoverEvent.Step;
import org.vrrp4j.failover.RetryPolicy;
import org.vrrp4j.testkit.failover.BlockingProvider.Call;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;

/**
 * The coordinator's credential checks (issue 11 item 5) in virtual time: at bind and every interval on every
 * node whatever its role, never beside another call, never before a take-over, failures retried sooner,
 * and the snapshot the daemon shows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CredentialCheckCoordinatorTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    private static final Instant EXPIRES = T0.plus(Duration.ofDays(30));

    private final ManualScheduler clock = new ManualScheduler(T0);
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final List<FailoverEvent> events = new CopyOnWriteArrayList<>();
    private FailoverCoordinator coordinator;
    private BlockingProvider provider;

    @BeforeEach
    void setUp() {
        coordinator = FailoverCoordinator.builder().scheduler(clock).workers(workers).random(new Random(1))
                .shutdownTimeout(Duration.ofSeconds(2)).listener(events::add).build();
    }

    @AfterEach
    void tearDown() {
        Thread closer = Thread.ofVirtual().start(coordinator::close);
        try {
            clock.runUntil(() -> !closer.isAlive(), WAIT);
        } catch (InterruptedException | AssertionError e) {
            // the test's own assertions matter more
        }
        workers.shutdownNow();
    }

    private void bind(Duration checkEvery) {
        provider = new BlockingProvider(false, true, true);
        coordinator.bind("VI_1", provider, new BindingOptions(RetryPolicy.fixed(3, Duration.ofSeconds(1)), Duration.ZERO,
                false, checkEvery));
        clock.drain();
    }

    private void role(RouterState state) {
        coordinator.update(new RoleChange("VI_1", false, state, state == RouterState.MASTER ? 254 : 100));
        clock.drain();
    }

    private Call next() throws InterruptedException {
        Call[] call = new Call[1];
        clock.runUntil(() -> (call[0] = provider.pollCall()) != null, WAIT);
        return call[0];
    }

    private void answer(Call check, CredentialCheck result) throws InterruptedException {
        int before = checked().size();
        check.check(result);
        clock.runUntil(() -> checked().size() > before, WAIT);
    }

    private List<FailoverEvent.Checked> checked() {
        return events.stream().filter(FailoverEvent.Checked.class::isInstance).map(FailoverEvent.Checked.class::cast).toList();
    }

    private CheckStatus status() {
        assertThat(coordinator.checks()).hasSize(1);
        return coordinator.checks().getFirst();
    }

    @Test
    void aStandingBackupIsCheckedAtBindAndThenEveryIntervalAndTheSnapshotSaysWhatWasProven() throws Exception {
        bind(Duration.ofDays(1));
        role(RouterState.BACKUP);
        Call first = next();
        assertThat(first.isCheck()).as("the first call of a backup is the check at bind").isTrue();
        assertThat(status().running()).isTrue();
        answer(first, new CredentialCheck.Proven("token refreshed; 198.18.200.7 routed to 101", Optional.of(EXPIRES)));

        CheckStatus s = status();
        assertThat(s.lastSuccess()).contains(T0);
        assertThat(s.lastSuccessDetail()).contains("token refreshed; 198.18.200.7 routed to 101");
        assertThat(s.expires()).contains(EXPIRES);
        assertThat(s.healthy()).isTrue();
        assertThat(s.nextCheck()).contains(T0.plus(Duration.ofDays(1)));
        assertThat(coordinator.status().getFirst().lastEvent()).as("a check says nothing about the routing").isEmpty();

        clock.advance(Duration.ofHours(23));
        assertThat(provider.pollCall()).as("nothing before the interval").isNull();
        clock.advance(Duration.ofHours(1));
        Call second = next();
        assertThat(second.isCheck()).isTrue();
        assertThat(second.context.change().state()).as("the role at the time, for the provider's information")
                .isEqualTo(RouterState.BACKUP);
        answer(second, new CredentialCheck.Proven("again", Optional.of(EXPIRES.plus(Duration.ofDays(1)))));
        assertThat(status().lastSuccess()).contains(T0.plus(Duration.ofDays(1)));
        assertThat(status().expires()).contains(EXPIRES.plus(Duration.ofDays(1)));
    }

    @Test
    void becomingMasterCancelsTheRunningCheckAndAcquiresTheMomentItReturnedNeverBesideIt() throws Exception {
        bind(Duration.ofDays(1));
        role(RouterState.BACKUP);
        Call check = next();
        role(RouterState.MASTER);
        clock.runUntil(check::cancelled, WAIT);
        Call acquire = next(); // the check's cancellation answered it: the acquire follows at once
        assertThat(acquire.step).isEqualTo(Step.ACQUIRE);
        assertThat(clock.now()).as("no virtual time passed: the take-over waited for nothing").isEqualTo(T0);
        assertThat(provider.maxConcurrentCalls()).as("calls of one provider never overlap").isEqualTo(1);
        assertThat(status().lastSuccess()).as("a cancelled check records nothing").isEmpty();
        assertThat(status().failures()).isZero();

        acquire.complete(new FailoverOutcome.Done("routed"));
        Call again = next();
        assertThat(again.isCheck()).as("the cut-short check runs again once the take-over settled").isTrue();
        assertThat(again.context.change().state()).isEqualTo(RouterState.MASTER);
        answer(again, new CredentialCheck.Proven("ok"));
        assertThat(status().healthy()).isTrue();
        assertThat(provider.maxConcurrentCalls()).isEqualTo(1);
    }

    @Test
    void aMasterTakingOverIsNotInterruptedByADueCheck() throws Exception {
        bind(Duration.ofMinutes(1));
        role(RouterState.MASTER); // the role reaches the control thread before the check at bind could start
        Call first = next();
        if (first.isCheck()) { // bind's check started first: the role change cancels it
            clock.runUntil(first::cancelled, WAIT);
            first = next();
        }
        assertThat(first.step).isEqualTo(Step.ACQUIRE);
        first.complete(new FailoverOutcome.RetryableFailure("HTTP 503"));
        clock.runUntil(() -> events.stream().anyMatch(FailoverEvent.RetryScheduled.class::isInstance), WAIT);
        clock.advance(Duration.ofSeconds(1));
        Call retry = next();
        assertThat(retry.step).as("the retry, not the due check").isEqualTo(Step.ACQUIRE);
        retry.complete(new FailoverOutcome.Done("routed"));
        Call check = next();
        assertThat(check.isCheck()).isTrue();
        assertThat(provider.maxConcurrentCalls()).isEqualTo(1);
    }

    @Test
    void aFailedCheckIsRetriedSoonerWithABoundedBackoffAndRecovers() throws Exception {
        bind(Duration.ofDays(1));
        role(RouterState.BACKUP);
        answer(next(), new CredentialCheck.Failed(new FailoverOutcome.PermanentFailure(
                "netcup login no longer valid (invalid_grant); run `vrrp4j netcup login` again")));
        CheckStatus failed = status();
        assertThat(failed.lastFailure()).contains(T0);
        assertThat(failed.lastFailureMessage()).hasValueSatisfying(m -> assertThat(m).contains("invalid_grant"));
        assertThat(failed.failures()).isEqualTo(1);
        assertThat(failed.failuresInARow()).isEqualTo(1);
        assertThat(failed.healthy()).isFalse();
        assertThat(failed.nextCheck()).contains(T0.plusSeconds(30));

        clock.advance(Duration.ofSeconds(30));
        answer(next(), new CredentialCheck.Failed(new FailoverOutcome.RetryableFailure("HTTP 503")));
        assertThat(status().nextCheck()).as("doubling").contains(T0.plusSeconds(30 + 60));
        Instant at = clock.now();
        for (int i = 3; i <= 9; i++) { // 2, 4, ..., 64 min: capped at 1 h
            clock.advance(Duration.between(at, status().nextCheck().orElseThrow()));
            at = clock.now();
            answer(next(), new CredentialCheck.Failed(new FailoverOutcome.RetryableFailure("HTTP 503")));
        }
        assertThat(Duration.between(at, status().nextCheck().orElseThrow())).as("bounded").isEqualTo(Duration.ofHours(1));
        assertThat(status().failures()).isEqualTo(9);

        clock.advance(Duration.ofHours(1));
        answer(next(), new CredentialCheck.Proven("token refreshed", Optional.of(EXPIRES)));
        CheckStatus recovered = status();
        assertThat(recovered.healthy()).isTrue();
        assertThat(recovered.failures()).as("the total stays").isEqualTo(9);
        assertThat(recovered.lastFailureMessage()).as("the last error stays").hasValue("HTTP 503");
        assertThat(recovered.nextCheck()).contains(clock.now().plus(Duration.ofDays(1)));
    }

    @Test
    void checkIntervalZeroAndProvidersThatCannotCheckAreNeverChecked() throws Exception {
        bind(Duration.ZERO);
        role(RouterState.BACKUP);
        clock.advance(Duration.ofDays(3));
        assertThat(provider.pollCall()).isNull();
        assertThat(coordinator.checks()).isEmpty();
    }

    @Test
    void unbindingCancelsARunningCheckAndDropsItsSnapshot() throws Exception {
        bind(Duration.ofDays(1));
        Call check = next();
        assertThat(check.context.change().state()).as("before any role").isEqualTo(RouterState.STOP);
        Thread unbinder = Thread.ofVirtual().start(() -> coordinator.unbind("VI_1"));
        clock.runUntil(() -> !unbinder.isAlive(), WAIT);
        assertThat(check.cancelled()).isTrue();
        assertThat(coordinator.checks()).isEmpty();
        clock.advance(Duration.ofDays(2));
        assertThat(provider.pollCall()).isNull();
    }
}
