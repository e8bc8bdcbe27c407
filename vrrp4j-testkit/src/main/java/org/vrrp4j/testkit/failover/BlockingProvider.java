package org.vrrp4j.testkit.failover;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.FailoverEvent.Step;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.Location;

/**
 * A provider whose every call blocks until the test answers it, so a test controls exactly when and how
 * each call ends. Records how many calls ran at once (to check the one-at-a-time rule) and whether any
 * call completed after its cancellation.
 */
public final class BlockingProvider implements FailoverProvider {

    /** One call, waiting for the test's answer. */
    public static final class Call {
        /** the step; null for a credential check ({@link #isCheck()}) */
        public final Step step;
        public final FailoverContext context;
        final CompletableFuture<Object> answer = new CompletableFuture<>();

        Call(Step step, FailoverContext context) {
            this.step = step;
            this.context = context;
        }

        /** Ends an acquire or release call. */
        public void complete(FailoverOutcome outcome) {
            answer.complete(outcome);
        }

        /** Ends a locate call. */
        public void locate(Location location) {
            answer.complete(location);
        }

        /** Ends a credential check. */
        public void check(CredentialCheck result) {
            answer.complete(result);
        }

        /** Whether this is a credential check. */
        public boolean isCheck() {
            return step == null;
        }

        public boolean cancelled() {
            return context.cancellation().isCancelled();
        }

        @Override
        public String toString() {
            return (step == null ? "CHECK" : step) + "#" + context.attempt() + " for " + context.change().state();
        }
    }

    private final LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final List<Call> completedAfterCancel = new CopyOnWriteArrayList<>();
    private final boolean release;
    private final boolean locate;
    private final boolean check;

    public BlockingProvider(boolean release, boolean locate) {
        this(release, locate, false);
    }

    /** A provider that also supports credential checks when {@code check}. */
    public BlockingProvider(boolean release, boolean locate, boolean check) {
        this.release = release;
        this.locate = locate;
        this.check = check;
    }

    /** The next call the coordinator made, waiting up to {@code timeout} (real time). */
    public Call nextCall(Duration timeout) throws InterruptedException {
        Call c = calls.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (c == null) {
            throw new AssertionError("no provider call within " + timeout);
        }
        return c;
    }

    /** The next call, if one was made already. */
    public Call pollCall() {
        return calls.poll();
    }

    /** The most calls that ever ran at the same time. */
    public int maxConcurrentCalls() {
        return maxInFlight.get();
    }

    /** Calls that returned a non-cancelled result after they had been cancelled. */
    public List<Call> completedAfterCancel() {
        return completedAfterCancel;
    }

    private Object block(Step step, FailoverContext ctx) throws InterruptedException {
        Call call = new Call(step, ctx);
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (var r = ctx.cancellation().onCancel(() -> call.answer.complete(new FailoverOutcome.Cancelled("test")))) {
            calls.add(call);
            Object result = call.answer.get();
            if (ctx.cancellation().isCancelled() && !(result instanceof FailoverOutcome.Cancelled)
                    && !(result instanceof CredentialCheck.Cancelled)) {
                completedAfterCancel.add(call);
            }
            return result;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public String resource() {
        return "test resource";
    }

    @Override
    public FailoverOutcome acquire(FailoverContext context) throws InterruptedException {
        return (FailoverOutcome) block(Step.ACQUIRE, context);
    }

    @Override
    public boolean supportsRelease() {
        return release;
    }

    @Override
    public FailoverOutcome release(FailoverContext context) throws InterruptedException {
        return (FailoverOutcome) block(Step.RELEASE, context);
    }

    @Override
    public boolean supportsLocate() {
        return locate;
    }

    @Override
    public Location locate(FailoverContext context) throws InterruptedException {
        Object o = block(Step.VERIFY, context);
        return o instanceof Location l ? l : new Location.Unknown((FailoverOutcome) o);
    }

    @Override
    public boolean supportsCheck() {
        return check;
    }

    @Override
    public CredentialCheck check(FailoverContext context) throws InterruptedException {
        Object o = block(null, context);
        return o instanceof CredentialCheck c ? c : new CredentialCheck.Cancelled("test");
    }
}
