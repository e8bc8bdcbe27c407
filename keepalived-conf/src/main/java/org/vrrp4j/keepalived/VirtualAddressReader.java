package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.BlockCursor.error;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.vrrp4j.core.config.AddressScope;
import org.vrrp4j.core.config.ConfigException;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.keepalived.ConfigLexer.Line;

/** One line of {@code virtual_ipaddress { ... }}: {@code ADDR[/len] [dev X] [label L] [scope S] ...}. */
final class VirtualAddressReader {
    private VirtualAddressReader() {
    }

    /**
     * keepalived's {@code alloc_ipaddress} for one line.
     *
     * @param earlier the instance's addresses so far: all of one family, the first one's
     */
    static VirtualAddress read(Line l, List<VirtualAddress> earlier, BlockCursor c) throws ConfigFileException {
        String spec = l.keyword();
        int slash = spec.indexOf('/');
        String addrText = slash < 0 ? spec : spec.substring(0, slash);
        InetAddress addr = Values.address(l, addrText, "virtual address");
        int max = addr instanceof Inet4Address ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            String len = spec.substring(slash + 1);
            if (!Values.UNSIGNED.matcher(len).matches() || Integer.parseInt(len) > max) {
                throw error(l, "virtual address " + spec + ": prefix length must be 0.." + max + ", got '" + len + "'");
            }
            prefix = Integer.parseInt(len);
        }
        IpFamily family = IpFamily.of(addr);
        if (!earlier.isEmpty() && earlier.getFirst().family() != family) {
            throw error(l, "virtual address " + addrText + " is " + family + " but the instance's first address "
                    + earlier.getFirst().address().getHostAddress() + " is " + earlier.getFirst().family()
                    + "; one address family per vrrp_instance (as keepalived requires)");
        }
        if (earlier.isEmpty() && addr instanceof Inet6Address v6 && !v6.isLinkLocalAddress()) {
            // keepalived 2.2.7 warns the same and sends the list as written; refusing the file (RFC 9568
            // §5.2.9 read strictly) would stop a deployed keepalived peer's configuration from running
            c.warn(l, ConfigWarning.Kind.ADJUSTED, "the first IPv6 VIP address should be link local (RFC 9568 §5.2.9), got "
                    + addrText + "; adverts list the addresses as written, as keepalived sends them");
        }
        Optional<String> dev = Optional.empty();
        Optional<String> label = Optional.empty();
        AddressScope scope = VirtualAddress.of(addr).scope();
        List<String> w = l.words();
        for (int i = 1; i < w.size(); i++) {
            String opt = w.get(i);
            boolean hasValue = i + 1 < w.size();
            switch (opt) {
                case "dev", "label", "scope", "brd", "broadcast", "peer", "preferred_lft", "track_group" -> {
                    if (!hasValue) {
                        throw error(l, "virtual address " + spec + ": '" + opt + "' needs a value");
                    }
                    String v = w.get(++i);
                    switch (opt) {
                        case "dev" -> dev = Optional.of(v);
                        case "label" -> {
                            if (v.length() >= 16) {
                                throw error(l, "virtual address " + spec + ": label '" + v + "' is longer than 15 characters");
                            }
                            label = Optional.of(v);
                        }
                        case "scope" -> {
                            AddressScope s = scope(v);
                            if (s == null) {
                                throw error(l, "virtual address " + spec + ": scope must be global, site, link, host "
                                        + "or nowhere (or 0, 200, 253, 254, 255), got '" + v + "'");
                            }
                            if (family == IpFamily.IPV6) {
                                c.warn(l, "a scope cannot be given for an IPv6 address (" + spec + "); ignored as keepalived does");
                            } else {
                                scope = s;
                            }
                        }
                        default -> c.warn(l, ConfigWarning.Kind.UNSUPPORTED, "virtual_ipaddress option '" + opt + "' is not supported by vrrp4j; ignored");
                    }
                }
                case "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin", "no_track" ->
                        c.warn(l, ConfigWarning.Kind.UNSUPPORTED, "virtual_ipaddress option '" + opt + "' is not supported by vrrp4j; ignored");
                default -> throw error(l, "virtual address " + spec + ": unknown option '" + opt + "'");
            }
        }
        try {
            return new VirtualAddress(addr, prefix, dev, label, scope);
        } catch (ConfigException e) {
            throw error(l, e.getMessage());
        }
    }

    /** A scope by name or by number, as {@code ip address} and keepalived accept it; null if neither. */
    private static AddressScope scope(String v) {
        for (AddressScope s : AddressScope.values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(v) || String.valueOf(s.rtScope()).equals(v)) {
                return s;
            }
        }
        return null;
    }
}
