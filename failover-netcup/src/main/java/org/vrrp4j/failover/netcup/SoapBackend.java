package org.vrrp4j.failover.netcup;

import java.util.List;
import java.util.Optional;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.netcup.soap.NetcupSoapClient;

/**
 * The failover IP through the SOAP webservice, as the seed's to_master.sh does it, but once and right:
 * {@code getVServerIPs} first (listed: nothing to do), {@code changeIPRouting}, then {@code getVServerIPs}
 * until the IP is listed or the deadline passes.
 */
final class SoapBackend implements Backend {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SoapBackend.class);
    private final NetcupSoapClient client;
    private final FailoverIp ip;
    private final String server;
    private final java.time.Duration verifyPoll;
    private Optional<String> mac;
    private String via = ""; // " via interface <id>" when discovered and netcup named it

    SoapBackend(NetcupSoapClient client, FailoverIp ip, String server, Optional<String> mac, java.time.Duration verifyPoll) {
        this.client = client;
        this.ip = ip;
        this.server = server;
        this.mac = mac;
        this.verifyPoll = verifyPoll;
    }

    @Override
    public Location locate(FailoverContext ctx) throws NetcupException, InterruptedException {
        return listed(client.vServerIps(server, ctx.cancellation()))
                ? new Location.Here(ip + " is listed for " + server)
                : new Location.Elsewhere(ip + " is not listed for " + server);
    }

    /**
     * {@code getVServerIPs} proves the login and the server (a wrong password or name is a fault) and says
     * whether the IP is here; without a configured MAC, {@code getVServerInformation} finds it now, so the
     * take-over sends {@code changeIPRouting} first. Nothing is changed; the webservice password does not expire.
     */
    @Override
    public CredentialCheck.Proven check(FailoverContext ctx) throws NetcupException, InterruptedException {
        boolean here = listed(client.vServerIps(server, ctx.cancellation()));
        if (mac.isEmpty()) {
            NetcupSoapClient.PrimaryInterface primary = client.primaryInterface(server, ctx.cancellation());
            mac = Optional.of(primary.mac());
            via = primary.id().map(id -> " via interface " + id).orElse("");
        }
        return new CredentialCheck.Proven("login accepted; " + server + (here ? " holds " : " does not hold ") + ip
                + "; MAC " + mac.get() + via);
    }

    @Override
    public String route(FailoverContext ctx) throws NetcupException, InterruptedException {
        if (mac.isEmpty()) {
            NetcupSoapClient.PrimaryInterface primary = client.primaryInterface(server, ctx.cancellation());
            mac = Optional.of(primary.mac());
            via = primary.id().map(id -> " via interface " + id).orElse("");
        }
        ctx.cancellation().throwIfCancelled();
        LOG.info("netcup: changeIPRouting {} to {} ({})", ip, server, mac.get());
        if (!client.changeIpRouting(ip.text(), ip.prefixLength(), server, mac.get(), ctx.cancellation())) {
            throw NetcupException.retryable("changeIPRouting answered false");
        }
        for (int checks = 1; ; checks++) {
            if (listed(client.vServerIps(server, ctx.cancellation()))) {
                return ip + " routed to " + server + " (" + mac.get() + via + "), listed after " + checks + (checks == 1 ? " check" : " checks");
            }
            if (!ctx.now().plus(verifyPoll).isBefore(ctx.deadline())) {
                throw NetcupException.retryable(ip + " not yet listed for " + server + " at the deadline");
            }
            ctx.sleep(verifyPoll);
        }
    }

    private boolean listed(List<String> ips) {
        for (String s : ips) {
            try {
                FailoverIp listed = FailoverIp.parse(s);
                if (listed.address().equals(ip.address())) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // an entry we cannot read is not ours
            }
        }
        return false;
    }
}
