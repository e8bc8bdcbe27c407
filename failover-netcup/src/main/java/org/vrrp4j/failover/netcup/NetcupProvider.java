package org.vrrp4j.failover.netcup;

import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.Location;

/**
 * Routes a netcup failover IP to this server, the way the seed's to_master.sh meant to: check first
 * (already routed here → nothing to do), change, verify. Which API it speaks is configuration.
 */
final class NetcupProvider implements FailoverProvider {
    private final Backend backend;
    private final String resource;

    NetcupProvider(Backend backend, String resource) {
        this.backend = backend;
        this.resource = resource;
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public FailoverOutcome acquire(FailoverContext ctx) throws InterruptedException {
        try {
            Location where = backend.locate(ctx);
            if (where instanceof Location.Here here) {
                return new FailoverOutcome.AlreadyInPlace(here.detail());
            }
            ctx.cancellation().throwIfCancelled(); // never start a change for a role that is gone
            return new FailoverOutcome.Done(backend.route(ctx));
        } catch (NetcupException e) {
            return e.toOutcome();
        } catch (Cancellation.CancelledException e) {
            return new FailoverOutcome.Cancelled(resource + ": cancelled");
        }
    }

    @Override
    public boolean supportsLocate() {
        return true;
    }

    @Override
    public Location locate(FailoverContext ctx) throws InterruptedException {
        try {
            return backend.locate(ctx);
        } catch (NetcupException e) {
            return new Location.Unknown(e.toOutcome());
        }
    }

    @Override
    public boolean supportsCheck() {
        return true;
    }

    @Override
    public CredentialCheck check(FailoverContext ctx) throws InterruptedException {
        try {
            return backend.check(ctx);
        } catch (NetcupException e) {
            return new CredentialCheck.Failed(e.toOutcome());
        } catch (Cancellation.CancelledException e) {
            return new CredentialCheck.Cancelled(resource + ": check cancelled");
        }
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "NetcupProvider[" + resource + "]";
    }
}
