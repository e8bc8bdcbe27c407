package org.vrrp4j.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.BindingMachine.Event;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.RoleChange;

/**
 * One provider call as the coordinator runs it on a worker thread: its context, its cancellation (which
 * also interrupts the worker), and whatever the provider does (returns, throws, hangs until cancelled)
 * turned into the machine's finishing event.
 */
final class ProviderCall {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderCall.class);

    final long id;
    /** the step, or null for a credential check */
    final FailoverEvent.Step step;
    /** what the call does, for logs: "ACQUIRE", ..., "CHECK" */
    final String what;
    final Cancellation cancellation = new Cancellation();
    /** Completes once the machine has been told the call finished. */
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final int attempt;
    private final RoleChange role;
    private final Instant deadline;
    private final String router;
    private final FailoverProvider provider;
    private final FailoverScheduler scheduler;
    private Thread worker;

    ProviderCall(BindingMachine.Command.StartCall start, Instant deadline, String router, FailoverProvider provider,
            FailoverScheduler scheduler) {
        this(start.call(), start.step(), start.attempt(), start.role(), deadline, router, provider, scheduler);
    }

    /** A credential check. */
    ProviderCall(BindingMachine.Command.StartCheck start, Instant deadline, String router, FailoverProvider provider,
            FailoverScheduler scheduler) {
        this(start.call(), null, 1, start.role(), deadline, router, provider, scheduler);
    }

    private ProviderCall(long id, FailoverEvent.Step step, int attempt, RoleChange role, Instant deadline, String router,
            FailoverProvider provider, FailoverScheduler scheduler) {
        this.id = id;
        this.step = step;
        this.what = step == null ? "CHECK" : step.name();
        this.attempt = attempt;
        this.role = role;
        this.deadline = deadline;
        this.router = router;
        this.provider = provider;
        this.scheduler = scheduler;
        cancellation.onCancel(this::interruptWorker);
    }

    /** Runs the call on the current (worker) thread. */
    Event run() {
        bindWorker(Thread.currentThread());
        Event result = step == null
                ? new Event.CheckFinished(id, new CredentialCheck.Failed(new FailoverOutcome.RetryableFailure("check did not return")))
                : finishedWith(new FailoverOutcome.RetryableFailure("provider call did not return"));
        try {
            result = call();
        } finally {
            bindWorker(null);
            Thread.interrupted(); // a late cancel must not leak into the pool
        }
        return result;
    }

    private Event call() {
        if (step == null) {
            return new Event.CheckFinished(id, check());
        }
        Context ctx = new Context();
        FailoverOutcome failure;
        try {
            cancellation.throwIfCancelled();
            return switch (step) {
                case ACQUIRE -> finishedWith(orFailure(provider.acquire(ctx), "acquire"));
                case RELEASE -> finishedWith(orFailure(provider.release(ctx), "release"));
                case VERIFY -> {
                    Location l = provider.locate(ctx);
                    yield new Event.LocateFinished(id, l != null ? l
                            : new Location.Unknown(new FailoverOutcome.RetryableFailure("locate returned null")));
                }
            };
        } catch (Cancellation.CancelledException e) {
            failure = new FailoverOutcome.Cancelled(step + " cancelled");
        } catch (InterruptedException e) {
            failure = cancellation.isCancelled() ? new FailoverOutcome.Cancelled(step + " cancelled")
                    : new FailoverOutcome.RetryableFailure("interrupted");
        } catch (RuntimeException | Error e) { // an Error too (a missing class): the binding must go on
            if (cancellation.isCancelled()) {
                failure = new FailoverOutcome.Cancelled(step + " cancelled");
            } else {
                LOG.warn("{}: {} of {} failed unexpectedly", router, step, provider.resource(), e);
                failure = new FailoverOutcome.RetryableFailure("unexpected " + e.getClass().getSimpleName());
            }
        }
        return finishedWith(failure);
    }

    /** A credential check: whatever the provider does (returns, throws, hangs until cancelled) as a result. */
    private CredentialCheck check() {
        try {
            cancellation.throwIfCancelled();
            CredentialCheck result = provider.check(new Context());
            return result != null ? result
                    : new CredentialCheck.Failed(new FailoverOutcome.RetryableFailure("check returned null"));
        } catch (Cancellation.CancelledException e) {
            return new CredentialCheck.Cancelled("check cancelled");
        } catch (InterruptedException e) {
            return cancellation.isCancelled() ? new CredentialCheck.Cancelled("check cancelled")
                    : new CredentialCheck.Failed(new FailoverOutcome.RetryableFailure("interrupted"));
        } catch (RuntimeException | Error e) {
            if (cancellation.isCancelled()) {
                return new CredentialCheck.Cancelled("check cancelled");
            }
            LOG.warn("{}: check of {} failed unexpectedly", router, provider.resource(), e);
            return new CredentialCheck.Failed(new FailoverOutcome.RetryableFailure("unexpected " + e.getClass().getSimpleName()));
        }
    }

    /** The finishing event for an outcome; a locate that failed found the location unknown. */
    private Event finishedWith(FailoverOutcome outcome) {
        return step == FailoverEvent.Step.VERIFY ? new Event.LocateFinished(id, new Location.Unknown(outcome))
                : new Event.CallFinished(id, outcome);
    }

    private static FailoverOutcome orFailure(FailoverOutcome outcome, String what) {
        return outcome != null ? outcome : new FailoverOutcome.RetryableFailure(what + " returned null");
    }

    private synchronized void bindWorker(Thread thread) {
        worker = thread;
    }

    private synchronized void interruptWorker() {
        if (worker != null) { // still on this call: a pooled thread that moved on is left alone
            worker.interrupt();
        }
    }

    private final class Context implements FailoverContext {
        @Override
        public RoleChange change() {
            return role;
        }

        @Override
        public Cancellation cancellation() {
            return cancellation;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public Instant now() {
            return scheduler.now();
        }

        @Override
        public Instant deadline() {
            return deadline;
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            CountDownLatch latch = new CountDownLatch(1);
            FailoverScheduler.Cancellable timer = scheduler.schedule(duration, latch::countDown);
            try (Cancellation.Registration r = cancellation.onCancel(latch::countDown)) {
                latch.await();
            } finally {
                timer.cancel();
            }
            cancellation.throwIfCancelled();
        }
    }
}
