package org.vrrp4j.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.vrrp4j.failover.FailoverEvent.Step;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.RoleChange;

/**
 * The decisions for one provider bound to one router, as a pure state machine: {@link #step} takes an
 * {@link Event} and the time, and returns the {@link Command}s to carry out, in order. It starts no
 * thread, reads no clock and calls no provider; {@link FailoverCoordinator} is the shell that does
 * (worker threads, timers, cancellation) and feeds the results back as events.
 *
 * <p>The rules: a MASTER acquires, retried per {@link RetryPolicy}; leaving MASTER cancels the call in
 * flight and drops pending retries; one call at a time, the newest role wins; a master re-verifies on
 * an interval or when told to re-assert, and re-acquires when the routing drifted; a non-master
 * releases when configured and the provider can.
 *
 * <p>Credential checks ({@link FailoverProvider#check}), when the provider supports them and
 * {@link BindingOptions#checkEvery()} is not zero: one at {@link Event.Bound}, then every interval, whatever
 * the role. They never overlap another call and never delay a take-over: a check waits while a master's
 * acquisition is pending, re-verification is requested or a release is due, and becoming MASTER cancels a
 * running check (it is run again once the take-over settled). Cancelling, not waiting, because a check is
 * several requests, each up to the provider's request timeout, while the acquire needs the same client,
 * token and lookups and does them itself; a provider keeps what must not be torn (a token refresh, which
 * netcup rotates) out of the cancellation. A failed check is retried sooner than the interval: 30 s,
 * doubling, at most 1 h (and never later than the interval): quick enough that a short outage is
 * re-proven within minutes, bounded so that a long one or a dead login costs at most one call an hour.
 *
 * <p>Time is nanoseconds since {@code origin} (the shell's clock at start); events carry
 * {@code origin + nanos} as their instant.
 */
final class BindingMachine {

    /** The timers a binding uses; at most one of each is armed. */
    enum Timer {
        /** The next acquisition attempt after a retryable failure. */
        RETRY,
        /** The next periodic check of the routing while master. */
        REVERIFY,
        /** A running call past its deadline (plus a grace second) is cancelled. */
        CALL_DEADLINE,
        /** The next credential check. */
        CHECK
    }

    /** What happens to the binding. */
    sealed interface Event {
        /** The router's new role; {@code sequence} grows with each change, an older one is ignored. */
        record RoleChanged(RoleChange change, long sequence) implements Event {
            public RoleChanged {
                Objects.requireNonNull(change, "change");
            }
        }

        /** An acquire or release call returned. */
        record CallFinished(long call, FailoverOutcome outcome) implements Event {
            public CallFinished {
                Objects.requireNonNull(outcome, "outcome");
            }
        }

        /** A locate call returned. */
        record LocateFinished(long call, Location location) implements Event {
            public LocateFinished {
                Objects.requireNonNull(location, "location");
            }
        }

        /** An armed timer is due. */
        record TimerFired(Timer timer) implements Event {
            public TimerFired {
                Objects.requireNonNull(timer, "timer");
            }
        }

        /** A master heard a lower-priority master (a split brain healed): check the routing now. */
        record Reassert() implements Event {
        }

        /** The binding ends (unbind, close): cancel what runs, arm nothing more. */
        record Unbind() implements Event {
        }

        /** The binding starts: the first credential check is due. */
        record Bound() implements Event {
        }

        /** A credential check returned. */
        record CheckFinished(long call, CredentialCheck result) implements Event {
            public CheckFinished {
                Objects.requireNonNull(result, "result");
            }
        }
    }

    /** What the shell must do. */
    sealed interface Command {
        /** Run a provider call on a worker; its result comes back as CallFinished or LocateFinished. */
        record StartCall(long call, Step step, int attempt, RoleChange role, long deadlineNanos) implements Command {
        }

        /** Run a credential check on a worker; its result comes back as CheckFinished. */
        record StartCheck(long call, RoleChange role, long deadlineNanos) implements Command {
        }

        /** The credential checks' snapshot changed. */
        record CheckState(CheckStatus status) implements Command {
        }

        /** Cancel the running call (its result still comes back). */
        record CancelCall(long call) implements Command {
        }

        /** Arm (or re-arm) a timer at an absolute time. */
        record ArmTimer(Timer timer, long atNanos) implements Command {
        }

        /** Disarm a timer. */
        record CancelTimer(Timer timer) implements Command {
        }

        /** Tell the listeners. */
        record Publish(FailoverEvent event) implements Command {
        }

        /** The binding's status changed (idle: no call running or due for the current role). */
        record Status(boolean acquired, boolean busy, boolean idle) implements Command {
        }
    }

    /** Where acquisition for the current master term stands; {@link #FRESH} is the one reset. */
    private record Acquisition(int attempts, long firstAttempt, Phase phase) {
        static final Acquisition FRESH = new Acquisition(0, 0, Phase.PENDING);

        enum Phase { PENDING, ACQUIRED, GAVE_UP }

        boolean pending() {
            return phase == Phase.PENDING;
        }
    }

    /** The running provider call. */
    private static final class Call {
        final long id;
        final Step step;
        final int attempt;
        final RoleChange role;
        final long roleSequence;
        final long term;
        final long startedAt;
        final long deadline;
        boolean timedOut;
        boolean cancelled;
        /** a credential check ({@code step} is null) */
        boolean check;

        Call(long id, Step step, int attempt, RoleChange role, long roleSequence, long term, long startedAt,
                long deadline) {
            this.id = id;
            this.step = step;
            this.attempt = attempt;
            this.role = role;
            this.roleSequence = roleSequence;
            this.term = term;
            this.startedAt = startedAt;
            this.deadline = deadline;
        }
    }

    private static final Duration DEADLINE_GRACE = Duration.ofSeconds(1);

    private final String router;
    private final String resource;
    private final BindingOptions options;
    private final boolean canRelease;
    private final boolean canLocate;
    private final boolean checks;
    private final Instant origin;
    private final RandomGenerator random;

    private RoleChange desired;
    private long desiredSequence = -1;
    /** Counts flips between master and not master: a same-state change (a priority change) keeps it. */
    private long term;
    private Acquisition acquisition = Acquisition.FRESH;
    private boolean retryArmed;
    private boolean reverifyArmed;
    private boolean verifyRequested;
    private long releasedFor = -1;
    private Call running;
    private long nextCallId = 1;
    private boolean stopped;
    private Command.Status lastStatus = new Command.Status(false, false, true);
    private final CheckBook book;

    // per step
    private long now;
    private List<Command> out;

    /**
     * @param canRelease {@link FailoverProvider#supportsRelease()}
     * @param canLocate  {@link FailoverProvider#supportsLocate()}
     * @param canCheck   {@link FailoverProvider#supportsCheck()}
     * @param origin     the instant of time 0
     * @param random     jitter for retries
     */
    BindingMachine(String router, String resource, BindingOptions options, boolean canRelease, boolean canLocate,
            boolean canCheck, Instant origin, RandomGenerator random) {
        this.router = Objects.requireNonNull(router, "router");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.options = Objects.requireNonNull(options, "options");
        this.canRelease = canRelease;
        this.canLocate = canLocate;
        this.origin = Objects.requireNonNull(origin, "origin");
        this.random = Objects.requireNonNull(random, "random");
        this.checks = canCheck && !options.checkEvery().isZero();
        this.book = new CheckBook(CheckStatus.initial(router, resource), options.checkEvery());
    }

    /** Whether this binding runs credential checks. */
    boolean checks() {
        return checks;
    }

    /** Feeds one event at {@code nowNanos}; returns what to do, in order. */
    List<Command> step(Event event, long nowNanos) {
        now = nowNanos;
        out = new ArrayList<>();
        switch (event) {
            case Event.RoleChanged r -> roleChanged(r);
            case Event.CallFinished f -> finished(f.call(), f.outcome(), null);
            case Event.LocateFinished l -> finished(l.call(), outcomeOf(l.location()), l.location());
            case Event.TimerFired t -> timerFired(t.timer());
            case Event.Reassert r -> requestVerify();
            case Event.Unbind u -> unbind();
            case Event.Bound b -> book.due = checks && !stopped;
            case Event.CheckFinished f -> checkFinished(f.call(), f.result());
        }
        if (!stopped) {
            decide();
        }
        Command.Status status = new Command.Status(acquisition.phase() == Acquisition.Phase.ACQUIRED, running != null,
                idle());
        if (!status.equals(lastStatus)) {
            lastStatus = status;
            out.add(status);
        }
        if (checks && book.publish(running != null && running.check, origin)) {
            out.add(new Command.CheckState(book.status));
        }
        List<Command> result = List.copyOf(out);
        out = null;
        return result;
    }

    private void roleChanged(Event.RoleChanged r) {
        if (stopped || r.sequence() <= desiredSequence) {
            return; // a late report of an older role: the newest wins
        }
        boolean wasMaster = wantsResource();
        desired = r.change();
        desiredSequence = r.sequence();
        boolean master = wantsResource();
        if (master != wasMaster) {
            term++;
            cancelTimer(Timer.RETRY);
            cancelTimer(Timer.REVERIFY);
            acquisition = Acquisition.FRESH;
            verifyRequested = false;
            if (!(running != null && running.check && !master)) {
                cancelRunning(); // its completion reconciles again; a take-over never waits for a check
            } // a check goes on when the node leaves master: it needs nothing of the role
        } else if (!master && running != null && running.step == Step.RELEASE) {
            cancelRunning(); // e.g. BACKUP then FAULT: the newer script replaces the older
        }
    }

    private void requestVerify() {
        if (!stopped && wantsResource()) {
            verifyRequested = true;
        }
    }

    private void timerFired(Timer timer) {
        switch (timer) {
            case RETRY -> retryArmed = false;
            case REVERIFY -> {
                if (!reverifyArmed) {
                    return;
                }
                reverifyArmed = false;
                requestVerify();
            }
            case CHECK -> {
                if (!book.armed) {
                    return;
                }
                book.armed = false;
                book.due = true;
            }
            case CALL_DEADLINE -> {
                // a provider that ignores its deadline must not hold the binding for ever
                if (running != null) {
                    running.timedOut = true;
                    cancelRunning();
                }
            }
        }
    }

    private void unbind() {
        if (stopped) {
            return;
        }
        stopped = true;
        cancelTimer(Timer.RETRY);
        cancelTimer(Timer.REVERIFY);
        cancelTimer(Timer.CHECK);
        book.due = false;
        cancelRunning();
    }

    private void cancelRunning() {
        if (running != null && !running.cancelled) {
            running.cancelled = true;
            out.add(new Command.CancelCall(running.id));
        }
    }

    /** Starts the call the desired role needs, if none runs and none is due later. */
    private void decide() {
        if (running != null) {
            return;
        }
        decideRole();
        if (running == null && book.due && !takingOver()) {
            startCheck();
        }
    }

    /** A master whose acquisition is not settled, or a due release: checks wait for these. */
    private boolean takingOver() {
        if (desired == null) {
            return false;
        }
        return wantsResource() ? acquisition.pending() || retryArmed || verifyRequested : wantsRelease();
    }

    private void decideRole() {
        if (desired == null) {
            return;
        }
        if (wantsResource()) {
            if (acquisition.pending() && !retryArmed) {
                start(Step.ACQUIRE);
            } else if (verifyRequested && canLocate && !retryArmed) {
                start(Step.VERIFY);
            } else if (verifyRequested && !canLocate && !acquisition.pending()) {
                acquisition = Acquisition.FRESH; // cannot look: re-acquire, which checks first
                start(Step.ACQUIRE);
            }
        } else if (wantsRelease()) {
            start(Step.RELEASE);
        }
    }

    private void start(Step step) {
        int attempt = 1;
        long deadline;
        if (step == Step.ACQUIRE) {
            long first = acquisition.attempts() == 0 ? now : acquisition.firstAttempt();
            acquisition = new Acquisition(acquisition.attempts() + 1, first, Acquisition.Phase.PENDING);
            attempt = acquisition.attempts();
            deadline = first + options.retry().deadline().toNanos();
        } else {
            deadline = now + options.retry().deadline().toNanos();
        }
        verifyRequested = false; // an acquire checks first, so it answers a pending request as a locate does
        running = new Call(nextCallId++, step, attempt, desired, desiredSequence, term, now, deadline);
        publish(new FailoverEvent.Started(router, resource, at(now), step, attempt));
        out.add(new Command.StartCall(running.id, step, attempt, desired, deadline));
        out.add(new Command.ArmTimer(Timer.CALL_DEADLINE, deadline + DEADLINE_GRACE.toNanos()));
    }

    private void startCheck() {
        book.due = false;
        long deadline = now + CheckBook.TIMEOUT.toNanos();
        // before the router's first role the provider is told STOP with priority 0: not running as a router yet
        RoleChange role = desired != null ? desired : new RoleChange(router, false, RoleChange.RouterState.STOP, 0);
        running = new Call(nextCallId++, null, 1, role, desiredSequence, term, now, deadline);
        running.check = true;
        out.add(new Command.StartCheck(running.id, role, deadline));
        out.add(new Command.ArmTimer(Timer.CALL_DEADLINE, deadline + DEADLINE_GRACE.toNanos()));
    }

    private void checkFinished(long id, CredentialCheck reported) {
        if (running == null || running.id != id || !running.check) {
            return;
        }
        Call call = running;
        running = null;
        out.add(new Command.CancelTimer(Timer.CALL_DEADLINE));
        CredentialCheck result = reported;
        if (call.timedOut) {
            result = new CredentialCheck.Failed(new FailoverOutcome.RetryableFailure("check did not finish by its deadline "
                    + at(call.deadline)));
        }
        if (stopped) {
            return;
        }
        if (result instanceof CredentialCheck.Cancelled) {
            book.due = true; // a take-over cut it short: check again once it settled
            return;
        }
        long next = book.finished(result, now, origin);
        out.add(new Command.ArmTimer(Timer.CHECK, next));
        publish(new FailoverEvent.Checked(router, resource, at(now), result, Duration.ofNanos(now - call.startedAt),
                book.status.failuresInARow(), Optional.of(at(next))));
    }

    private void finished(long id, FailoverOutcome reported, Location location) {
        if (running == null || running.id != id || running.check) {
            return; // not the running call: nothing to finish
        }
        Call call = running;
        running = null;
        out.add(new Command.CancelTimer(Timer.CALL_DEADLINE));
        FailoverOutcome outcome = reported;
        if (call.timedOut) {
            outcome = new FailoverOutcome.RetryableFailure(call.step + " did not finish by its deadline " + at(call.deadline));
            location = null;
        }
        publish(new FailoverEvent.Finished(router, resource, at(now), call.step, call.attempt, outcome,
                Duration.ofNanos(now - call.startedAt)));
        if (stopped) {
            return;
        }
        boolean sameTerm = call.term == term;
        switch (call.step) {
            case ACQUIRE -> {
                if (sameTerm) {
                    afterAcquire(outcome);
                }
            }
            case RELEASE -> {
                if (!(outcome instanceof FailoverOutcome.Cancelled)) {
                    releasedFor = call.roleSequence;
                }
            }
            case VERIFY -> {
                if (sameTerm) {
                    if (location instanceof Location.Elsewhere e) {
                        acquisition = Acquisition.FRESH;
                        publish(new FailoverEvent.Drift(router, resource, at(now), e.detail()));
                    } else {
                        armReverify();
                    }
                }
            }
        }
    }

    private void afterAcquire(FailoverOutcome outcome) {
        switch (outcome) {
            case FailoverOutcome.Done d -> acquired();
            case FailoverOutcome.AlreadyInPlace a -> acquired();
            case FailoverOutcome.Cancelled c -> { }
            case FailoverOutcome.PermanentFailure p -> giveUp("permanent failure: " + p.message());
            case FailoverOutcome.RetryableFailure r -> {
                RetryPolicy policy = options.retry();
                int attempts = acquisition.attempts();
                if (attempts >= policy.maxAttempts()) {
                    giveUp(attempts + " attempts failed, last: " + r.message());
                    return;
                }
                long next = now + policy.backoff(attempts, random).toNanos();
                if (r.notBefore().isPresent()) {
                    next = Math.max(next, nanos(r.notBefore().get()));
                }
                long deadline = acquisition.firstAttempt() + policy.deadline().toNanos();
                if (next > deadline) {
                    giveUp("next attempt at " + at(next) + " is past the deadline " + at(deadline) + "; last: " + r.message());
                    return;
                }
                publish(new FailoverEvent.RetryScheduled(router, resource, at(now), attempts + 1, at(next)));
                retryArmed = true;
                out.add(new Command.ArmTimer(Timer.RETRY, next));
            }
        }
    }

    private void acquired() {
        acquisition = new Acquisition(acquisition.attempts(), acquisition.firstAttempt(), Acquisition.Phase.ACQUIRED);
        armReverify();
    }

    private void giveUp(String reason) {
        acquisition = new Acquisition(acquisition.attempts(), acquisition.firstAttempt(), Acquisition.Phase.GAVE_UP);
        publish(new FailoverEvent.GaveUp(router, resource, at(now), reason));
        armReverify(); // the periodic check is the safety net: drift restarts the attempts
    }

    /**
     * Only a provider that can locate its resource is re-verified on a timer: for one that cannot (a
     * notify script), a re-verification would be a second acquire, and keepalived runs a notify script
     * once per transition.
     */
    private void armReverify() {
        if (!canLocate || options.reverifyEvery().isZero() || !wantsResource()) {
            cancelTimer(Timer.REVERIFY);
        } else { // arming again moves an armed timer
            reverifyArmed = true;
            out.add(new Command.ArmTimer(Timer.REVERIFY, now + options.reverifyEvery().toNanos()));
        }
    }

    private void cancelTimer(Timer timer) {
        boolean armed = switch (timer) {
            case RETRY -> retryArmed;
            case REVERIFY -> reverifyArmed;
            case CHECK -> book.armed;
            case CALL_DEADLINE -> false; // ends with its call
        };
        if (armed) {
            out.add(new Command.CancelTimer(timer));
            retryArmed &= timer != Timer.RETRY;
            reverifyArmed &= timer != Timer.REVERIFY;
            book.armed &= timer != Timer.CHECK;
        }
    }

    private boolean wantsResource() {
        return desired != null && desired.state().wantsResource();
    }

    private boolean wantsRelease() {
        return options.release() && canRelease && releasedFor != desiredSequence;
    }

    /** No call running and none due for the current role (periodic re-verification and checks aside). */
    private boolean idle() {
        if (running != null && !running.check) {
            return false;
        }
        if (stopped || desired == null) {
            return true;
        }
        if (retryArmed) {
            return false;
        }
        return wantsResource() ? !acquisition.pending() : !wantsRelease();
    }

    private static FailoverOutcome outcomeOf(Location location) {
        return switch (location) {
            case Location.Here h -> new FailoverOutcome.AlreadyInPlace(h.detail());
            case Location.Elsewhere e -> new FailoverOutcome.PermanentFailure("routed elsewhere: " + e.detail());
            case Location.Unknown u -> u.failure();
        };
    }

    private void publish(FailoverEvent e) {
        out.add(new Command.Publish(e));
    }

    private Instant at(long nanos) {
        return origin.plusNanos(nanos);
    }

    private long nanos(Instant instant) {
        return Duration.between(origin, instant).toNanos();
    }
}
