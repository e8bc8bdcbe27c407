package org.vrrp4j.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.netty.linux.AddressAnnouncer;

/**
 * The seam between the node and the Linux host it runs on, in the node's network namespace: interfaces,
 * their addresses and link state, raw sockets, announcers, and the address table (rtnetlink). {@link
 * LinuxHost} is the real one; tests give a fake that needs no root and records what the node asked for.
 */
interface Host extends AutoCloseable {

    /** The index of {@code ifname}; an unknown interface is an error naming it. */
    int ifindex(String ifname) throws IOException;

    /** The primary IPv4 address of {@code ifname}, if it has one. */
    Optional<InetAddress> primaryIpv4(String ifname);

    /** The interface's own IPv6 link-local address, never one of {@code notThese} (virtual addresses). */
    Optional<InetAddress> linkLocalIpv6(int ifindex, Set<InetAddress> notThese);

    /** Whether the interface is up with carrier. */
    boolean linkUp(String ifname);

    /** A raw VRRP socket on {@code ifname} for {@code family}. */
    VrrpSocket openSocket(String ifname, IpFamily family) throws IOException;

    /** The gratuitous-ARP (IPv4) or unsolicited-NA (IPv6) sender of {@code ifname}. */
    AddressAnnouncer openAnnouncer(String ifname, IpFamily family) throws IOException;

    /** Adds an address to an interface: true when added, false when the host had it already. */
    boolean addAddress(int ifindex, VirtualAddress address) throws IOException;

    /** Removes an address: true when it was there, false when it was not. */
    boolean removeAddress(int ifindex, VirtualAddress address) throws IOException;

    /** keepalived refuses a unicast source the host does not have; so do we (IllegalArgumentException). */
    void requireLocal(InetAddress source, VirtualRouterConfig config);

    /**
     * Applies an nftables script ({@code nft -f -}, atomic) in the node's network namespace; {@link
     * RouterFilters.NftMissing} when {@code nft} is not installed, otherwise an IOException with nft's message.
     */
    void nft(String script) throws IOException;

    /**
     * A long-running {@code nft -i} in the node's namespace: a command sent is a line written to its input,
     * nothing started, so a state change at a take-over does not wait for a process to start. Commands run in
     * the order sent; closing waits (briefly) until the sent ones ran.
     */
    NftSession nftSession() throws IOException;

    /** See {@link #nftSession()}. */
    interface NftSession extends AutoCloseable {
        /** Sends one or more commands, a line each; an IOException when the session is gone. */
        void send(String commands) throws IOException;

        @Override
        void close();
    }

    @Override
    void close();
}
