package org.vrrp4j.failover.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.Location;

/**
 * {@code hcloud} with {@code alias_ip}: moves an alias IP of a private Network to this server's attachment.
 * {@code change_alias_ips} replaces a server's whole list, and an address can be registered on one server
 * only, so a move is two awaited actions: the holder's list without the address, then this server's list
 * with it, each list read right before it is written so that the servers' other alias IPs stay.
 */
final class AliasIpProvider extends ApiProvider {
    private static final Logger LOG = LoggerFactory.getLogger(AliasIpProvider.class);

    private final HcloudApi api;
    private final String aliasIp;
    private final String network;
    private final String server;
    private Long networkId;
    private Long serverId;

    AliasIpProvider(HcloudApi api, String aliasIp, String network, String server, String resource) {
        super(resource);
        this.api = api;
        this.aliasIp = aliasIp;
        this.network = network;
        this.server = server;
    }

    private synchronized void resolve(FailoverContext ctx) throws HetznerException, InterruptedException {
        if (serverId == null) {
            serverId = api.serverId(server, ctx.cancellation());
        }
        if (networkId == null) {
            networkId = HcloudApi.isId(network) ? Long.valueOf(Long.parseLong(network)) : networkByName(ctx);
        }
    }

    private long networkByName(FailoverContext ctx) throws HetznerException, InterruptedException {
        for (JsonNode n : api.list("/networks", "name=" + HcloudApi.enc(network), "networks", ctx.cancellation(),
                "find Network " + network)) {
            if (network.equals(n.path("name").asText())) {
                return n.path("id").asLong();
            }
        }
        throw HetznerException.permanent("hcloud: no Network named '" + network + "' in this project");
    }

    /** A server's attachment to the Network, if attached. */
    private Optional<JsonNode> attachment(long id, FailoverContext ctx) throws HetznerException, InterruptedException {
        JsonNode s = api.get("/servers/" + id, ctx.cancellation(), "read server " + id).path("server");
        for (JsonNode pn : s.path("private_net")) {
            if (pn.path("network").asLong(-1) == networkId) {
                return Optional.of(pn);
            }
        }
        return Optional.empty();
    }

    private JsonNode ourAttachment(FailoverContext ctx) throws HetznerException, InterruptedException {
        return attachment(serverId, ctx).orElseThrow(() -> HetznerException.permanent("hcloud: server " + server + " (id "
                + serverId + ") is not attached to Network " + network + " (id " + networkId + ")"));
    }

    private static List<String> aliases(JsonNode attachment) {
        List<String> out = new ArrayList<>();
        attachment.path("alias_ips").forEach(a -> out.add(a.asText()));
        return out;
    }

    private boolean holds(JsonNode attachment) {
        for (String a : aliases(attachment)) {
            if (Addresses.matches(aliasIp, a)) {
                return true;
            }
        }
        return false;
    }

    /** The other servers of the Network that hold the address now (normally none or one). */
    private List<Long> holders(FailoverContext ctx) throws HetznerException, InterruptedException {
        JsonNode net = api.get("/networks/" + networkId, ctx.cancellation(), "read Network " + network).path("network");
        List<Long> out = new ArrayList<>();
        for (JsonNode id : net.path("servers")) {
            long sid = id.asLong();
            if (sid != serverId) {
                Optional<JsonNode> a = attachment(sid, ctx);
                if (a.isPresent() && holds(a.get())) {
                    out.add(sid);
                }
            }
        }
        return out;
    }

    @Override
    Location where(FailoverContext ctx) throws HetznerException, InterruptedException {
        resolve(ctx);
        if (holds(ourAttachment(ctx))) {
            return new Location.Here("alias IP " + aliasIp + " is on server " + server + " (id " + serverId + ") in Network " + networkId);
        }
        return new Location.Elsewhere("alias IP " + aliasIp + " is not on server " + server + " (id " + serverId + ")");
    }

    @Override
    FailoverOutcome move(Location found, FailoverContext ctx) throws HetznerException, InterruptedException {
        StringBuilder how = new StringBuilder();
        for (long holder : holders(ctx)) {
            ctx.cancellation().throwIfCancelled();
            // read right before writing: another writer may have changed the holder's list meanwhile
            Optional<JsonNode> a = attachment(holder, ctx);
            if (a.isEmpty() || !holds(a.get())) {
                continue;
            }
            List<String> kept = new ArrayList<>(aliases(a.get()));
            kept.removeIf(x -> Addresses.matches(aliasIp, x));
            LOG.info("hcloud: removing alias IP {} from server {} (keeping {})", aliasIp, holder, kept);
            how.append("removed from server ").append(holder).append(": ")
                    .append(change(holder, kept, ctx)).append("; ");
        }
        ctx.cancellation().throwIfCancelled();
        List<String> ours = new ArrayList<>(aliases(ourAttachment(ctx)));
        if (ours.stream().noneMatch(x -> Addresses.matches(aliasIp, x))) {
            ours.add(aliasIp);
        }
        LOG.info("hcloud: adding alias IP {} to server {} (list now {})", aliasIp, serverId, ours);
        how.append("added to server ").append(server).append(" (id ").append(serverId).append("): ").append(change(serverId, ours, ctx));
        return new FailoverOutcome.Done("alias IP " + aliasIp + " " + how);
    }

    private String change(long id, List<String> list, FailoverContext ctx) throws HetznerException, InterruptedException {
        StringBuilder body = new StringBuilder("{\"network\":").append(networkId).append(",\"alias_ips\":[");
        for (int i = 0; i < list.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(list.get(i).replace("\"", "")).append('"');
        }
        body.append("]}");
        JsonNode action = api.postAction("/servers/" + id + "/actions/change_alias_ips", body.toString(), ctx.cancellation(),
                "change alias IPs of server " + id);
        return api.awaitAction(action, ctx, "change alias IPs of server " + id);
    }

    @Override
    String prove(FailoverContext ctx) throws HetznerException, InterruptedException {
        resolve(ctx);
        boolean here = holds(ourAttachment(ctx));
        List<Long> holders = here ? List.of() : holders(ctx);
        return "token accepted; Network " + network + " is id " + networkId + "; this server " + server + " (id " + serverId
                + ") is attached" + (here ? " and holds " + aliasIp
                        : holders.isEmpty() ? "; no server holds " + aliasIp : "; " + aliasIp + " is on server " + holders);
    }

    @Override
    public void close() {
        api.close();
    }
}
