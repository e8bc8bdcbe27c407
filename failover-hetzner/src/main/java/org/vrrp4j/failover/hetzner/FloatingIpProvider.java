package org.vrrp4j.failover.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.Location;

/**
 * {@code hcloud} with {@code floating_ip}: assigns a Hetzner Cloud Floating IP to this server
 * ({@code POST /floating_ips/{id}/actions/assign}) and waits for the action's {@code success}. The Floating
 * IP's and the server's ids are resolved once, on first use: the API has no filter by address, so a Floating
 * IP given by address is found by listing them all, page by page.
 */
final class FloatingIpProvider extends ApiProvider {
    private static final Logger LOG = LoggerFactory.getLogger(FloatingIpProvider.class);

    private final HcloudApi api;
    private final String floatingIp;
    private final String server;
    private Long floatingIpId;
    private Long serverId;

    FloatingIpProvider(HcloudApi api, String floatingIp, String server, String resource) {
        super(resource);
        this.api = api;
        this.floatingIp = floatingIp;
        this.server = server;
    }

    private synchronized void resolve(FailoverContext ctx) throws HetznerException, InterruptedException {
        if (serverId == null) {
            serverId = api.serverId(server, ctx.cancellation());
        }
        if (floatingIpId == null) {
            floatingIpId = HcloudApi.isId(floatingIp) ? Long.valueOf(Long.parseLong(floatingIp)) : findByAddress(ctx);
        }
    }

    private long findByAddress(FailoverContext ctx) throws HetznerException, InterruptedException {
        List<JsonNode> all = api.list("/floating_ips", "", "floating_ips", ctx.cancellation(), "list Floating IPs");
        for (JsonNode f : all) {
            String ip = f.path("ip").asText("");
            if ("ipv6".equals(f.path("type").asText()) && !ip.contains("/")) {
                ip += "/64"; // an IPv6 Floating IP is a /64, whether or not the answer writes the prefix
            }
            if (Addresses.matches(floatingIp, ip)) {
                LOG.info("hcloud: Floating IP {} is id {} ({} Floating IPs in the project)", floatingIp, f.path("id").asLong(), all.size());
                return f.path("id").asLong();
            }
        }
        throw HetznerException.permanent("hcloud: no Floating IP " + floatingIp + " among the project's " + all.size()
                + " Floating IPs (floating_ip takes its address, for IPv6 any address of its /64, or its numeric id)");
    }

    /** The server the Floating IP is assigned to, or -1. */
    private long assignedServer(FailoverContext ctx) throws HetznerException, InterruptedException {
        JsonNode f = api.get("/floating_ips/" + floatingIpId, ctx.cancellation(), "read Floating IP " + floatingIp).path("floating_ip");
        if (f.path("blocked").asBoolean(false)) {
            throw HetznerException.permanent("hcloud: Floating IP " + floatingIp + " is blocked by Hetzner");
        }
        JsonNode s = f.path("server");
        return s.canConvertToLong() && !s.isNull() ? s.asLong() : -1;
    }

    @Override
    Location where(FailoverContext ctx) throws HetznerException, InterruptedException {
        resolve(ctx);
        long at = assignedServer(ctx);
        if (at == serverId) {
            return new Location.Here("Floating IP " + floatingIp + " is assigned to server " + server + " (id " + serverId + ")");
        }
        return new Location.Elsewhere("Floating IP " + floatingIp + " is " + (at < 0 ? "assigned to no server" : "assigned to server " + at));
    }

    @Override
    FailoverOutcome move(Location found, FailoverContext ctx) throws HetznerException, InterruptedException {
        JsonNode action = api.postAction("/floating_ips/" + floatingIpId + "/actions/assign", "{\"server\":" + serverId + "}",
                ctx.cancellation(), "assign Floating IP " + floatingIp + " to server " + serverId);
        LOG.info("hcloud: assigning Floating IP {} to server {} (was: {}), action {}", floatingIp, serverId,
                found instanceof Location.Elsewhere e ? e.detail() : found, action.path("id").asLong());
        String how = api.awaitAction(action, ctx, "assign Floating IP " + floatingIp);
        return new FailoverOutcome.Done("Floating IP " + floatingIp + " assigned to server " + server + " (id " + serverId + "): " + how);
    }

    @Override
    String prove(FailoverContext ctx) throws HetznerException, InterruptedException {
        resolve(ctx);
        long at = assignedServer(ctx);
        return "token accepted; Floating IP " + floatingIp + " is id " + floatingIpId + ", "
                + (at < 0 ? "assigned to no server" : "assigned to server " + at) + "; this server " + server + " is id " + serverId;
    }

    @Override
    public void close() {
        api.close();
    }
}
