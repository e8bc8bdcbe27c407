package org.vrrp4j.core.packet;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One VRRP advertisement, as decoded from or encoded to the wire. Immutable.
 *
 * @param version           protocol version
 * @param family            address family of the address list (and of the IP header it travels in)
 * @param vrid              virtual router id, 1..255
 * @param priority          0 (master resigning), 1..254 (backup), 255 (address owner)
 * @param maxAdvertInterval the interval field in wire units: centiseconds (1..4095) for v3, seconds
 *                          (1..255) for v2
 * @param addresses         the virtual addresses, all of {@code family}; for IPv6 the first is link-local
 * @param authType          v2 authentication type ({@link AuthType#NONE} for v3)
 * @param authKey           v2 simple-text key when {@code authType} is {@link AuthType#SIMPLE_TEXT}, else
 *                          {@code null}
 */
public record VrrpPacket(
        VrrpVersion version,
        IpFamily family,
        int vrid,
        int priority,
        int maxAdvertInterval,
        List<InetAddress> addresses,
        AuthType authType,
        VrrpAuthKey authKey) {

    /** Maximum number of addresses: the count field is 8 bits. */
    public static final int MAX_ADDRESSES = 255;

    public VrrpPacket {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(authType, "authType");
        addresses = List.copyOf(addresses);
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("vrid must be 1..255, got " + vrid);
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority must be 0..255, got " + priority);
        }
        int maxInterval = version == VrrpVersion.V3 ? 4095 : 255;
        if (maxAdvertInterval < 1 || maxAdvertInterval > maxInterval) {
            throw new IllegalArgumentException(
                    "maxAdvertInterval must be 1.." + maxInterval + " for " + version + ", got " + maxAdvertInterval);
        }
        if (addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("at most 255 addresses, got " + addresses.size());
        }
        for (InetAddress a : addresses) {
            if (IpFamily.of(a) != family) {
                throw new IllegalArgumentException("address " + a.getHostAddress() + " is not " + family);
            }
        }
        if (version == VrrpVersion.V2 && family == IpFamily.IPV6) {
            throw new IllegalArgumentException("VRRPv2 runs over IPv4 only");
        }
        if (version == VrrpVersion.V3 && authType != AuthType.NONE) {
            throw new IllegalArgumentException("VRRPv3 has no authentication");
        }
        if ((authType == AuthType.SIMPLE_TEXT) != (authKey != null)) {
            throw new IllegalArgumentException("authKey is required exactly for SIMPLE_TEXT authentication");
        }
    }

    /** The advertisement interval in centiseconds, whatever the version (v2 seconds × 100). */
    public int intervalCentis() {
        return version == VrrpVersion.V3 ? maxAdvertInterval : maxAdvertInterval * 100;
    }

    /** Length of the VRRP message on the wire: 8 + n×addrlen, plus 8 bytes of auth data for v2. */
    public int wireLength() {
        return 8 + addresses.size() * family.addressLength() + (version == VrrpVersion.V2 ? VrrpAuthKey.LENGTH : 0);
    }
}
