package org.vrrp4j.core.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** The address family a virtual router runs over; one family per router (RFC 9568 §5.2.9). */
public enum IpFamily {
    IPV4(4),
    IPV6(16);

    private final int addressLength;

    IpFamily(int addressLength) {
        this.addressLength = addressLength;
    }

    /** Bytes per address of this family in the advertisement's address list. */
    public int addressLength() {
        return addressLength;
    }

    /** The family of an address. */
    public static IpFamily of(InetAddress address) {
        return switch (address) {
            case Inet4Address a -> IPV4;
            case Inet6Address a -> IPV6;
            default -> throw new IllegalArgumentException("unknown address type: " + address.getClass());
        };
    }
}
