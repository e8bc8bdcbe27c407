package org.vrrp4j.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.netty.linux.LinkMonitor;

/**
 * Link and address events for the node's interfaces: a link going down or up steps its routers with
 * LinkChanged (FAULT and back); a changed primary address (IPv4's primary, IPv6's own link-local) with
 * PrimaryAddressChanged. The events come from rtnetlink ({@link LinkMonitor}); the decisions are here.
 * Loop only.
 */
final class LinkWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(LinkWatcher.class);

    private final Collection<InterfaceChannel> channels;
    private final Host host;
    private LinkMonitor monitor;
    private EventLoopPort.Cancellable registration;

    /** @param channels the node's channels (read, never changed here) */
    LinkWatcher(Collection<InterfaceChannel> channels, Host host) {
        this.channels = channels;
        this.host = host;
    }

    /**
     * Starts listening with {@code monitor}. What happened before (the build's own virtual MACs coming up)
     * is passed over: link states are read afresh when a router starts, and later changes come as events.
     */
    void start(LinkMonitor monitor, EventLoopPort loop) throws IOException {
        this.monitor = monitor;
        monitor.drain((ifindex, up) -> { }, ifindex -> { });
        registration = loop.register(monitor.fd(), () -> monitor.drain(this::linkChanged, this::addressesChanged));
    }

    /** The interface {@code ifindex} is up with carrier, or not. */
    void linkChanged(int ifindex, boolean up) {
        for (InterfaceChannel c : channels) {
            if (c.ifindex == ifindex && c.linkUp != up) {
                c.linkUp = up;
                LOG.info("link {} is {}", c.name, up ? "up" : "down");
                for (RouterDriver r : c.byVrid.values()) {
                    r.step(new Input.LinkChanged(up));
                }
            }
        }
    }

    /** The addresses of interface {@code ifindex} changed: a channel sending from it re-reads its primary. */
    void addressesChanged(int ifindex) {
        for (InterfaceChannel c : channels) {
            if (c.primaryIndex != ifindex) {
                continue;
            }
            Optional<InetAddress> p = primaryOf(c);
            if (p.isPresent() && !p.get().equals(c.currentPrimary)) {
                c.currentPrimary = p.get();
                LOG.info("primary address of {} is now {}", c.name, p.get().getHostAddress());
                for (RouterDriver r : c.byVrid.values()) {
                    r.step(new Input.PrimaryAddressChanged(p.get()));
                }
            }
        }
    }

    private Optional<InetAddress> primaryOf(InterfaceChannel c) {
        return c.family == IpFamily.IPV6 ? host.linkLocalIpv6(c.ifindex, c.virtuals) : host.primaryIpv4(c.primaryFrom);
    }

    /** Whether {@link #start} took a monitor (it closes it then). */
    boolean started() {
        return monitor != null;
    }

    void close() {
        if (registration != null) {
            registration.cancel();
        }
        if (monitor != null) {
            monitor.close();
        }
    }
}
