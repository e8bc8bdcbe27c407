/**
 * The netcup failover-IP provider ({@code netcup}): routes a netcup failover IP to this server through
 * the SCP REST API (OpenID Connect device-flow login, offline refresh token) or the older WSEndUser
 * SOAP webservice.
 */
module org.vrrp4j.failover.netcup {
    requires org.vrrp4j.failover;
    requires org.slf4j;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;

    exports org.vrrp4j.failover.netcup;

    provides org.vrrp4j.failover.FailoverProviderFactory with org.vrrp4j.failover.netcup.NetcupProviderFactory;
}
