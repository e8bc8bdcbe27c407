package org.vrrp4j.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.BindingMachine.Command;
import org.vrrp4j.failover.BindingMachine.Event;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.RoleChange;

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
 * <li>on every node whatever its role: the provider's credential {@linkplain FailoverProvider#check check} at
 *     bind and every {@link BindingOptions#checkEvery()}, never beside another call of the provider and never
 *     before a take-over (becoming MASTER cancels a running check); a failure logs WARN at once and is checked
 *     again sooner; {@link #checks()} is the snapshot;</li>
 * <li>an event per step to listeners; {@link #close()} within a bound.</li>
 * </ul>
 * The decisions are made by one pure state machine per binding ({@code BindingMachine}, pinned by
 * scenario files); this class is its shell: it feeds it inputs and the time, and carries out its commands
 * (provider calls on workers, timers on the scheduler, cancellation, events, status).
 * Thread-safe: inputs may come from any thread (the VRRP event loop); the machines run on the
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
    private final Instant origin;
    private final AtomicLong roleSequence = new AtomicLong();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, List<Slot>> slots = new LinkedHashMap<>(); // control thread only
    private final Map<Slot, Published> published = new ConcurrentHashMap<>();
    private final Map<Slot, CheckStatus> checks = new ConcurrentHashMap<>();
    private volatile boolean closing;

    private record Published(BindingStatus status, boolean idle) {
    }

    private FailoverCoordinator(Builder b) {
        this.scheduler = b.scheduler != null ? b.scheduler : FailoverScheduler.system();
        this.ownsScheduler = b.scheduler == null;
        this.workers = b.workers != null ? b.workers : Executors.newVirtualThreadPerTaskExecutor();
        this.ownsWorkers = b.workers == null;
        this.random = b.random != null ? b.random : new Random();
        this.shutdownTimeout = b.shutdownTimeout;
        this.origin = scheduler.now();
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

    /** Runs {@code provider} for {@code router} as {@code options} say. Call before the router's first update. */
    public void bind(String router, FailoverProvider provider, BindingOptions options) {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(options, "options");
        if (closing) {
            return;
        }
        Slot slot = new Slot(router, provider, new BindingMachine(router, provider.resource(), options,
                provider.supportsRelease(), provider.supportsLocate(), provider.supportsCheck(), origin, random));
        published.put(slot, new Published(slot.status(), true));
        if (slot.machine.checks()) {
            checks.put(slot, CheckStatus.initial(router, provider.resource()));
        }
        scheduler.execute(() -> {
            slots.computeIfAbsent(router, r -> new ArrayList<>()).add(slot);
            slot.feed(new Event.Bound()); // the first credential check, whatever the role
        });
    }

    /** The router's new role; supersedes whatever ran for the previous one. */
    public void update(RoleChange change) {
        Objects.requireNonNull(change, "change");
        if (closing) {
            return; // the VRRP loop may still report a last change while the node stops
        }
        Event event = new Event.RoleChanged(change, roleSequence.incrementAndGet());
        submit(() -> feedAll(change.router(), event));
    }

    /** Check the routing now (a master heard a lower-priority master: a split brain just healed). */
    public void reassert(String router) {
        if (!closing) {
            submit(() -> feedAll(router, new Event.Reassert()));
        }
    }

    /** The latest state of every binding (published by the control thread after each decision). */
    public List<BindingStatus> status() {
        return published.values().stream().map(Published::status).toList();
    }

    /**
     * What the credential checks found, for every binding whose provider {@linkplain FailoverProvider#supportsCheck()
     * supports them} and whose {@link BindingOptions#checkEvery()} is not zero; an immutable snapshot.
     */
    public List<CheckStatus> checks() {
        return List.copyOf(checks.values());
    }

    /**
     * Waits until no provider call runs or is due for the current roles (periodic re-verification aside).
     *
     * @return whether that happened within {@code timeout}
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!published.values().stream().allMatch(Published::idle)) {
            if (System.nanoTime() >= end) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
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
                    if (router != null) {
                        s.unbound = true; // its status leaves with it
                        published.remove(s);
                        checks.remove(s);
                    }
                    s.feed(new Event.Unbind());
                    running.add(s.running == null ? CompletableFuture.completedFuture(null) : s.running.done);
                    providers.add(s.provider);
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

    private void feedAll(String router, Event event) {
        for (Slot s : slots.getOrDefault(router, List.of())) {
            s.feed(event);
        }
    }

    private void submit(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("failover coordinator closed; input dropped");
        }
    }

    private long nanos() {
        return Duration.between(origin, scheduler.now()).toNanos();
    }

    /** One provider bound to one router: runs its machine's commands. Control thread only. */
    private final class Slot {
        final String router;
        final FailoverProvider provider;
        final BindingMachine machine;
        final Map<BindingMachine.Timer, Object> armed = new EnumMap<>(BindingMachine.Timer.class);
        final Map<Object, FailoverScheduler.Cancellable> handles = new HashMap<>();
        ProviderCall running;
        FailoverEvent lastEvent;
        Command.Status state = new Command.Status(false, false, true);
        boolean unbound;
        boolean checkedOnce;
        boolean failing;

        Slot(String router, FailoverProvider provider, BindingMachine machine) {
            this.router = router;
            this.provider = provider;
            this.machine = machine;
        }

        void feed(Event event) {
            for (Command c : machine.step(event, nanos())) {
                execute(c);
            }
            if (!unbound) {
                published.put(this, new Published(status(), state.idle()));
            }
        }

        private void execute(Command command) {
            switch (command) {
                case Command.StartCall c -> start(new ProviderCall(c, origin.plusNanos(c.deadlineNanos()), router, provider,
                        scheduler));
                case Command.StartCheck c -> start(new ProviderCall(c, origin.plusNanos(c.deadlineNanos()), router, provider,
                        scheduler));
                case Command.CheckState c -> {
                    if (!unbound) {
                        checks.put(this, c.status());
                    }
                }
                case Command.CancelCall c -> {
                    if (running != null && running.id == c.call()) {
                        LOG.info("{}: cancelling {} of {}", router, running.what, provider.resource());
                        running.cancellation.cancel();
                    }
                }
                case Command.ArmTimer a -> arm(a.timer(), a.atNanos());
                case Command.CancelTimer t -> disarm(t.timer());
                case Command.Publish p -> {
                    if (p.event() instanceof FailoverEvent.Checked c) {
                        logCheck(c);
                    } else { // a check says nothing about the routing: the binding's last event stays
                        lastEvent = p.event();
                    }
                    emit(p.event());
                }
                case Command.Status s -> state = s;
            }
        }

        private void arm(BindingMachine.Timer timer, long atNanos) {
            disarm(timer);
            Object token = new Object(); // a timer cancelled while its task was queued must not fire
            armed.put(timer, token);
            handles.put(token, scheduler.schedule(Duration.ofNanos(atNanos - nanos()), () -> {
                if (armed.get(timer) == token) {
                    armed.remove(timer);
                    handles.remove(token);
                    feed(new Event.TimerFired(timer));
                }
            }));
        }

        private void disarm(BindingMachine.Timer timer) {
            Object token = armed.remove(timer);
            if (token != null) {
                handles.remove(token).cancel();
            }
        }

        /** A failure at WARN at once, the first success and a recovery at INFO, routine successes at DEBUG. */
        private void logCheck(FailoverEvent.Checked c) {
            switch (c.result()) {
                case CredentialCheck.Failed f -> LOG.warn("{}: {}: credential check failed ({} in a row): {}; next check {}",
                        router, provider.resource(), c.failuresInARow(), f.failure(), c.next().map(Object::toString).orElse("none"));
                case CredentialCheck.Proven p -> {
                    if (checkedOnce && !failing) {
                        LOG.debug("{}: {}: credentials proven: {}", router, provider.resource(), p.detail());
                    } else {
                        LOG.info("{}: {}: credentials proven{}: {}{}", router, provider.resource(), failing ? " again" : "",
                                p.detail(), p.expires().map(e -> " (expire " + e + " unless used)").orElse(""));
                    }
                }
                case CredentialCheck.Cancelled x -> { }
            }
            checkedOnce = true;
            failing = c.failuresInARow() > 0;
        }

        private void start(ProviderCall call) {
            running = call;
            workers.execute(() -> {
                Event result = call.run();
                scheduler.execute(() -> finished(call, result));
            });
        }

        private void finished(ProviderCall call, Event result) {
            if (running == call) {
                running = null;
            }
            if (call.cancellation.isCancelled()) {
                LOG.info("{}: cancelled {} of {} returned {}", router, call.what, provider.resource(), result);
            }
            feed(result);
            call.done.complete(null);
        }

        BindingStatus status() {
            return new BindingStatus(router, provider.resource(), state.acquired(), state.busy(), Optional.ofNullable(lastEvent));
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
