/**
 * Benchmarks: JMH for the codec and the state machine's step; take-over and load benchmarks that run
 * vrrp4j beside keepalived in network namespaces.
 */
module org.vrrp4j.benchmarks {
    requires org.vrrp4j.core;
    requires org.vrrp4j.netty;
    requires org.vrrp4j.testkit;
    requires jmh.core;

    exports org.vrrp4j.benchmarks;
    opens org.vrrp4j.benchmarks;
}
