package org.vrrp4j.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.netty.linux.InterfaceSysctls;
import org.vrrp4j.netty.linux.Libc;
import org.vrrp4j.netty.linux.Netlink;

/**
 * keepalived's {@code use_vmac}: the macvlan interfaces this node created (or took over from a crashed
 * run), and the ARP settings they changed on their base interfaces, put back on a graceful stop.
 */
final class VirtualMacs {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualMacs.class);

    private final Netlink netlink;
    /** Indexes of the macvlans this node created (or took over); deleted on close. */
    private final List<Integer> links = new ArrayList<>();
    /** Base interfaces whose ARP settings a virtual MAC changed; restored on close. */
    private final Map<String, InterfaceSysctls> baseSysctls = new LinkedHashMap<>();
    /** The index of each base interface whose settings {@link #baseSysctls} holds (a recreated one has another). */
    private final Map<String, Integer> baseIndexes = new LinkedHashMap<>();

    VirtualMacs(Netlink netlink) {
        this.netlink = netlink;
    }

    /** How many links exist now: {@link #rollBackTo} deletes the ones made after. */
    int mark() {
        return links.size();
    }

    /**
     * A macvlan (private mode) on the router's interface with the virtual router MAC 00:00:5e:00:01:{VRID}
     * (IPv4) or 00:00:5e:00:02:{VRID} (IPv6) (RFC 9568 §7.3), no automatic IPv6 link-local (§7.4); an IPv6
     * router's gets the base interface's link-local to send from, as keepalived does. Named {@code vrrp.<VRID>}
     * unless configured (an IPv6 router whose IPv4 twin of the same VRID took that name gets {@code
     * vrrp6.<VRID>}, keepalived's second choice).
     *
     * @param twinTookName whether an IPv4 router of the same VRID has the default name already
     * @param taken        whether a name is already another router's interface
     * @param notThese     IPv6 virtual addresses on the base interface (never its link-local)
     * @return the macvlan's name and index
     */
    Map.Entry<String, Integer> create(VirtualRouterConfig cfg, Optional<String> configured, boolean twinTookName,
            Predicate<String> taken, Set<InetAddress> notThese) throws IOException {
        boolean v6 = cfg.family() == IpFamily.IPV6;
        String name = configured.orElse((v6 && twinTookName ? "vrrp6." : "vrrp.") + cfg.vrid());
        if (taken.test(name)) {
            throw new IllegalArgumentException(cfg.name() + ": virtual MAC interface " + name + " is already another router's");
        }
        int base = Libc.ifindex(cfg.interfaceName());
        byte[] mac = {0x00, 0x00, 0x5e, 0x00, (byte) (v6 ? 0x02 : 0x01), (byte) cfg.vrid()};
        int index = netlink.createMacvlan(base, name, mac);
        links.add(index);
        netlink.disableIpv6AddressGeneration(index);
        try {
            InterfaceSysctls.setVirtualMac(name); // an IPv6 one too: it must not answer ARP for the host's IPv4
            if (!v6 && !baseSysctls.containsKey(cfg.interfaceName())) {
                baseSysctls.put(cfg.interfaceName(), InterfaceSysctls.setBase(cfg.interfaceName()));
                baseIndexes.put(cfg.interfaceName(), base);
            }
        } catch (IOException e) {
            throw new IllegalStateException(cfg.name() + ": cannot set the ARP settings a virtual MAC needs on "
                    + name + " / " + cfg.interfaceName() + " (" + e.getMessage() + ")", e);
        }
        if (v6) {
            InetAddress ll = netlink.linkLocalIpv6(base, notThese).orElseThrow(() ->
                    new IllegalArgumentException("interface " + cfg.interfaceName() + " has no IPv6 link-local address"));
            netlink.addAddress(index, ll, 64, Optional.empty(), 253); // false when taken over with it: fine
        }
        netlink.setLinkUp(index);
        LOG.info("{}: virtual MAC interface {} ({}) on {}", cfg.name(), name, HexFormat.ofDelimiter(":").formatHex(mac),
                cfg.interfaceName());
        return Map.entry(name, index);
    }

    /**
     * The base interface of {@code name} was deleted and made again (a new ifindex): the macvlan died with
     * the old one (the kernel deletes a macvlan with its lower device). Makes it again on the new base as
     * {@link #create} made it: same name and MAC, no generated IPv6 link-local (an IPv6 router's gets the
     * base's), the same ARP settings on it and on the new base (whose own settings, the new interface's
     * defaults, are kept to put back on a graceful stop).
     *
     * @param oldLink the dead macvlan's index (forgotten here)
     * @return the new macvlan's index
     */
    int recreate(VirtualRouterConfig cfg, String name, int oldLink, Set<InetAddress> notThese) throws IOException {
        boolean v6 = cfg.family() == IpFamily.IPV6;
        int base = Libc.ifindex(cfg.interfaceName());
        if (v6 && netlink.linkLocalIpv6(base, notThese).isEmpty()) { // not yet (DAD): the next event tries again
            throw new IOException("interface " + cfg.interfaceName() + " has no IPv6 link-local address yet");
        }
        byte[] mac = {0x00, 0x00, 0x5e, 0x00, (byte) (v6 ? 0x02 : 0x01), (byte) cfg.vrid()};
        int index = netlink.createMacvlan(base, name, mac);
        links.remove(Integer.valueOf(oldLink));
        links.add(index);
        netlink.disableIpv6AddressGeneration(index);
        InterfaceSysctls.setVirtualMac(name);
        if (!v6) {
            Integer known = baseIndexes.get(cfg.interfaceName());
            if (known == null || known != base) { // the first router of this base to come back: the new base's own
                InterfaceSysctls old = baseSysctls.remove(cfg.interfaceName());
                if (old != null) {
                    old.close(); // the old interface's files: nothing to put back there
                }
                baseSysctls.put(cfg.interfaceName(), InterfaceSysctls.setBase(cfg.interfaceName()));
                baseIndexes.put(cfg.interfaceName(), base);
            }
        }
        if (v6) {
            InetAddress ll = netlink.linkLocalIpv6(base, notThese).orElseThrow(() ->
                    new IOException("interface " + cfg.interfaceName() + " has no IPv6 link-local address"));
            netlink.addAddress(index, ll, 64, Optional.empty(), 253);
        }
        netlink.setLinkUp(index);
        LOG.info("{}: virtual MAC interface {} ({}) made again on {} (ifindex {})", cfg.name(), name,
                HexFormat.ofDelimiter(":").formatHex(mac), cfg.interfaceName(), base);
        return index;
    }

    /** Deletes the links made since {@code mark} (a router that failed half-way). */
    void rollBackTo(int mark, Exception failure) {
        while (links.size() > mark) {
            int link = links.removeLast();
            try {
                netlink.deleteLink(link);
            } catch (Libc.NativeException x) {
                failure.addSuppressed(x);
            }
        }
    }

    /** Deletes one router's macvlan (its addresses go with it). */
    void delete(String router, int link) {
        links.remove(Integer.valueOf(link));
        try {
            netlink.deleteLink(link);
        } catch (Libc.NativeException e) {
            LOG.warn("{}: cannot delete its virtual MAC interface {}: {}", router, link, e.getMessage());
        }
    }

    /**
     * Stops: {@code graceful}, the macvlans are deleted and the base interfaces' ARP settings put back; else
     * both stay, as after a crash (the next start takes them over).
     */
    void close(boolean graceful) {
        for (InterfaceSysctls s : baseSysctls.values()) {
            if (graceful) {
                try {
                    s.restore();
                } catch (IOException e) {
                    LOG.warn("cannot restore arp_ignore/arp_filter of {}: {}", s.base(), e.getMessage());
                }
            }
            s.close();
        }
        baseSysctls.clear();
        baseIndexes.clear();
        if (graceful) {
            for (int link : links) {
                try {
                    netlink.deleteLink(link);
                } catch (Libc.NativeException e) {
                    LOG.warn("cannot delete virtual MAC interface {}: {}", link, e.getMessage());
                }
            }
        }
        links.clear();
    }
}
