/**
 * The netcup failover-IP provider ({@code netcup}): routes a netcup failover IP to this server through
 * the SCP REST API (OpenID Connect device-flow login, offline refresh token) or the older WSEndUser
 * SOAP webservice.
 */
module org.vrrp4j.failover.netcup {
    requires org.vrrp4j.failover;
    requires org.vrrp4j.core;
    requires org.slf4j;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;
    requires jakarta.xml.ws;
    requires jakarta.xml.bind;

    exports org.vrrp4j.failover.netcup;
    // the JAX-WS runtime builds proxies of the generated port and binds its wrapper classes by reflection
    exports org.vrrp4j.failover.netcup.soap.generated to com.sun.xml.ws;
    opens org.vrrp4j.failover.netcup.soap.generated to jakarta.xml.bind, com.sun.xml.ws, org.glassfish.jaxb.runtime;

    provides org.vrrp4j.failover.spi.FailoverProviderFactory with org.vrrp4j.failover.netcup.NetcupProviderFactory;
}
