/**
 * Examples: embedding a {@link org.vrrp4j.netty.VrrpNode} with a failover provider following its role,
 * the demo (a failover pair in network namespaces, or on the simulator without root), and the
 * {@code routeapi} provider of docs/writing-a-provider.md.
 */
module org.vrrp4j.examples {
    requires org.vrrp4j.netty;
    requires org.vrrp4j.failover;
    requires org.vrrp4j.daemon;
    requires org.vrrp4j.testkit;
    requires java.net.http;

    exports org.vrrp4j.examples.embed;
    exports org.vrrp4j.examples.demo;
    exports org.vrrp4j.examples.provider;

    provides org.vrrp4j.failover.spi.FailoverProviderFactory
            with org.vrrp4j.examples.provider.RouteApiProviderFactory;
}
