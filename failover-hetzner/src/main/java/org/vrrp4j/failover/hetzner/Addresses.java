package org.vrrp4j.failover.hetzner;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.vrrp4j.core.packet.IpLiterals;
import org.vrrp4j.failover.spi.ProviderConfigException;

/** Addresses as the configuration and Hetzner's APIs write them: literals, and IPv6 networks with a prefix. */
final class Addresses {
    private Addresses() {
    }

    /**
     * Whether a configured address (an address, or a network as {@code addr/len}) is the API's {@code value}:
     * the same address, or, when the API names a network ({@code 2001:db8::/64}, a Floating IPv6), inside it.
     */
    static boolean matches(String configured, String value) {
        try {
            InetAddress ours = IpLiterals.parse(strip(configured));
            int slash = value.indexOf('/');
            if (slash < 0) {
                return ours.equals(IpLiterals.parse(value.strip()));
            }
            InetAddress net = IpLiterals.parse(value.substring(0, slash).strip());
            int len = Integer.parseInt(value.substring(slash + 1).strip());
            return inside(ours, net, len);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code a} lies in {@code net/len}. */
    static boolean inside(InetAddress a, InetAddress net, int len) {
        byte[] x = a.getAddress();
        byte[] n = net.getAddress();
        if (x.length != n.length || len < 0 || len > x.length * 8) {
            return false;
        }
        for (int bit = 0; bit < len; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((x[bit / 8] & mask) != (n[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** A configured address (a network's prefix length, if written, is dropped); the error names the key. */
    static InetAddress parse(String key, String text) {
        try {
            return IpLiterals.parse(strip(text));
        } catch (IllegalArgumentException e) {
            throw new ProviderConfigException(key, "not an IP address: '" + text + "'");
        }
    }

    /** A configured IPv4 address; the error names the key. */
    static InetAddress parseIpv4(String key, String text, String why) {
        InetAddress a = parse(key, text);
        if (!(a instanceof Inet4Address)) {
            throw new ProviderConfigException(key, "must be an IPv4 address (" + why + "), got '" + text + "'");
        }
        return a;
    }

    private static String strip(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        return slash < 0 ? t : t.substring(0, slash);
    }
}
