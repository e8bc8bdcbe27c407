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

    /** Makes a virtual MAC channel's macvlan again on its recreated base, and reopens the channel on it. */
    interface VirtualMacRebuilder {
        void rebuild(InterfaceChannel c) throws IOException;
    }

    private final Collection<InterfaceChannel> channels;
    private final Host host;
    private VirtualMacRebuilder virtualMacs = c -> {
        throw new IOException("virtual MACs are not available on this node");
    };
    private LinkMonitor monitor;
    private final EventLoopPort loop;
    private EventLoopPort.Cancellable registration;
    private long resyncs;

    /** @param channels the node's channels (read, never changed here) */
    LinkWatcher(Collection<InterfaceChannel> channels, Host host, EventLoopPort loop) {
        this.channels = channels;
        this.host = host;
        this.loop = loop;
    }

    /** Who makes a virtual MAC again when its base interface is recreated (the node's runtime). */
    void virtualMacRebuilder(VirtualMacRebuilder rebuilder) {
        this.virtualMacs = rebuilder;
    }

    /**
     * Starts listening with {@code monitor}. What happened before (the build's own virtual MACs coming up)
     * is passed over: link states are read afresh when a router starts, and later changes come as events.
     */
    void start(LinkMonitor monitor, EventLoopPort loop) throws IOException {
        this.monitor = monitor;
        monitor.drain((ifindex, ifname, up, deleted) -> { }, ifindex -> { }, () -> { });
        // the handlers made once, here: made in the callback, their first linking (~0.5 ms, interpreted) fell
        // on the first netlink event, which is a backup's first take-over adding its addresses (issue 12)
        LinkMonitor.LinkListener links = this::linkChanged;
        java.util.function.IntConsumer addresses = this::addressesChanged;
        Runnable overrun = this::resync;
        registration = loop.register(monitor.fd(), () -> monitor.drain(links, addresses, overrun));
    }

    /** The interface {@code ifindex} is up with carrier, or not (tests: no name, not deleted). */
    void linkChanged(int ifindex, boolean up) {
        linkChanged(ifindex, null, up, false);
    }

    /**
     * A link event. An interface of one of our channels that was deleted and made again under the same
     * name has a new index: the channel reopens its socket and announcer on it by name, then the event
     * counts for it like any other.
     */
    void linkChanged(int ifindex, String ifname, boolean up, boolean deleted) {
        if (ifname != null && !deleted) {
            for (InterfaceChannel c : java.util.List.copyOf(channels)) {
                if (ifname.equals(c.virtualMacBase) && c.virtualMacBaseIndex != ifindex) {
                    baseRecreated(c, ifindex);
                }
            }
            for (InterfaceChannel c : channels) {
                if (c.name.equals(ifname) && c.ifindex != ifindex) {
                    recreated(c, ifindex);
                }
            }
        }
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

    private void recreated(InterfaceChannel c, int ifindex) {
        int before = c.ifindex;
        try {
            c.reopen(host, loop);
        } catch (IOException | RuntimeException e) {
            LOG.warn("interface {} is back (ifindex {}), but its socket cannot be opened: {}", c.name, ifindex,
                    e.getMessage());
            return;
        }
        LOG.info("interface {} was made again (ifindex {} -> {}): socket and announcer reopened", c.name, before,
                c.ifindex);
        for (RouterDriver r : c.byVrid.values()) {
            r.deviceRecreated(c.name, c.ifindex);
        }
        addressesChanged(c.primaryIndex); // the new interface's address, when it has one already
    }

    /**
     * A virtual MAC's base interface was deleted and made again under its name: the macvlan died with the
     * old base (its router went to FAULT on that), so it is made again on the new base and the channel
     * reopened on it; the router follows the new macvlan's link state. If that fails (the base went again,
     * an IPv6 base has no link-local yet), the next event of the base tries again.
     */
    private void baseRecreated(InterfaceChannel c, int baseIndex) {
        int before = c.ifindex;
        try {
            virtualMacs.rebuild(c);
        } catch (IOException | RuntimeException e) {
            if (!c.virtualMacPending) { // once: its next events try again
                LOG.warn("interface {} is back (ifindex {}), but virtual MAC interface {} cannot be made again on it"
                        + " yet: {}", c.virtualMacBase, baseIndex, c.name, e.getMessage());
            }
            c.virtualMacPending = true;
            return;
        }
        c.virtualMacPending = false;
        LOG.info("interface {} was made again (ifindex {}): virtual MAC interface {} made again on it (ifindex {} -> {}),"
                + " socket and announcer reopened", c.virtualMacBase, c.virtualMacBaseIndex, c.name, before, c.ifindex);
        for (RouterDriver r : c.byVrid.values()) {
            r.deviceRecreated(c.name, c.ifindex);
        }
        boolean up = host.linkUp(c.name);
        if (c.linkUp != up) {
            linkChanged(c.ifindex, up);
        }
        addressesChanged(c.primaryIndex);
    }

    /**
     * After a netlink overrun (notifications were lost): every channel's interface is looked up again by
     * name (index, link state, primary address), as if each had sent its event anew.
     */
    void resync() {
        resyncs++;
        LOG.warn("rtnetlink notifications were lost (receive queue overrun): reading links and addresses again");
        for (InterfaceChannel c : java.util.List.copyOf(channels)) {
            if (c.virtualMacBase != null) { // a recreated base: its macvlan is made again first
                try {
                    int base = host.ifindex(c.virtualMacBase);
                    if (base != c.virtualMacBaseIndex) {
                        baseRecreated(c, base);
                    }
                } catch (IOException e) {
                    // the base is gone: so is the macvlan, found below
                }
            }
            int index;
            try {
                index = host.ifindex(c.name);
            } catch (IOException e) {
                linkChanged(c.ifindex, c.name, false, true); // gone
                continue;
            }
            linkChanged(index, c.name, host.linkUp(c.name), false);
            addressesChanged(c.primaryIndex);
        }
    }

    /** How many resyncs ran (after overruns). */
    long resyncs() {
        return resyncs;
    }

    /** The addresses of interface {@code ifindex} changed: a channel sending from it re-reads its primary. */
    void addressesChanged(int ifindex) {
        for (InterfaceChannel c : java.util.List.copyOf(channels)) {
            if (c.virtualMacPending && baseIndex(c) == ifindex) { // an IPv6 base's link-local came: the macvlan can be made
                baseRecreated(c, ifindex);
            }
        }
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

    private int baseIndex(InterfaceChannel c) {
        try {
            return host.ifindex(c.virtualMacBase);
        } catch (IOException e) {
            return 0;
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
