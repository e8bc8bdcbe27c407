/**
 * Failover providers (move a resource such as a hoster's failover IP to this node) behind a small SPI
 * found with {@link java.util.ServiceLoader}, and the {@link org.vrrp4j.failover.FailoverCoordinator}
 * that runs them with retries, cancellation and reconciliation. Knows nothing of VRRP.
 */
module org.vrrp4j.failover {
    requires org.slf4j;

    exports org.vrrp4j.failover;

    uses org.vrrp4j.failover.FailoverProviderFactory;

    provides org.vrrp4j.failover.FailoverProviderFactory with org.vrrp4j.failover.exec.ExecProviderFactory;
}
