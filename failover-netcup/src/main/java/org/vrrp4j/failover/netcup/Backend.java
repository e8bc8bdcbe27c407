package org.vrrp4j.failover.netcup;

import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.Location;

/** One of netcup's APIs, reduced to what the provider does with a failover IP. */
interface Backend extends AutoCloseable {

    /** Where the failover IP is routed now, relative to the configured server. */
    Location locate(FailoverContext ctx) throws NetcupException, InterruptedException;

    /**
     * Proves the login and the lookup without changing anything, going the way a take-over goes (same client,
     * same token, same lookups), so the take-over finds it all warm.
     */
    CredentialCheck.Proven check(FailoverContext ctx) throws NetcupException, InterruptedException;

    /** Route it to the configured server and verify; returns a description of what happened. */
    String route(FailoverContext ctx) throws NetcupException, InterruptedException;

    @Override
    default void close() {
    }
}
