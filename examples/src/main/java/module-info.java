/**
 * Examples: embedding a {@link org.vrrp4j.netty.VrrpNode} with a failover provider following its role,
 * and the demo (a failover pair in network namespaces, or on the simulator without root).
 */
module org.vrrp4j.examples {
    requires org.vrrp4j.netty;
    requires org.vrrp4j.failover;
    requires org.vrrp4j.daemon;
    requires org.vrrp4j.testkit;

    exports org.vrrp4j.examples.embed;
    exports org.vrrp4j.examples.demo;
}
