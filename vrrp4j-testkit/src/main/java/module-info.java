/**
 * For users' tests and ours: the VRRP simulator, the failover provider contract test and a manual
 * scheduler, netcup and Hetzner stand-ins, the network-namespace lab, a keepalived runner, and the one rule for
 * tests that need the machine ({@link org.vrrp4j.testkit.junit.Requires}: skip, or fail under CI).
 */
module org.vrrp4j.testkit {
    requires transitive org.vrrp4j.core;
    requires transitive org.vrrp4j.failover;
    requires transitive org.junit.jupiter.api;
    requires org.assertj.core;
    requires com.fasterxml.jackson.databind;
    requires jdk.httpserver;
    requires java.xml;

    exports org.vrrp4j.testkit;
    exports org.vrrp4j.testkit.failover;
    exports org.vrrp4j.testkit.hetzner;
    exports org.vrrp4j.testkit.junit;
    exports org.vrrp4j.testkit.lab;
    exports org.vrrp4j.testkit.netcup;
    exports org.vrrp4j.testkit.sim;
}
