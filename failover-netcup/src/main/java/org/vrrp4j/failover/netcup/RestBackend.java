package org.vrrp4j.failover.netcup;

import java.time.Instant;
import java.util.Optional;
import org.vrrp4j.failover.netcup.rest.OidcTokens;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.netcup.rest.NetcupRestClient;

/** The failover IP through the REST API: the server is known by its numeric id (resolved once from a name). */
final class RestBackend implements Backend {
    private final NetcupRestClient client;
    private final FailoverIp ip;
    private final String server;
    private Long serverId;
    /**
     * What the last {@link #locate} found, for the {@link #route} that follows it at once (the coordinator
     * checks first, then routes): the PATCH needs only the failover IP's id and editable flag, so looking
     * them up again would cost a take-over one more round trip. Taken once, and only while fresh.
     */
    private volatile Located lastLocated;

    private record Located(NetcupRestClient.Routing routing, Instant at) {
    }

    /** How long a located failover IP serves a route without a new lookup. */
    static final java.time.Duration LOCATED_FRESH = java.time.Duration.ofSeconds(5);

    RestBackend(NetcupRestClient client, FailoverIp ip, String server) {
        this.client = client;
        this.ip = ip;
        this.server = server;
    }

    private long serverId(FailoverContext ctx) throws NetcupException, InterruptedException {
        if (serverId == null) {
            serverId = client.serverId(server, ctx.cancellation());
        }
        return serverId;
    }

    @Override
    public Location locate(FailoverContext ctx) throws NetcupException, InterruptedException {
        long ours = serverId(ctx);
        NetcupRestClient.Routing r = client.locate(ip, ctx.cancellation());
        lastLocated = new Located(r, ctx.now());
        if (r.serverId().isPresent() && r.serverId().get() == ours) {
            return new Location.Here(ip + " is routed to server " + ours);
        }
        return new Location.Elsewhere(ip + " is routed to " + r.where());
    }

    /**
     * Refreshes the access token with the offline token (the use that keeps netcup from voiding it after 30
     * idle days), looks this server up (by name with the API's filter, or by id) and the failover IP; a
     * failover IP this account may not route fails the check as it would fail the take-over.
     */
    @Override
    public CredentialCheck.Proven check(FailoverContext ctx) throws NetcupException, InterruptedException {
        client.refreshToken(ctx.cancellation());
        Instant used = ctx.now();
        long ours = client.proveServer(server, ctx.cancellation());
        serverId = ours;
        NetcupRestClient.Routing r = client.locate(ip, ctx.cancellation());
        if (!r.editable()) {
            throw NetcupException.permanent("failover IP " + ip + " is not editable in this netcup account (editable: false)");
        }
        boolean here = r.serverId().isPresent() && r.serverId().get() == ours;
        return new CredentialCheck.Proven("token refreshed; server " + server + (server.equals(Long.toString(ours)) ? ""
                : " is id " + ours) + "; " + ip + " is routed " + (here ? "here" : "to " + r.where()),
                Optional.of(used.plus(OidcTokens.OFFLINE_IDLE_EXPIRY)));
    }

    @Override
    public String route(FailoverContext ctx) throws NetcupException, InterruptedException {
        long ours = serverId(ctx);
        Located l = lastLocated;
        lastLocated = null;
        NetcupRestClient.Routing r = l != null && l.at().plus(LOCATED_FRESH).isAfter(ctx.now())
                ? l.routing() : client.locate(ip, ctx.cancellation());
        return client.route(r, ip, ours, ctx);
    }

    @Override
    public void close() {
        client.close();
    }
}
