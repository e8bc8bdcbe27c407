package org.vrrp4j.failover.spi;

/**
 * Moves one resource (a failover IP, a floating address at a cloud, a notify script's effect) to this
 * node. Calls block the calling thread (the coordinator runs them off the VRRP event loop, one at a time
 * per provider) and must stop promptly when their {@link Cancellation} fires.
 */
public interface FailoverProvider extends AutoCloseable {

    /** What this provider moves, for logs and events, e.g. {@code "netcup failover IP 198.51.100.7"}. No secrets. */
    String resource();

    /** Route the resource here: check, change, verify. */
    FailoverOutcome acquire(FailoverContext context) throws InterruptedException;

    /** Whether {@link #release} does something; most providers leave it to the next master. */
    default boolean supportsRelease() {
        return false;
    }

    /** Undo or announce leaving (the exec provider runs notify_backup/fault/stop here). */
    default FailoverOutcome release(FailoverContext context) throws InterruptedException {
        return new FailoverOutcome.Done("nothing to release");
    }

    /** Whether {@link #locate} can tell where the resource is (enables re-verification while master). */
    default boolean supportsLocate() {
        return false;
    }

    /** Where the resource is routed now. */
    default Location locate(FailoverContext context) throws InterruptedException {
        return new Location.Unknown(new FailoverOutcome.PermanentFailure(resource() + " cannot be located"));
    }

    /**
     * Whether {@link #check} proves anything. Providers that talk to an API should: a standing backup never
     * calls it otherwise, and credentials that expire unused (netcup's offline token) die unnoticed.
     */
    default boolean supportsCheck() {
        return false;
    }

    /**
     * Proves, without moving anything, that a take-over now would work: log in (refreshing tokens as the API
     * wants), look the resource and this server up. The runtime calls it on every node whatever its role, at
     * start and then every {@code check_interval}, so it also warms the whole path a take-over uses (HTTP
     * client, TLS, parsers, token) and a take-over pays only the API's own time. {@link FailoverContext#change()}
     * is the router's role at the time of the check; never act on it.
     */
    default CredentialCheck check(FailoverContext context) throws InterruptedException {
        return new CredentialCheck.Proven(resource() + " has nothing to prove");
    }

    /** Releases client resources (connections, threads). */
    @Override
    default void close() {
    }
}
