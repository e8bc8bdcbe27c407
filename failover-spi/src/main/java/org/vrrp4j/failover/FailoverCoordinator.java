package org.vrrp4j.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives failover providers from routers' roles, getting the hard parts right once:
 * <ul>
 * <li>on MASTER: acquire, retried per {@link RetryPolicy} (backoff with jitter, attempts, deadline,
 *     a provider's "not before" honoured);</li>
 * <li>on leaving MASTER: the call in flight is cancelled at once, so no re-route completes after the
 *     node stopped being master; then release, when configured;</li>
 * <li>never two calls for one provider at a time; the newest role wins;</li>
 * <li>while master: re-verify on an interval and re-acquire when the routing drifted away;
 *     {@link #reassert} (a lower-priority master was heard) does that check at once;</li>
 * <li>an event per step to listeners; {@link #close()} within a bound.</li>
 * </ul>
 * Thread-safe: inputs may come from any thread (the VRRP event loop); decisions run on the
 * {@link FailoverScheduler}'s control thread and provider calls on worker threads (virtual threads by
 * default), never on the caller's.
 */
public final class FailoverCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverCoordinator.class);

    /** Receives every event, on the control thread; must not block. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(FailoverEvent event);
    }

    /**
     * How one provider is run for one router.
     *
     * @param retry          retries of acquisition
     * @param reverifyEvery  how often a master checks the routing; zero turns it off
     * @param release        whether leaving master calls {@link FailoverProvider#release}
     */
    public record Binding(RetryPolicy retry, Duration reverifyEvery, boolean release) {
        public Binding {
            Objects.requireNonNull(retry, "retry");
            Objects.requireNonNull(reverifyEvery, "reverifyEvery");
        }

        /** Standard retries, re-verification every 60 s, release when the provider supports it. */
        public static Binding standard() {
            return new Binding(RetryPolicy.standard(), Duration.ofSeconds(60), true);
        }

        /** The keys {@link #fromConfig} reads; provider factories accept them beside their own. */
        public static final java.util.Set<String> KEYS = java.util.Set.of("retry", "reverify", "release");

        /**
         * A binding from a provider block: {@code retry} ({@code standard} or {@code seed}, the seed
         * script's 10 tries 3 s apart), {@code reverify} (a duration, 0 for off; default 60 s),
         * {@code release} (default true).
         */
        public static Binding fromConfig(ProviderConfig config) {
            RetryPolicy retry = RetryPolicy.preset(config.string("retry", "standard"));
            return new Binding(retry, config.duration("reverify", Duration.ofSeconds(60)), config.bool("release", true));
        }
    }

    /** The latest state of one provider binding, for status pages. */
    public record BindingStatus(String router, String resource, boolean acquired, boolean busy,
            Optional<FailoverEvent> lastEvent) {
    }

    private final FailoverScheduler scheduler;
    private final boolean ownsScheduler;
    private final ExecutorService workers;
    private final boolean ownsWorkers;
    private final RandomGenerator random;
    private final Duration shutdownTimeout;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, List<Slot>> slots = new LinkedHashMap<>(); // control thread only
    private final Map<Slot, Published> published = new java.util.concurrent.ConcurrentHashMap<>();

    private record Published(BindingStatus status, boolean idle) {
    }
    private volatile boolean closing;

    private FailoverCoordinator(Builder b) {
        this.scheduler = b.scheduler != null ? b.scheduler : FailoverScheduler.system();
        this.ownsScheduler = b.scheduler == null;
        this.workers = b.workers != null ? b.workers : Executors.newVirtualThreadPerTaskExecutor();
        this.ownsWorkers = b.workers == null;
        this.random = b.random != null ? b.random : new Random();
        this.shutdownTimeout = b.shutdownTimeout;
        this.listeners.addAll(b.listeners);
    }

    /** A builder: system scheduler, virtual-thread workers, 10 s shutdown bound by default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Adds a listener for every event. */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    /** Runs {@code provider} for {@code router} as {@code binding} says. Call before the router's first update. */
    public void bind(String router, FailoverProvider provider, Binding binding) {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(binding, "binding");
        if (closing) {
            return;
        }
        Slot slot = new Slot(router, provider, binding);
        published.put(slot, new Published(slot.status(), true));
        scheduler.execute(() -> slots.computeIfAbsent(router, r -> new ArrayList<>()).add(slot));
    }

    /** The router's new role; supersedes whatever ran for the previous one. */
    public void update(RoleChange change) {
        Objects.requireNonNull(change, "change");
        if (closing) {
            return; // the VRRP loop may still report a last change while the node stops
        }
        submit(() -> {
            for (Slot s : slots.getOrDefault(change.router(), List.of())) {
                s.update(change);
            }
        });
    }

    /** Check the routing now (a master heard a lower-priority master: a split brain just healed). */
    public void reassert(String router) {
        if (closing) {
            return;
        }
        submit(() -> {
            for (Slot s : slots.getOrDefault(router, List.of())) {
                s.requestVerify();
            }
        });
    }

    /** The latest state of every binding (published by the control thread after each decision). */
    public List<BindingStatus> status() {
        return published.values().stream().map(Published::status).toList();
    }

    /**
     * Waits until no provider call runs or is due for the current roles (periodic re-verification aside).
     *
     * @return whether that happened within {@code timeout}
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (published.values().stream().allMatch(Published::idle)) {
                return true;
            }
            if (System.nanoTime() >= end) {
                return false;
            }
            Thread.sleep(5);
        }
    }

    /**
     * Cancels every call in flight and every timer, waits for the calls to return (at most the shutdown
     * timeout), and closes the providers.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        stopSlots(null);
        if (ownsWorkers) {
            workers.shutdownNow();
        }
        if (ownsScheduler) {
            scheduler.close();
        }
    }

    /**
     * Unbinds every provider of {@code router} (a reload removed or changed it): cancels its calls in
     * flight and its timers, waits for them (at most the shutdown timeout), and closes its providers.
     * The router's state is not changed: what the providers did stays done.
     */
    public void unbind(String router) {
        Objects.requireNonNull(router, "router");
        if (!closing) {
            stopSlots(router);
        }
    }

    /** Stops the slots of one router, or of all ({@code router} null). */
    private void stopSlots(String router) {
        CountDownLatch cancelled = new CountDownLatch(1);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        List<FailoverProvider> providers = new ArrayList<>();
        scheduler.execute(() -> {
            for (var it = slots.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (router != null && !router.equals(e.getKey())) {
                    continue;
                }
                for (Slot s : e.getValue()) {
                    running.add(s.shutdown());
                    providers.add(s.provider);
                    if (router != null) {
                        s.unbound = true; // its status leaves with it
                        published.remove(s);
                    }
                }
                if (router != null) {
                    it.remove();
                }
            }
            cancelled.countDown();
        });
        try {
            if (cancelled.await(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                        .get(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("failover providers did not stop within {}", shutdownTimeout);
        }
        for (FailoverProvider p : providers) {
            try {
                p.close();
            } catch (RuntimeException e) {
                LOG.warn("closing {} failed: {}", p.resource(), e.toString());
            }
        }
    }

    private void submit(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("failover coordinator closed; input dropped");
        }
    }

    private void emit(FailoverEvent e) {
        for (Listener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.warn("failover listener failed on {}: {}", e, ex.toString());
            }
        }
    }

    /** One provider bound to one router. All fields are touched on the control thread only. */
    private final class Slot {
        final String router;
        final FailoverProvider provider;
        final Binding binding;
        RoleChange desired;
        Run current;
        FailoverScheduler.Cancellable retryTimer;
        FailoverScheduler.Cancellable verifyTimer;
        boolean acquired;
        boolean gaveUp;
        boolean verifyRequested;
        int attempts;
        Instant firstAttempt;
        RoleChange releasedFor;
        FailoverEvent lastEvent;
        boolean stopped;
        boolean unbound;
        /** Counts flips between master and not master: a same-state update (a priority change) keeps it. */
        long epoch;

        Slot(String router, FailoverProvider provider, Binding binding) {
            this.router = router;
            this.provider = provider;
            this.binding = binding;
        }

        void update(RoleChange change) {
            if (stopped) {
                return;
            }
            boolean wasMaster = desired != null && desired.state().wantsResource();
            desired = change;
            boolean master = change.state().wantsResource();
            if (master != wasMaster) {
                epoch++;
                cancelTimers();
                acquired = false;
                gaveUp = false;
                attempts = 0;
                firstAttempt = null;
                verifyRequested = false;
                if (current != null) {
                    LOG.info("{}: {} for {} superseded by {}, cancelling", router, current.step, provider.resource(), change.state());
                    current.cancellation.cancel(); // newest wins; its completion reconciles again
                }
            } else if (!master && current != null && current.step == FailoverEvent.Step.RELEASE) {
                current.cancellation.cancel(); // e.g. BACKUP then FAULT: the newer script replaces the older
            }
            reconcile();
        }

        void requestVerify() {
            if (stopped || desired == null || !desired.state().wantsResource()) {
                return;
            }
            verifyRequested = true;
            reconcile();
        }

        /** Starts the call the desired role needs, if none runs; then publishes the status. */
        void reconcile() {
            decide();
            if (!unbound) {
                published.put(this, new Published(status(), idle()));
            }
        }

        private void decide() {
            if (current != null || desired == null || stopped || closing) {
                return;
            }
            if (desired.state().wantsResource()) {
                if (!acquired && !gaveUp && retryTimer == null) {
                    start(FailoverEvent.Step.ACQUIRE);
                } else if (verifyRequested && provider.supportsLocate() && retryTimer == null) {
                    verifyRequested = false;
                    start(FailoverEvent.Step.VERIFY);
                } else if (verifyRequested && !provider.supportsLocate() && (acquired || gaveUp)) {
                    // cannot look: re-acquire, which checks first (AlreadyInPlace when nothing moved)
                    verifyRequested = false;
                    acquired = false;
                    gaveUp = false;
                    attempts = 0;
                    firstAttempt = null;
                    start(FailoverEvent.Step.ACQUIRE);
                }
            } else if (binding.release() && provider.supportsRelease() && releasedFor != desired) {
                start(FailoverEvent.Step.RELEASE);
            }
        }

        private void start(FailoverEvent.Step step) {
            Instant now = scheduler.now();
            int attempt;
            if (step == FailoverEvent.Step.ACQUIRE) {
                if (firstAttempt == null) {
                    firstAttempt = now;
                }
                attempt = ++attempts;
            } else {
                attempt = 1;
            }
            Instant deadline = step == FailoverEvent.Step.ACQUIRE ? firstAttempt.plus(binding.retry().deadline())
                    : now.plus(binding.retry().deadline());
            Run run = new Run(step, attempt, desired, epoch, new Cancellation(), now, deadline);
            current = run;
            // a provider that ignores its deadline must not hold the binding for ever
            run.deadlineTimer = scheduler.schedule(Duration.between(now, deadline).plusSeconds(1), () -> {
                if (current == run) {
                    run.timedOut = true;
                    run.cancellation.cancel();
                }
            });
            record(new FailoverEvent.Started(router, provider.resource(), now, step, attempt));
            workers.execute(() -> {
                run.cancellation.bindWorker(Thread.currentThread());
                Object result = new FailoverOutcome.RetryableFailure("provider call did not return");
                try {
                    result = call(run);
                } finally {
                    run.cancellation.bindWorker(null);
                    Thread.interrupted(); // a late cancel must not leak into the pool
                    Object r = result;
                    scheduler.execute(() -> finished(run, r));
                }
            });
        }

        private Object call(Run run) {
            Context ctx = new Context(run);
            try {
                run.cancellation.throwIfCancelled();
                return switch (run.step) {
                    case ACQUIRE -> provider.acquire(ctx);
                    case RELEASE -> provider.release(ctx);
                    case VERIFY -> provider.locate(ctx);
                };
            } catch (Cancellation.CancelledException e) {
                return new FailoverOutcome.Cancelled(run.step + " cancelled");
            } catch (InterruptedException e) {
                return run.cancellation.isCancelled()
                        ? new FailoverOutcome.Cancelled(run.step + " cancelled")
                        : new FailoverOutcome.RetryableFailure("interrupted");
            } catch (RuntimeException | Error e) { // an Error too (a missing class): the binding must go on
                if (run.cancellation.isCancelled()) {
                    return new FailoverOutcome.Cancelled(run.step + " cancelled");
                }
                LOG.warn("{}: {} of {} failed unexpectedly", router, run.step, provider.resource(), e);
                return new FailoverOutcome.RetryableFailure("unexpected " + e.getClass().getSimpleName());
            }
        }

        private void finished(Run run, Object result) {
            current = null;
            run.deadlineTimer.cancel();
            Instant now = scheduler.now();
            Duration took = Duration.between(run.startedAt, now);
            if (run.timedOut) {
                result = new FailoverOutcome.RetryableFailure(run.step + " did not finish by its deadline " + run.deadline);
            }
            FailoverOutcome outcome = switch (result) {
                case FailoverOutcome o -> o;
                case Location.Here h -> new FailoverOutcome.AlreadyInPlace(h.detail());
                case Location.Elsewhere e -> new FailoverOutcome.PermanentFailure("routed elsewhere: " + e.detail());
                case Location.Unknown u -> u.failure();
                default -> new FailoverOutcome.RetryableFailure("provider returned " + result);
            };
            if (run.cancellation.isCancelled() && !(outcome instanceof FailoverOutcome.Cancelled)) {
                // it finished anyway: report it, but the role it served is gone
                LOG.info("{}: cancelled {} of {} finished as {}", router, run.step, provider.resource(), outcome);
            }
            record(new FailoverEvent.Finished(router, provider.resource(), now, run.step, run.attempt, outcome, took));
            if (stopped) {
                if (!unbound) {
                    published.put(this, new Published(status(), true));
                }
                run.done.complete(null);
                return;
            }
            boolean sameRole = run.epoch == epoch;
            switch (run.step) {
                case ACQUIRE -> {
                    if (sameRole) {
                        afterAcquire(outcome, now);
                    }
                }
                case RELEASE -> {
                    if (!(outcome instanceof FailoverOutcome.Cancelled)) {
                        releasedFor = run.role;
                    }
                }
                case VERIFY -> {
                    if (sameRole) {
                        if (result instanceof Location.Elsewhere e) {
                            acquired = false;
                            attempts = 0;
                            firstAttempt = null;
                            gaveUp = false;
                            record(new FailoverEvent.Drift(router, provider.resource(), now, e.detail()));
                        } else {
                            scheduleVerify();
                        }
                    }
                }
            }
            run.done.complete(null);
            reconcile();
        }

        private void afterAcquire(FailoverOutcome outcome, Instant now) {
            switch (outcome) {
                case FailoverOutcome.Done d -> acquiredNow();
                case FailoverOutcome.AlreadyInPlace a -> acquiredNow();
                case FailoverOutcome.Cancelled c -> { }
                case FailoverOutcome.PermanentFailure p -> giveUp(now, "permanent failure: " + p.message());
                case FailoverOutcome.RetryableFailure r -> {
                    RetryPolicy policy = binding.retry();
                    if (attempts >= policy.maxAttempts()) {
                        giveUp(now, attempts + " attempts failed, last: " + r.message());
                        return;
                    }
                    Instant next = now.plus(policy.backoff(attempts, random));
                    if (r.notBefore().isPresent() && r.notBefore().get().isAfter(next)) {
                        next = r.notBefore().get();
                    }
                    Instant deadline = firstAttempt.plus(policy.deadline());
                    if (next.isAfter(deadline)) {
                        giveUp(now, "next attempt at " + next + " is past the deadline " + deadline + "; last: " + r.message());
                        return;
                    }
                    record(new FailoverEvent.RetryScheduled(router, provider.resource(), now, attempts + 1, next));
                    retryTimer = scheduler.schedule(Duration.between(now, next), () -> {
                        retryTimer = null;
                        reconcile();
                    });
                }
            }
        }

        private void acquiredNow() {
            acquired = true;
            gaveUp = false;
            scheduleVerify();
        }

        private void giveUp(Instant now, String reason) {
            gaveUp = true;
            record(new FailoverEvent.GaveUp(router, provider.resource(), now, reason));
            scheduleVerify(); // the periodic check is the safety net: drift restarts the attempts
        }

        private void scheduleVerify() {
            if (verifyTimer != null) {
                verifyTimer.cancel();
                verifyTimer = null;
            }
            if (binding.reverifyEvery().isZero() || !desired.state().wantsResource()) {
                return;
            }
            verifyTimer = scheduler.schedule(binding.reverifyEvery(), () -> {
                verifyTimer = null;
                if (gaveUp && !provider.supportsLocate()) {
                    gaveUp = false; // try again from scratch: the next acquire checks first
                    attempts = 0;
                    firstAttempt = null;
                }
                requestVerify();
            });
        }

        private void cancelTimers() {
            if (retryTimer != null) {
                retryTimer.cancel();
                retryTimer = null;
            }
            if (verifyTimer != null) {
                verifyTimer.cancel();
                verifyTimer = null;
            }
        }

        private void record(FailoverEvent e) {
            lastEvent = e;
            emit(e);
        }

        /** No call running, none due: acquired or given up as master, released as anything else. */
        boolean idle() {
            if (current != null || retryTimer != null) {
                return false;
            }
            if (desired == null) {
                return true;
            }
            if (desired.state().wantsResource()) {
                return acquired || gaveUp;
            }
            return !(binding.release() && provider.supportsRelease() && releasedFor != desired);
        }

        CompletableFuture<Void> shutdown() {
            stopped = true;
            cancelTimers();
            if (current == null) {
                return CompletableFuture.completedFuture(null);
            }
            current.cancellation.cancel();
            return current.done;
        }

        BindingStatus status() {
            return new BindingStatus(router, provider.resource(), acquired, current != null, Optional.ofNullable(lastEvent));
        }
    }

    /** One provider call. Fields other than the timer flags are fixed at start. */
    private static final class Run {
        final FailoverEvent.Step step;
        final int attempt;
        final RoleChange role;
        final long epoch;
        final Cancellation cancellation;
        final Instant startedAt;
        final Instant deadline;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        FailoverScheduler.Cancellable deadlineTimer = () -> { };
        boolean timedOut; // control thread only

        Run(FailoverEvent.Step step, int attempt, RoleChange role, long epoch, Cancellation cancellation,
                Instant startedAt, Instant deadline) {
            this.step = step;
            this.attempt = attempt;
            this.role = role;
            this.epoch = epoch;
            this.cancellation = cancellation;
            this.startedAt = startedAt;
            this.deadline = deadline;
        }
    }

    private final class Context implements FailoverContext {
        private final Run run;

        Context(Run run) {
            this.run = run;
        }

        @Override
        public RoleChange change() {
            return run.role;
        }

        @Override
        public Cancellation cancellation() {
            return run.cancellation;
        }

        @Override
        public int attempt() {
            return run.attempt;
        }

        @Override
        public Instant now() {
            return scheduler.now();
        }

        @Override
        public Instant deadline() {
            return run.deadline;
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            CountDownLatch latch = new CountDownLatch(1);
            FailoverScheduler.Cancellable timer = scheduler.schedule(duration, latch::countDown);
            try (Cancellation.Registration r = run.cancellation.onCancel(latch::countDown)) {
                latch.await();
            } finally {
                timer.cancel();
            }
            run.cancellation.throwIfCancelled();
        }
    }

    /** Builds a {@link FailoverCoordinator}. */
    public static final class Builder {
        private FailoverScheduler scheduler;
        private ExecutorService workers;
        private RandomGenerator random;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private final List<Listener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** The control thread and clock (the caller keeps ownership). */
        public Builder scheduler(FailoverScheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Threads for provider calls (the caller keeps ownership); virtual threads by default. */
        public Builder workers(ExecutorService workers) {
            this.workers = workers;
            return this;
        }

        /** Randomness for retry jitter (seed it for reproducible tests). */
        public Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        /** How long {@link #close()} waits for cancelled calls to return. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** A listener for every event. */
        public Builder listener(Listener listener) {
            listeners.add(Objects.requireNonNull(listener));
            return this;
        }

        public FailoverCoordinator build() {
            return new FailoverCoordinator(this);
        }
    }
}
