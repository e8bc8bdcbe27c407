/**
 * The {@code vrrp4j} daemon and command line ({@link org.vrrp4j.daemon.Vrrp4j}): runs a keepalived.conf
 * with failover providers, reloads on SIGHUP, serves {@code /status} and {@code /metrics}.
 */
module org.vrrp4j.daemon {
    requires org.vrrp4j.core;
    requires org.vrrp4j.netty;
    requires org.vrrp4j.failover;
    requires org.vrrp4j.failover.netcup;
    requires org.vrrp4j.keepalived;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires jdk.httpserver;
    requires jdk.unsupported;
    requires java.net.http;
    requires java.logging;
    requires org.slf4j;

    exports org.vrrp4j.daemon;
    provides org.slf4j.spi.SLF4JServiceProvider with org.vrrp4j.daemon.log.DaemonLogProvider;
    opens org.vrrp4j.daemon to info.picocli, com.fasterxml.jackson.databind;
}
