package org.vrrp4j.failover.netcup;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import org.vrrp4j.core.packet.IpLiterals;
import org.vrrp4j.failover.spi.ProviderConfigException;

/**
 * A failover IP: an IPv4 address (/32) or an IPv6 network (netcup routes /64s).
 *
 * @param address      the address, or the IPv6 network's first address
 * @param prefixLength 32 for IPv4; 64 (or as written) for IPv6
 */
public record FailoverIp(InetAddress address, int prefixLength) {
    public FailoverIp {
        Objects.requireNonNull(address, "address");
    }

    /** Parses {@code 198.51.100.7}, {@code 2001:db8:1:2::/64} or {@code 2001:db8:1:2::} (a /64). */
    public static FailoverIp parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        try {
            InetAddress a = IpLiterals.parse(slash < 0 ? t : t.substring(0, slash));
            int len = slash < 0 ? (a instanceof Inet6Address ? 64 : 32) : Integer.parseInt(t.substring(slash + 1));
            if (len < 0 || len > (a instanceof Inet6Address ? 128 : 32)) {
                throw new ProviderConfigException("failover_ip", "prefix length out of range in '" + text + "'");
            }
            return new FailoverIp(a, len);
        } catch (IllegalArgumentException e) {
            if (e instanceof ProviderConfigException pce) {
                throw pce;
            }
            throw new ProviderConfigException("failover_ip", "not an IP address or IPv6 prefix: '" + text + "'");
        }
    }

    /** Whether this is an IPv6 failover network. */
    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** The address as netcup writes it (no brackets, compressed IPv6). */
    public String text() {
        String s = address.getHostAddress();
        return isIpv6() ? compress(s) : s;
    }

    /** {@code ::}-compressed lower-case IPv6 text, as netcup's APIs print prefixes. */
    static String compress(String full) {
        String[] parts = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String left = String.join(":", java.util.Arrays.copyOfRange(parts, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(parts, bestStart + bestLen, parts.length));
        return left + "::" + right;
    }

    @Override
    public String toString() {
        return isIpv6() ? text() + "/" + prefixLength : text();
    }
}
