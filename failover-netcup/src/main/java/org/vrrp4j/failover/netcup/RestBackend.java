package org.vrrp4j.failover.netcup;

import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.netcup.rest.NetcupRestClient;

/** The failover IP through the REST API: the server is known by its numeric id (resolved once from a name). */
final class RestBackend implements Backend {
    private final NetcupRestClient client;
    private final FailoverIp ip;
    private final String server;
    private Long serverId;

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
        if (r.serverId().isPresent() && r.serverId().get() == ours) {
            return new Location.Here(ip + " is routed to server " + ours);
        }
        return new Location.Elsewhere(ip + " is routed to " + r.where());
    }

    @Override
    public String route(FailoverContext ctx) throws NetcupException, InterruptedException {
        long ours = serverId(ctx);
        NetcupRestClient.Routing r = client.locate(ip, ctx.cancellation());
        return client.route(r, ip, ours, ctx);
    }

    @Override
    public void close() {
        client.close();
    }
}
