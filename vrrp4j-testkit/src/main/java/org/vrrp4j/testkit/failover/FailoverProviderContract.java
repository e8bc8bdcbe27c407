package org.vrrp4j.testkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;

/**
 * What every provider must do, whatever it moves. A provider's test subclasses this and supplies a real
 * (test) backend it can move the resource away on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class FailoverProviderContract {

    /** A provider talking to the test backend. */
    protected abstract FailoverProvider provider() throws Exception;

    /** Routes the resource somewhere else on the backend. */
    protected abstract void routeElsewhere() throws Exception;

    /** Whether the backend has the resource routed to this provider's node. */
    protected abstract boolean routedHere() throws Exception;

    /** The secrets the provider was configured with: none may appear in {@link FailoverProvider#resource()}. */
    protected abstract List<String> secrets();

    /** A context for direct calls: MASTER, priority 254, real time. */
    protected static FailoverContext context(Cancellation cancellation) {
        return DirectContext.of(new RoleChange("VI_1", false, RouterState.MASTER, 254), cancellation);
    }

    @Test
    void acquireRoutesTheResourceHereAndASecondAcquireFindsItInPlace() throws Exception {
        routeElsewhere();
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.Done.class);
            assertThat(routedHere()).isTrue();
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.AlreadyInPlace.class);
        }
    }

    @Test
    void locateTellsHereFromElsewhere() throws Exception {
        try (FailoverProvider p = provider()) {
            // a provider that cannot locate says so (it is then never re-verified on a timer), and its
            // locate answers Unknown instead of guessing
            org.junit.jupiter.api.Assumptions.assumeTrue(p.supportsLocate(), () -> {
                assertThat(locateWithout(p)).isInstanceOf(Location.Unknown.class);
                return p.resource() + " cannot locate: its locate answers Unknown, nothing more to check";
            });
            routeElsewhere();
            assertThat(p.locate(context(new Cancellation()))).isInstanceOf(Location.Elsewhere.class);
            p.acquire(context(new Cancellation()));
            assertThat(p.locate(context(new Cancellation()))).isInstanceOf(Location.Here.class);
        }
    }

    private Location locateWithout(FailoverProvider p) {
        try {
            return p.locate(context(new Cancellation()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCancelledCallChangesNothing() throws Exception {
        routeElsewhere();
        try (FailoverProvider p = provider()) {
            Cancellation c = new Cancellation();
            c.cancel();
            FailoverOutcome o;
            try {
                o = p.acquire(context(c));
            } catch (Cancellation.CancelledException e) {
                o = new FailoverOutcome.Cancelled("threw");
            }
            assertThat(o).isInstanceOf(FailoverOutcome.Cancelled.class);
            assertThat(routedHere()).isFalse();
        }
    }

    @Test
    void theResourceNameCarriesNoSecret() throws Exception {
        try (FailoverProvider p = provider()) {
            for (String s : secrets()) {
                assertThat(p.resource()).doesNotContain(s);
                assertThat(p.toString()).doesNotContain(s);
            }
        }
    }
}
