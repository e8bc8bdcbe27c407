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
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverEvent;
import org.vrrp4j.failover.FailoverEvent.Step;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.RetryPolicy;
import org.vrrp4j.testkit.failover.BlockingProvider;
import org.vrrp4j.testkit.failover.BlockingProvider.Call;
import org.vrrp4j.testkit.failover.ManualScheduler;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;

/**
 * The coordinator's rules, deterministically: virtual time from {@link ManualScheduler}, provider calls
 * that block until the test answers them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverCoordinatorTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    private static final RetryPolicy THREE_TRIES = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.0,
            Duration.ofMinutes(10));

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

    private void bind(boolean release, boolean locate, RetryPolicy retry, Duration reverify) {
        provider = new BlockingProvider(release, locate);
        coordinator.bind("VI_1", provider, new BindingOptions(retry, reverify, release));
        clock.drain();
    }

    private void role(RouterState state) {
        coordinator.update(new RoleChange("VI_1", false, state, state == RouterState.MASTER ? 254 : 100));
        clock.drain();
    }

    /** The next provider call, running the control thread's tasks while waiting for it. */
    private Call next() throws InterruptedException {
        Call[] call = new Call[1];
        clock.runUntil(() -> (call[0] = provider.pollCall()) != null, WAIT);
        return call[0];
    }

    private void finish(Call call, FailoverOutcome outcome) throws InterruptedException {
        int before = finishedCount();
        call.complete(outcome);
        clock.runUntil(() -> finishedCount() > before, WAIT);
    }

    /**
     * Provider calls started so far, counted from the Started events the coordinator emits on the control
     * thread before it hands a call to a worker: exact once the control thread's tasks ran, where polling
     * the provider for "no call" would race the worker that is about to make it.
     */
    private int started() {
        return eventsOf(FailoverEvent.Started.class).size();
    }

    private int finishedCount() {
        return (int) events.stream().filter(e -> e instanceof FailoverEvent.Finished).count();
    }

    private <T extends FailoverEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void becomingMasterAcquiresOnceAndReportsEachStep() throws Exception {
        bind(false, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        Call call = next();
        assertThat(call.step).isEqualTo(Step.ACQUIRE);
        assertThat(call.context.change().priority()).isEqualTo(254);
        finish(call, new FailoverOutcome.Done("routed"));
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOfSatisfying(FailoverEvent.Started.class, s -> assertThat(s.attempt()).isEqualTo(1));
        assertThat(events.get(1)).isInstanceOfSatisfying(FailoverEvent.Finished.class,
                f -> assertThat(f.outcome()).isEqualTo(new FailoverOutcome.Done("routed")));
        assertThat(coordinator.status()).singleElement().satisfies(s -> assertThat(s.acquired()).isTrue());
        assertThat(started()).as("one call, no second").isEqualTo(1);
    }

    @Test
    void unbindingCancelsTheRunningCallAndForgetsTheRouter() throws Exception {
        bind(false, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        Call call = next();
        Thread unbinder = Thread.ofVirtual().start(() -> coordinator.unbind("VI_1"));
        clock.runUntil(() -> !unbinder.isAlive(), WAIT);
        assertThat(call.cancelled()).as("a reload that drops the router cancels its call").isTrue();
        assertThat(coordinator.status()).as("its status leaves with it").isEmpty();
        role(RouterState.BACKUP);
        role(RouterState.MASTER);
        clock.advance(Duration.ofMinutes(1));
        assertThat(started()).as("an unbound router's role changes run nothing").isEqualTo(1);
    }

    @Test
    void retryableFailuresAreRetriedWithExponentialBackoff() throws Exception {
        bind(false, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        finish(next(), new FailoverOutcome.RetryableFailure("HTTP 503"));
        assertThat(eventsOf(FailoverEvent.RetryScheduled.class)).singleElement()
                .satisfies(r -> assertThat(r.startsAt()).isEqualTo(T0.plusSeconds(1)));
        clock.advance(Duration.ofMillis(999));
        assertThat(started()).as("no retry before the backoff").isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        Call second = next();
        assertThat(second.context.attempt()).isEqualTo(2);
        finish(second, new FailoverOutcome.RetryableFailure("timeout"));
        assertThat(eventsOf(FailoverEvent.RetryScheduled.class).get(1).startsAt()).isEqualTo(T0.plusSeconds(3)); // +2 s
        clock.advance(Duration.ofSeconds(2));
        Call third = next();
        finish(third, new FailoverOutcome.Done("ok"));
        assertThat(coordinator.status().getFirst().acquired()).isTrue();
    }

    @Test
    void attemptsAreBoundedAndThenTheCoordinatorGivesUp() throws Exception {
        bind(false, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        for (int i = 1; i <= 3; i++) {
            Call c = next();
            assertThat(c.context.attempt()).isEqualTo(i);
            finish(c, new FailoverOutcome.RetryableFailure("HTTP 500"));
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(eventsOf(FailoverEvent.GaveUp.class)).singleElement()
                .satisfies(g -> assertThat(g.reason()).contains("3 attempts failed"));
        clock.advance(Duration.ofHours(1));
        assertThat(started()).as("three attempts, then nothing").isEqualTo(3);
    }

    @Test
    void theOverallDeadlineEndsRetriesEarly() throws Exception {
        RetryPolicy shortDeadline = new RetryPolicy(10, Duration.ofSeconds(4), Duration.ofSeconds(4), 1.0, 0.0, Duration.ofSeconds(10));
        bind(false, false, shortDeadline, Duration.ZERO);
        role(RouterState.MASTER);
        finish(next(), new FailoverOutcome.RetryableFailure("a"));
        clock.advance(Duration.ofSeconds(4));
        finish(next(), new FailoverOutcome.RetryableFailure("b"));
        clock.advance(Duration.ofSeconds(4));
        finish(next(), new FailoverOutcome.RetryableFailure("c")); // at 8 s: the next would start at 12 s > 10 s
        assertThat(eventsOf(FailoverEvent.GaveUp.class)).singleElement()
                .satisfies(g -> assertThat(g.reason()).contains("past the deadline"));
    }

    @Test
    void aRateLimitsNotBeforeIsHonoured() throws Exception {
        bind(false, false, new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0, 0.0, Duration.ofMinutes(30)),
                Duration.ZERO);
        role(RouterState.MASTER);
        Instant notBefore = T0.plus(Duration.ofMinutes(5));
        finish(next(), new FailoverOutcome.RetryableFailure("only once every 5 minutes", Optional.of(notBefore)));
        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertThat(started()).as("not before the provider allows").isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(next().context.now()).isEqualTo(notBefore);
    }

    @Test
    void aPermanentFailureIsNotRetried() throws Exception {
        bind(false, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        finish(next(), new FailoverOutcome.PermanentFailure("Invalid credentials."));
        clock.advance(Duration.ofMinutes(10));
        assertThat(started()).as("not retried").isEqualTo(1);
        assertThat(eventsOf(FailoverEvent.GaveUp.class)).singleElement()
                .satisfies(g -> assertThat(g.reason()).contains("Invalid credentials."));
    }

    @Test
    void leavingMasterCancelsTheCallInFlightAtOnceAndNothingCompletesAfter() throws Exception {
        bind(true, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        Call acquire = next();
        role(RouterState.BACKUP);
        assertThat(acquire.cancelled()).as("cancelled as soon as the role changed").isTrue();
        // the release starts only after the cancelled acquire returned: one call at a time
        Call release = next();
        assertThat(release.step).isEqualTo(Step.RELEASE);
        assertThat(release.context.change().state()).isEqualTo(RouterState.BACKUP);
        finish(release, new FailoverOutcome.Done("notify_backup ran"));
        assertThat(eventsOf(FailoverEvent.Finished.class).getFirst().outcome()).isInstanceOf(FailoverOutcome.Cancelled.class);
        assertThat(provider.completedAfterCancel()).isEmpty();
        assertThat(provider.maxConcurrentCalls()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(10));
        assertThat(started()).as("no acquire after the node stopped being master").isEqualTo(2);
    }

    @Test
    void aPendingRetryIsDroppedWhenTheNodeLeavesMaster() throws Exception {
        bind(false, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        finish(next(), new FailoverOutcome.RetryableFailure("HTTP 502"));
        role(RouterState.BACKUP);
        clock.advance(Duration.ofMinutes(5));
        assertThat(started()).as("the pending retry never starts").isEqualTo(1);
    }

    @Test
    void theNewestRoleWinsAndCallsNeverOverlap() throws Exception {
        bind(true, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        Call first = next();
        role(RouterState.BACKUP);
        role(RouterState.MASTER);
        role(RouterState.FAULT);
        role(RouterState.MASTER);
        assertThat(first.cancelled()).isTrue();
        Call now = next();
        while (now.cancelled()) { // superseded calls (a release for BACKUP or FAULT) may have started and been cancelled
            now = next();
        }
        assertThat(now.step).as("after MASTER, BACKUP, MASTER, FAULT, MASTER: acquire for the last MASTER")
                .isEqualTo(Step.ACQUIRE);
        assertThat(now.context.change().state()).isEqualTo(RouterState.MASTER);
        finish(now, new FailoverOutcome.Done("ok"));
        clock.advance(Duration.ofMinutes(10));
        assertThat(eventsOf(FailoverEvent.Started.class).getLast().step()).isEqualTo(Step.ACQUIRE);
        assertThat(started()).as("every started call finished; none after the last acquire")
                .isEqualTo(eventsOf(FailoverEvent.Finished.class).size());
        assertThat(provider.maxConcurrentCalls()).isEqualTo(1);
    }

    @Test
    void whileMasterTheRoutingIsReverifiedAndReacquiredWhenItDrifted() throws Exception {
        bind(false, true, THREE_TRIES, Duration.ofSeconds(30));
        role(RouterState.MASTER);
        finish(next(), new FailoverOutcome.Done("routed"));
        clock.advance(Duration.ofSeconds(29));
        assertThat(started()).as("no check before the interval").isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        Call verify = next();
        assertThat(verify.step).isEqualTo(Step.VERIFY);
        int before = finishedCount();
        verify.locate(new Location.Here("on s1"));
        clock.runUntil(() -> finishedCount() > before, WAIT);
        clock.advance(Duration.ofSeconds(30));
        Call again = next();
        assertThat(again.step).isEqualTo(Step.VERIFY);
        int before2 = finishedCount();
        again.locate(new Location.Elsewhere("routed to s2"));
        clock.runUntil(() -> finishedCount() > before2, WAIT);
        assertThat(eventsOf(FailoverEvent.Drift.class)).singleElement()
                .satisfies(d -> assertThat(d.detail()).isEqualTo("routed to s2"));
        Call reacquire = next();
        assertThat(reacquire.step).isEqualTo(Step.ACQUIRE);
        assertThat(reacquire.context.attempt()).isEqualTo(1);
    }

    @Test
    void reassertChecksAtOnce() throws Exception {
        bind(false, true, THREE_TRIES, Duration.ofMinutes(10));
        role(RouterState.MASTER);
        finish(next(), new FailoverOutcome.Done("routed"));
        coordinator.reassert("VI_1");
        Call verify = next();
        assertThat(verify.step).isEqualTo(Step.VERIFY);
        assertThat(verify.context.now()).as("no waiting for the interval").isEqualTo(T0);
    }

    @Test
    void reassertIsIgnoredByABackup() throws Exception {
        bind(false, true, THREE_TRIES, Duration.ZERO);
        role(RouterState.BACKUP);
        coordinator.reassert("VI_1");
        clock.drain();
        assertThat(started()).isZero();
    }

    @Test
    void closeCancelsWhatRunsAndReturnsWithinItsBound() throws Exception {
        bind(false, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        Call call = next();
        long start = System.nanoTime();
        Thread closer = Thread.ofVirtual().start(coordinator::close);
        clock.runUntil(() -> !closer.isAlive(), WAIT);
        assertThat(call.cancelled()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(provider.completedAfterCancel()).isEmpty();
    }

    @Test
    void jitterOnlyShortensTheBackoff() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(10), Duration.ofSeconds(40), 2.0, 0.5, Duration.ofMinutes(5));
        Random r = new Random(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(p.backoff(2, r)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
        }
        assertThat(RetryPolicy.fixed(10, Duration.ofSeconds(3)).backoff(7, r)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryPolicy.fixed(10, Duration.ofSeconds(3)).maxAttempts()).isEqualTo(10);
    }

    // found in review (helper probes): a same-state update (a priority change) must not lose the rules

    @Test
    void aPriorityChangeDuringVerificationDoesNotStopDriftRecovery() throws Exception {
        bind(false, true, THREE_TRIES, Duration.ofSeconds(30));
        role(RouterState.MASTER);
        finish(next(), new FailoverOutcome.Done("routed"));
        clock.advance(Duration.ofSeconds(30));
        Call verify = next();
        coordinator.update(new RoleChange("VI_1", false, RouterState.MASTER, 200)); // a tracker lowered it
        clock.drain();
        int before = finishedCount();
        verify.locate(new Location.Elsewhere("routed to s2"));
        clock.runUntil(() -> finishedCount() > before, WAIT);
        Call reacquire = next();
        assertThat(reacquire.step).isEqualTo(Step.ACQUIRE);
    }

    @Test
    void aPriorityChangeDuringAcquisitionKeepsNotBeforeAndPermanentFailures() throws Exception {
        bind(false, false, new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0, 0.0, Duration.ofMinutes(30)),
                Duration.ZERO);
        role(RouterState.MASTER);
        Call a = next();
        coordinator.update(new RoleChange("VI_1", false, RouterState.MASTER, 200));
        clock.drain();
        finish(a, new FailoverOutcome.RetryableFailure("only once every 5 minutes", Optional.of(T0.plus(Duration.ofMinutes(5)))));
        clock.advance(Duration.ofMinutes(4));
        assertThat(started()).as("no retry before notBefore").isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        Call b = next();
        coordinator.update(new RoleChange("VI_1", false, RouterState.MASTER, 150));
        clock.drain();
        finish(b, new FailoverOutcome.PermanentFailure("Invalid credentials."));
        clock.advance(Duration.ofMinutes(30));
        assertThat(started()).as("no retry after a permanent failure").isEqualTo(2);
    }

    @Test
    void aCallStillRunningAtTheOverallDeadlineIsCancelledAndCountsAsFailed() throws Exception {
        bind(false, false, THREE_TRIES, Duration.ZERO);
        role(RouterState.MASTER);
        Call a = next();
        clock.advance(Duration.ofMinutes(11)); // the deadline is 10 min
        assertThat(a.cancelled()).isTrue();
        clock.runUntil(() -> !eventsOf(FailoverEvent.GaveUp.class).isEmpty(), WAIT);
        assertThat(eventsOf(FailoverEvent.Finished.class)).singleElement().satisfies(f -> assertThat(f.outcome())
                .isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class, r -> assertThat(r.message()).contains("deadline")));
    }

    @Test
    void aProviderThrowingAnErrorDoesNotWedgeItsBinding() throws Exception {
        FailoverProvider throwing = new FailoverProvider() {
            @Override
            public String resource() {
                return "throws";
            }

            @Override
            public FailoverOutcome acquire(FailoverContext c) {
                throw new NoClassDefFoundError("com/sun/xml/ws/Missing");
            }
        };
        coordinator.bind("VI_1", throwing, new BindingOptions(THREE_TRIES, Duration.ZERO, false));
        clock.drain();
        role(RouterState.MASTER);
        clock.runUntil(() -> finishedCount() > 0, WAIT);
        assertThat(eventsOf(FailoverEvent.RetryScheduled.class)).hasSize(1);
    }
}
