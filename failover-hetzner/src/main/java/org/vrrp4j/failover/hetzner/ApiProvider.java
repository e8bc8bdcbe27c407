package org.vrrp4j.failover.hetzner;

import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.Location;

/**
 * What the Hetzner providers share: the SPI's calls mapped onto three steps ({@link #where}, {@link #move},
 * {@link #prove}) that throw {@link HetznerException}, and the mapping of that and of cancellation onto the
 * typed outcomes. Check first, always: a resource already here is never moved again.
 */
abstract class ApiProvider implements FailoverProvider {
    private final String resource;

    ApiProvider(String resource) {
        this.resource = resource;
    }

    /** Where the resource is now (resolving ids on first use). */
    abstract Location where(FailoverContext ctx) throws HetznerException, InterruptedException;

    /** Moves it here, {@link #where} having found it elsewhere; returns what happened. */
    abstract FailoverOutcome move(Location found, FailoverContext ctx) throws HetznerException, InterruptedException;

    /** The credential proof and lookup, without moving anything; returns what was proven. */
    abstract String prove(FailoverContext ctx) throws HetznerException, InterruptedException;

    @Override
    public final String resource() {
        return resource;
    }

    @Override
    public FailoverOutcome acquire(FailoverContext ctx) throws InterruptedException {
        try {
            Location found = where(ctx);
            if (found instanceof Location.Here here) {
                return new FailoverOutcome.AlreadyInPlace(here.detail());
            }
            ctx.cancellation().throwIfCancelled(); // never start a change for a role that is gone
            return move(found, ctx);
        } catch (HetznerException e) {
            return e.toOutcome();
        } catch (Cancellation.CancelledException e) {
            return new FailoverOutcome.Cancelled(resource + ": cancelled");
        }
    }

    @Override
    public final boolean supportsLocate() {
        return true;
    }

    @Override
    public Location locate(FailoverContext ctx) throws InterruptedException {
        try {
            return where(ctx);
        } catch (HetznerException e) {
            return new Location.Unknown(e.toOutcome());
        } catch (Cancellation.CancelledException e) {
            return new Location.Unknown(new FailoverOutcome.Cancelled(resource + ": cancelled"));
        }
    }

    @Override
    public final boolean supportsCheck() {
        return true;
    }

    @Override
    public CredentialCheck check(FailoverContext ctx) throws InterruptedException {
        try {
            return new CredentialCheck.Proven(prove(ctx));
        } catch (HetznerException e) {
            return new CredentialCheck.Failed(e.toOutcome());
        } catch (Cancellation.CancelledException e) {
            return new CredentialCheck.Cancelled(resource + ": check cancelled");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + resource + "]";
    }
}
