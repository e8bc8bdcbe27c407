/**
 * Failover providers (move a resource such as a hoster's failover IP to this node) and the
 * {@link org.vrrp4j.failover.FailoverCoordinator} that runs them with retries, cancellation and
 * re-verification. Knows nothing of VRRP.
 * <ul>
 * <li>{@code org.vrrp4j.failover.spi}: what a provider author implements and uses; providers are found
 *     with {@link java.util.ServiceLoader} as {@link org.vrrp4j.failover.spi.FailoverProviderFactory}.</li>
 * <li>{@code org.vrrp4j.failover}: the runtime that an application or the daemon drives.</li>
 * </ul>
 */
module org.vrrp4j.failover {
    requires org.slf4j;

    exports org.vrrp4j.failover;
    exports org.vrrp4j.failover.spi;

    uses org.vrrp4j.failover.spi.FailoverProviderFactory;

    provides org.vrrp4j.failover.spi.FailoverProviderFactory with org.vrrp4j.failover.exec.ExecProviderFactory;
}
