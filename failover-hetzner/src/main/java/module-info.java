/**
 * Hetzner failover providers: {@code hcloud} moves a Hetzner Cloud Floating IP, or an alias IP of a private
 * Network, to this server through the Cloud API; {@code hetzner_robot} routes a dedicated server's failover
 * IP to this server through the Robot webservice.
 */
module org.vrrp4j.failover.hetzner {
    requires org.vrrp4j.failover;
    requires org.vrrp4j.core;
    requires org.slf4j;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;

    exports org.vrrp4j.failover.hetzner;

    provides org.vrrp4j.failover.spi.FailoverProviderFactory with
            org.vrrp4j.failover.hetzner.HcloudProviderFactory,
            org.vrrp4j.failover.hetzner.HetznerRobotProviderFactory;
}
