package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.Values.MICROS;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vrrp4j.core.config.ConfigException;
import org.vrrp4j.core.config.TrackerConfig;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * keepalived's {@code vrrp_complete_instance} for one {@link InstanceDraft}: required keywords, the
 * defaults that depend on other keywords (priority, state, version), the adjustments keepalived makes with
 * a warning, then the core's validation, whose errors point at the keyword's line.
 */
final class InstanceCompletion {
    private final BlockCursor c;
    private final VrrpVersion globalVersion;
    private final ChecksumForm globalIpv4Checksum;
    private final Map<String, VrrpScript> scripts;
    private final SourceLocations.Builder locations;

    InstanceCompletion(BlockCursor c, VrrpVersion globalVersion, ChecksumForm globalIpv4Checksum,
            Map<String, VrrpScript> scripts, SourceLocations.Builder locations) {
        this.c = c;
        this.globalVersion = globalVersion;
        this.globalIpv4Checksum = globalIpv4Checksum;
        this.scripts = scripts;
        this.locations = locations;
    }

    Instance complete(InstanceDraft d) throws ConfigFileException {
        if (d.iface == null) {
            throw new ConfigFileException(d.where, "vrrp_instance " + d.name + ": 'interface' is required");
        }
        if (d.vrid == null) {
            throw new ConfigFileException(d.where, "vrrp_instance " + d.name + ": 'virtual_router_id' is required (1..255)");
        }
        if (d.vips.isEmpty()) {
            throw new ConfigFileException(d.where, "vrrp_instance " + d.name
                    + ": 'virtual_ipaddress' with at least one address is required");
        }
        IpFamily family = d.vips.getFirst().family();
        // keepalived: an IPv6 instance runs VRRPv3; else the instance's version, else vrrp_version (default 2)
        VrrpVersion version = d.version != null ? d.version : family == IpFamily.IPV6 ? VrrpVersion.V3 : globalVersion;
        // keepalived: no priority means 255 for state MASTER, else 100; no state means MASTER for 255
        int priority = d.priority != null ? d.priority : d.state == InitialState.MASTER ? 255 : 100;
        InitialState state = d.state != null ? d.state : priority == 255 ? InitialState.MASTER : InitialState.BACKUP;
        if (d.nopreempt && priority == 255) {
            c.warnAt(d.seen.get("nopreempt"), "nopreempt is incompatible with priority 255; preempting (as keepalived does)");
            d.nopreempt = false;
        }
        if (state == InitialState.MASTER) {
            if (d.nopreempt) {
                c.warnAt(d.seen.get("nopreempt"), "nopreempt does not work with state MASTER; cleared (as keepalived does)");
                d.nopreempt = false;
            }
            if (d.preemptDelayMicros > 0) {
                c.warnAt(d.seen.get("preempt_delay"), "preempt_delay does not work with state MASTER; cleared (as keepalived does)");
                d.preemptDelayMicros = 0;
            }
        }
        if (d.preemptDelayMicros > 0 && d.nopreempt) {
            c.warnAt(d.seen.get("preempt_delay"), "preempt_delay is incompatible with nopreempt; cleared (as keepalived does)");
            d.preemptDelayMicros = 0;
        }
        long advert = advertInterval(d, version);
        if (d.ipv4Checksum != null && (version != VrrpVersion.V3 || family != IpFamily.IPV4)) {
            c.warnAt(d.seen.get("vrrp_v3_ipv4_checksum"), "vrrp_v3_ipv4_checksum applies to VRRPv3 over IPv4 only;"
                    + " this instance runs " + (family == IpFamily.IPV6 ? "IPv6" : "VRRPv2") + " and ignores it");
        }

        VirtualRouterConfig.Builder b = VirtualRouterConfig.builder()
                .name(d.name)
                .interfaceName(d.iface)
                .vrid(d.vrid)
                .version(version)
                .priority(priority)
                .advertInterval(Duration.ofNanos(advert * 1000))
                .preempt(!d.nopreempt)
                .preemptDelay(Duration.ofNanos(d.preemptDelayMicros * 1000))
                // keepalived without strict mode: accept mode on unless no_accept
                .acceptMode(d.accept == null || d.accept)
                .advertOnLowerPriority(!d.lowerPrioNoAdvert)
                // the instance's, else global_defs': the form sent; received adverts verify in either form
                .ipv4ChecksumForm(d.ipv4Checksum != null ? d.ipv4Checksum : globalIpv4Checksum);
        java.util.Set<InetAddress> added = new java.util.HashSet<>();
        for (InetAddress a : d.vipOrder) {
            if (added.add(a)) {
                b.addVirtualAddress(d.vips.stream().filter(va -> va.address().equals(a)).findFirst().orElseThrow());
            } else {
                b.addRepeatedAddress(a);
            }
        }
        for (InetAddress peer : d.peers) {
            b.addUnicastPeer(peer);
        }
        if (d.source != null) {
            b.unicastSource(d.source);
        }
        authKey(d, version).ifPresent(b::authKey);

        List<String> trackInterfaces = new ArrayList<>();
        for (Tracked t : d.trackInterfaces) {
            if (priority == 255 && t.weight() != null && t.weight() != 0) {
                // keepalived: "ignoring <if> tracked interface due to address owner" (not tracked at all)
                c.warnAt(t.where(), "track_interface " + t.name() + " with a weight is"
                        + " ignored: the address owner's priority (255) never moves (as keepalived does)");
                continue;
            }
            trackInterfaces.add(t.name());
            b.addTracker(tracker(Instance.INTERFACE_TRACKER_PREFIX + t.name(), t.weight() == null ? 0 : t.weight(), t));
        }
        List<String> trackScripts = new ArrayList<>();
        for (Tracked t : d.trackScripts) {
            VrrpScript s = scripts.get(t.name());
            if (s == null) {
                throw new ConfigFileException(t.where(), "vrrp_instance " + d.name + ": track_script '" + t.name()
                        + "' names no vrrp_script");
            }
            int weight = t.weight() == null ? s.weight() : t.weight();
            if (priority == 255 && weight != 0) {
                // keepalived: "Cannot have weighted track script '<s>' with priority 255" (not tracked at all)
                c.warnAt(t.where(), "track_script " + t.name() + " with a weight is"
                        + " ignored: the address owner's priority (255) never moves (as keepalived does)");
                continue;
            }
            trackScripts.add(t.name());
            b.addTracker(tracker(Instance.SCRIPT_TRACKER_PREFIX + t.name(), weight, t));
        }

        VirtualRouterConfig router;
        try {
            router = b.build();
        } catch (ConfigException e) {
            throw new ConfigFileException(locationOf(d, e.field()), "vrrp_instance " + d.name + ": " + e.getMessage());
        }
        List<ProviderBlock> providers = new ArrayList<>(d.providers);
        if (!d.notify.isEmpty()) {
            locations.instanceProvider(d.name, providers.size(), d.notify.first());
            int index = providers.size();
            d.notify.lines().forEach((kw, at) -> locations.instanceProviderKey(d.name, index, kw, at));
            providers.add(new ProviderBlock(ProviderBlock.EXEC, d.notify.scripts()));
        }
        return new Instance(d.name, router, state, trackInterfaces, trackScripts, d.useVmac,
                Optional.ofNullable(d.vmacName), d.garp, providers);
    }

    private static TrackerConfig tracker(String name, int weight, Tracked t) throws ConfigFileException {
        try {
            return new TrackerConfig(name, weight);
        } catch (ConfigException e) {
            throw new ConfigFileException(t.where(), e.getMessage());
        }
    }

    /** keepalived's {@code vrrp_complete_instance} rules: v2 rounds to whole seconds, v3 to 10 ms; clamps. */
    private long advertInterval(InstanceDraft d, VrrpVersion version) {
        long us = d.advertMicros;
        SourceLocation at = d.seen.get("advert_int");
        if (version == VrrpVersion.V2) {
            if (us >= 256 * MICROS) {
                c.warnAt(at, "a VRRPv2 advert_int must be less than 256 s; using 255 s (as keepalived does)");
                return 255 * MICROS;
            }
            if (us % MICROS != 0) {
                long rounded = Math.max(MICROS, (us + MICROS / 2) / MICROS * MICROS);
                c.warnAt(at, "a VRRPv2 advert_int is whole seconds; " + us / (double) MICROS + " s rounded to "
                        + rounded / MICROS + " s (as keepalived does)");
                return rounded;
            }
            return us;
        }
        long centi = MICROS / 100;
        if (us >= 4096 * centi) {
            c.warnAt(at, "a VRRPv3 advert_int must be less than 40.96 s; using 40.95 s (as keepalived does)");
            return 4095 * centi;
        }
        if (us % centi != 0) {
            long rounded = Math.max(centi, (us + centi / 2) / centi * centi);
            c.warnAt(at, "a VRRPv3 advert_int is in units of 10 ms; rounded to " + rounded / (double) MICROS + " s");
            return rounded;
        }
        return us;
    }

    /** keepalived's rules: v3 has no authentication, PASS needs a password; both ignored with a warning. */
    private Optional<VrrpAuthKey> authKey(InstanceDraft d, VrrpVersion version) {
        SourceLocation at = d.seen.getOrDefault("authentication", d.where);
        if (d.authType == null) {
            if (d.authPass != null) {
                c.warnAt(d.seen.get("auth_pass"), "auth_pass without auth_type PASS; no authentication is used");
            }
            return Optional.empty();
        }
        if (version == VrrpVersion.V3) {
            c.warnAt(at, "VRRP version 3 has no authentication; the authentication block is ignored (as keepalived does)");
            return Optional.empty();
        }
        if (d.authPass == null) {
            c.warnAt(at, "auth_type PASS without auth_pass; no authentication is used (as keepalived does)");
            return Optional.empty();
        }
        return Optional.of(VrrpAuthKey.ofPassword(d.authPass));
    }

    /**
     * The line of the keyword that set the field behind a core validation error, else the instance's line.
     * The switch covers every field, so a field added to the core must be mapped here before this compiles.
     */
    private static SourceLocation locationOf(InstanceDraft d, VirtualRouterConfig.Field field) {
        String kw = switch (field) {
            case VRID -> "virtual_router_id";
            case PRIORITY -> "priority";
            case ADVERT_INTERVAL -> "advert_int";
            case VIRTUAL_ADDRESSES -> "virtual_ipaddress";
            // no version keyword: the addresses' family chose it
            case VERSION -> d.seen.containsKey("version") ? "version" : "virtual_ipaddress";
            case AUTH_KEY -> "authentication";
            case UNICAST_PEERS -> "unicast_peer";
            case UNICAST_SOURCE -> d.seen.containsKey("unicast_src_ip") ? "unicast_src_ip" : "mcast_src_ip";
            case PREEMPT_DELAY -> "preempt_delay";
            case TRACKERS -> d.seen.containsKey("track_interface") ? "track_interface" : "track_script";
            case IPV4_CHECKSUM_FORM -> "vrrp_v3_ipv4_checksum";
        };
        SourceLocation at = kw == null ? null : d.seen.get(kw);
        return at != null ? at : d.where;
    }
}
