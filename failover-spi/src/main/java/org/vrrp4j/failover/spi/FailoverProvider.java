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

    /** Releases client resources (connections, threads). */
    @Override
    default void close() {
    }
}
