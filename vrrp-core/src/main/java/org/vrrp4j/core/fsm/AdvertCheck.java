package org.vrrp4j.core.fsm;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.AuthType;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * A router's receive validation (RFC 9568 §7.1 after the codec's checks), in the checklist's order, with
 * the counters of the differences it tolerates (keepalived's and the errata's): one per {@link VirtualRouter}.
 */
final class AdvertCheck {
    /** v3 adverts whose interval differs from ours (reported, not dropped). */
    long intervalMismatches;
    /** Adverts whose address list differs from ours. */
    long addressListMismatches;
    /** IPv6 adverts whose list does not start with a link-local address (erratum 8300). */
    long ipv6GlobalFirstLists;

    /**
     * Why {@code p} from {@code src} is dropped, or null when the router takes it; a tolerated difference
     * is counted and reported in {@code out} as a {@link Action.ConfigMismatch}.
     *
     * @param ours      the router's addresses, in its order
     * @param ourSet    the same as a set
     * @param ownSource the source address of the router's own adverts
     */
    DropReason validate(VirtualRouterConfig config, List<InetAddress> ours, Set<InetAddress> ourSet,
            InetAddress ownSource, VrrpPacket p, InetAddress src, List<Action> out) {
        if (p.vrid() != config.vrid() || p.family() != config.family()) {
            return DropReason.VRID_NOT_CONFIGURED;
        }
        if (p.version() != config.version()) {
            return DropReason.VERSION_MISMATCH;
        }
        if (src.equals(ownSource)) {
            return DropReason.OWN_ADVERT;
        }
        if (p.priority() == 255 && config.isOwner()) {
            // erratum 8298: two owners is a misconfiguration to report, not a reason to drop
            out.add(new Action.ConfigMismatch("another router claims to own the addresses (priority 255)", src));
        }
        if (p.family() == IpFamily.IPV6 && !p.addresses().isEmpty()
                && !(p.addresses().getFirst() instanceof Inet6Address first && first.isLinkLocalAddress())) {
            if (config.strictIpv6LinkLocalFirst()) {
                return DropReason.IPV6_FIRST_NOT_LINK_LOCAL;
            }
            // erratum 8300: keepalived sends global-only lists; dropping them makes two masters
            ipv6GlobalFirstLists++;
            out.add(new Action.ConfigMismatch("first IPv6 address " + p.addresses().getFirst().getHostAddress()
                    + " is not link-local (RFC 9568 §5.2.9; keepalived sends such lists)", src));
        }
        if (config.version() == VrrpVersion.V2) {
            AuthType expected = config.authKey().isPresent() ? AuthType.SIMPLE_TEXT : AuthType.NONE;
            if (p.authType() != expected) { // AH as the codec has it: no router here speaks it
                return p.authType() == AuthType.IP_AH ? DropReason.AUTH_TYPE_AH_UNSUPPORTED : DropReason.AUTH_TYPE_MISMATCH;
            }
            if (expected == AuthType.SIMPLE_TEXT && !config.authKey().get().equals(p.authKey())) {
                return DropReason.AUTH_FAILURE;
            }
            if (p.intervalCentis() != config.advertIntervalCentis()) {
                return DropReason.INTERVAL_MISMATCH; // RFC 3768 §7.1: MUST discard
            }
        } else if (p.intervalCentis() != config.advertIntervalCentis()) {
            intervalMismatches++;
            out.add(new Action.ConfigMismatch("advertisement interval " + p.intervalCentis()
                    + " cs differs from ours " + config.advertIntervalCentis() + " cs", src));
        }
        if (!sameAddresses(p.addresses(), ours, ourSet)) {
            addressListMismatches++;
            if (config.version() == VrrpVersion.V2 && p.priority() != 255) {
                return DropReason.ADDRESS_LIST_MISMATCH;
            }
            out.add(new Action.ConfigMismatch("address list " + p.addresses().stream().map(InetAddress::getHostAddress).toList()
                    + " differs from ours", src));
        }
        if (config.isUnicast() && !config.unicastPeers().contains(src)) {
            return DropReason.UNICAST_SOURCE_NOT_PEER;
        }
        return null;
    }

    /** Same addresses in any order; no allocation (this runs for every received advert). */
    private static boolean sameAddresses(List<InetAddress> received, List<InetAddress> ours, Set<InetAddress> ourSet) {
        if (received.size() != ours.size()) {
            return false;
        }
        for (int i = 0; i < received.size(); i++) {
            if (!ourSet.contains(received.get(i))) {
                return false;
            }
        }
        for (int i = 0; i < ours.size(); i++) {
            if (!received.contains(ours.get(i))) {
                return false; // received had a duplicate in place of one of ours
            }
        }
        return true;
    }

}
