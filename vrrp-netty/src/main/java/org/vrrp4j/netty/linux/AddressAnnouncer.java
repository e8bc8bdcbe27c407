package org.vrrp4j.netty.linux;

import java.net.InetAddress;

/**
 * Tells the link that a virtual address moved to us: gratuitous ARP for IPv4 ({@link ArpAnnouncer}),
 * unsolicited Neighbor Advertisement for IPv6 ({@link NeighborAnnouncer}). One per interface and family.
 */
public interface AddressAnnouncer extends AutoCloseable {

    /**
     * Sends one announcement for {@code address}.
     *
     * @return 0, or errno (the caller logs it; an announcement failing must not stop the router)
     */
    int announce(InetAddress address);

    @Override
    void close();
}
