package org.vrrp4j.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.fsm.VirtualRouter;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.netty.linux.LinkMonitor;

/**
 * What a node holds on its loop: its interface channels and router drivers, its sync groups, and the one
 * sequence each for adding routers (rolled back as a whole when one fails), starting them, removing one,
 * and stopping. Everything native is behind {@link Host} and {@link EventLoopPort}, so the whole runtime
 * runs in tests without root. Loop only, except attaching before the node's loop starts.
 */
final class NodeRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);
    /** Mismatch warnings per (router, source): at most one a minute. */
    private static final long MISMATCH_PERIOD_NANOS = 60_000_000_000L;

    private final EventLoopPort loop;
    private final Host host;
    private final VirtualMacs virtualMacs;
    private final Map<String, InterfaceChannel> channels = new LinkedHashMap<>();
    private final Map<String, RouterDriver> routers = new LinkedHashMap<>();
    /** The routers with a virtual MAC: their configured macvlan name, or empty for {@code vrrp.<VRID>}. */
    private final Map<String, Optional<String>> virtualMacNames = new LinkedHashMap<>();
    private final SyncGroups groups;
    private final LinkWatcher links;
    private final WarmUp warmUp;
    private final RouterFilters filters;
    private final RouterDriver.Context ctx;
    private boolean closed;

    /** @param virtualMacs null where virtual MACs cannot be made (tests without root) */
    NodeRuntime(EventLoopPort loop, Host host, VirtualMacs virtualMacs, ListenerDispatch listeners,
            AnnouncementSchedule.Cadence cadence, boolean warmUp) {
        this.loop = loop;
        this.host = host;
        this.virtualMacs = virtualMacs;
        this.groups = new SyncGroups(routers, listeners);
        this.links = new LinkWatcher(channels.values(), host, loop);
        this.links.virtualMacRebuilder(this::rebuildVirtualMac);
        this.warmUp = new WarmUp(warmUp);
        this.filters = new RouterFilters(host);
        this.ctx = new RouterDriver.Context(loop, host, listeners, cadence, new MismatchLog(MISMATCH_PERIOD_NANOS), groups,
                filters);
    }

    /**
     * Builds a node's runtime on the real host: attaches every router, declares the sync groups, then, on the
     * loop, watches links and starts the routers. When anything fails, what was made is undone.
     */
    static NodeRuntime open(NettyLoop loop, ListenerDispatch listeners, AnnouncementSchedule.Cadence cadence,
            boolean warmUp, List<VirtualRouterConfig> configs, Map<String, Optional<String>> vmacs,
            Map<String, List<String>> syncGroups, Duration startupDelay) throws IOException {
        LinuxHost host = LinuxHost.open();
        NodeRuntime rt = new NodeRuntime(loop, host, new VirtualMacs(host.netlink()), listeners, cadence, warmUp);
        LinkMonitor monitor = null;
        boolean attached = false;
        try {
            List<RouterDriver> drivers = rt.attach(configs, vmacs); // undoes itself when it fails
            attached = true;
            syncGroups.forEach(rt::declareSyncGroup);
            monitor = LinkMonitor.open();
            LinkMonitor links = monitor;
            loop.call(() -> {
                rt.watchLinks(links);
                rt.start(drivers, startupDelay);
                return null;
            }, 10);
            return rt;
        } catch (IOException | RuntimeException e) {
            undo(loop, rt, attached, monitor, e);
            throw e;
        } catch (Exception e) { // the loop did not answer, or was interrupted
            undo(loop, rt, attached, monitor, e);
            throw new IllegalStateException("the node could not start: " + e, e);
        }
    }

    private static void undo(NettyLoop loop, NodeRuntime rt, boolean attached, LinkMonitor monitor, Exception e) {
        try {
            loop.call(() -> {
                if (attached) {
                    rt.stop(true);
                } else {
                    rt.abandon();
                }
                return null;
            }, 5);
        } catch (Exception x) {
            e.addSuppressed(x);
        }
        if (monitor != null && !rt.links.started()) {
            monitor.close();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Creates the drivers of {@code configs} (channels and virtual MACs as needed), not started. When one
     * fails, everything made for any of them is undone, and the failure thrown.
     *
     * @param vmacs the routers with a virtual MAC: the macvlan's configured name, or empty for the default
     */
    List<RouterDriver> attach(List<VirtualRouterConfig> configs, Map<String, Optional<String>> vmacs) throws IOException {
        requireOpen();
        List<VirtualRouterConfig> all = new ArrayList<>();
        routers.values().forEach(r -> all.add(r.router.config()));
        all.addAll(configs);
        Map<String, Optional<String>> allVmacs = new LinkedHashMap<>(virtualMacNames);
        allVmacs.putAll(vmacs);
        Set<String> channelsBefore = Set.copyOf(channels.keySet());
        int linksBefore = virtualMacs == null ? 0 : virtualMacs.mark();
        List<RouterDriver> made = new ArrayList<>();
        try {
            for (VirtualRouterConfig cfg : configs) {
                made.add(attach(cfg, vmacs.get(cfg.name()), all, allVmacs));
            }
            return made;
        } catch (IOException | RuntimeException e) {
            for (RouterDriver d : made) {
                if (d.filtered) {
                    filters.remove(d.router.config(), d.virtualMacFiltered, true);
                }
                routers.remove(d.name());
                virtualMacNames.remove(d.name());
                d.channel.byVrid.remove(d.router.config().vrid());
            }
            for (InterfaceChannel c : List.copyOf(channels.values())) {
                if (!channelsBefore.contains(c.key())) {
                    c.close();
                    channels.remove(c.key());
                }
            }
            if (virtualMacs != null) {
                virtualMacs.rollBackTo(linksBefore, e);
            }
            throw e;
        }
    }

    private RouterDriver attach(VirtualRouterConfig cfg, Optional<String> vmac, List<VirtualRouterConfig> all,
            Map<String, Optional<String>> allVmacs) throws IOException {
        if (cfg.interfaceName().isEmpty()) {
            throw new IllegalArgumentException(cfg.name() + ": interfaceName is required on a node");
        }
        if (routers.containsKey(cfg.name())) {
            throw new IllegalArgumentException(cfg.name() + ": a router of that name is already on the node");
        }
        InterfaceChannel existing = vmac != null ? null : channels.get(InterfaceChannel.key(cfg.interfaceName(), cfg.family()));
        if (existing != null && existing.byVrid.containsKey(cfg.vrid())) {
            throw new IllegalArgumentException(cfg.name() + ": VRID " + cfg.vrid() + " is already used on "
                    + existing.name + " for " + cfg.family());
        }
        cfg.unicastSource().ifPresent(source -> host.requireLocal(source, cfg));
        Map<String, Integer> devices = new LinkedHashMap<>();
        for (VirtualAddress va : cfg.virtualAddresses()) {
            if (va.device().isPresent() && !devices.containsKey(va.device().get())) {
                devices.put(va.device().get(), host.ifindex(va.device().get())); // an unknown device fails here
            }
        }
        String device = cfg.interfaceName();
        int virtualMacLink = 0;
        if (vmac != null) {
            if (virtualMacs == null) {
                throw new IllegalArgumentException(cfg.name() + ": virtual MACs are not available on this node");
            }
            boolean twin = all.stream().anyMatch(c -> c.family() == IpFamily.IPV4 && c.vrid() == cfg.vrid()
                    && allVmacs.containsKey(c.name()) && allVmacs.get(c.name()).isEmpty());
            Map.Entry<String, Integer> made = virtualMacs.create(cfg, vmac, twin,
                    n -> channels.containsKey(InterfaceChannel.key(n, IpFamily.IPV4))
                            || channels.containsKey(InterfaceChannel.key(n, IpFamily.IPV6)),
                    virtualAddressesOn(cfg.interfaceName(), all));
            device = made.getKey();
            virtualMacLink = made.getValue();
        }
        InterfaceChannel channel = channels.get(InterfaceChannel.key(device, cfg.family()));
        if (channel == null) {
            channel = open(device, cfg.interfaceName(), cfg.family(), all);
            channels.put(channel.key(), channel);
            if (vmac != null) {
                channel.virtualMacBase = cfg.interfaceName();
                channel.virtualMacBaseIndex = host.ifindex(cfg.interfaceName());
            }
        }
        devices.putIfAbsent(channel.name, channel.ifindex);
        RouterDriver driver = new RouterDriver(new VirtualRouter(cfg), channel, devices, ctx);
        driver.virtualMacLink = virtualMacLink;
        if (vmac != null) {
            virtualMacNames.put(cfg.name(), vmac);
        }
        channel.byVrid.put(cfg.vrid(), driver);
        if (channel.family == IpFamily.IPV6) { // never the advert source, even once the master holds them
            for (VirtualAddress va : cfg.virtualAddresses()) {
                channel.virtuals.add(va.address());
            }
        }
        routers.put(cfg.name(), driver);
        // made before the router starts: an owner starts as master, and no packet may slip through meanwhile
        driver.filtered = filters.install(cfg, vmac != null ? device : null);
        driver.virtualMacFiltered = driver.filtered && vmac != null;
        return driver;
    }

    /**
     * Opens a channel on {@code device}: adverts leave from {@code base}'s IPv4 primary (the same unless a
     * virtual MAC), or from the device's own IPv6 link-local (never one of the routers' virtual addresses).
     */
    private InterfaceChannel open(String device, String base, IpFamily family, List<VirtualRouterConfig> all)
            throws IOException {
        int ifindex = host.ifindex(device);
        InetAddress primary;
        Set<InetAddress> virtuals = Set.of();
        if (family == IpFamily.IPV6) {
            virtuals = virtualAddressesOn(base, all);
            primary = host.linkLocalIpv6(ifindex, virtuals).orElseThrow(() -> new IllegalArgumentException("interface "
                    + device + " has no IPv6 link-local address to send adverts from (is IPv6 disabled on it?)"));
        } else {
            primary = host.primaryIpv4(base).orElseThrow(() ->
                    new IllegalArgumentException("interface " + base + " has no IPv4 address to send adverts from"));
        }
        VrrpSocket socket = host.openSocket(device, family);
        try {
            InterfaceChannel c = family == IpFamily.IPV6
                    ? new InterfaceChannel(device, family, ifindex, primary, device, ifindex, socket, host.openAnnouncer(device, family))
                    : new InterfaceChannel(device, family, ifindex, primary, base, host.ifindex(base), socket,
                            host.openAnnouncer(device, family));
            c.virtuals.addAll(virtuals);
            return c;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Set<InetAddress> virtualAddressesOn(String ifname, List<VirtualRouterConfig> all) {
        Set<InetAddress> virtuals = new HashSet<>();
        for (VirtualRouterConfig c : all) {
            if (c.family() == IpFamily.IPV6 && c.interfaceName().equals(ifname)) {
                c.virtualAddresses().forEach(va -> virtuals.add(va.address()));
            }
        }
        return virtuals;
    }

    /**
     * A virtual MAC's base interface was recreated (the macvlan died with the old one): the macvlan is made
     * again on the new base with the same name, MAC and settings, the channel reopened on it, and the
     * router's netdev filter made again on it. One router per virtual MAC channel.
     */
    private void rebuildVirtualMac(InterfaceChannel c) throws IOException {
        if (virtualMacs == null || c.byVrid.isEmpty()) {
            throw new IOException("virtual MACs are not available on this node");
        }
        RouterDriver d = c.byVrid.values().iterator().next();
        VirtualRouterConfig cfg = d.router.config();
        List<VirtualRouterConfig> all = routers.values().stream().map(r -> r.router.config()).toList();
        d.virtualMacLink = virtualMacs.recreate(cfg, c.name, d.virtualMacLink, virtualAddressesOn(cfg.interfaceName(), all));
        c.reopen(host, loop); // by name: the new macvlan's index, socket and announcer
        c.virtualMacBaseIndex = host.ifindex(c.virtualMacBase);
        if (d.virtualMacFiltered) {
            filters.virtualMacRecreated(cfg, c.name, d.router.state() == org.vrrp4j.core.fsm.State.MASTER);
        }
    }

    /** Listens for link and address events (before routers start: their link states are read after). */
    void watchLinks(LinkMonitor monitor) throws IOException {
        links.start(monitor, loop);
    }

    /** The link watcher (its decisions are tested through the runtime). */
    LinkWatcher links() {
        return links;
    }

    /**
     * Starts attached routers: their channels are watched (a new one warmed up and its link state read),
     * they join their sync groups, then each starts, straight in FAULT when its link is down.
     */
    void start(List<RouterDriver> drivers) throws IOException {
        start(drivers, Duration.ZERO);
    }

    /**
     * {@link #start(List)} with keepalived's {@code vrrp_startup_delay}: for {@code startupDelay} no router
     * becomes master (the core holds them as backups); the node's first start only, never a reload's.
     */
    void start(List<RouterDriver> drivers, Duration startupDelay) throws IOException {
        List<RouterDriver> rehearse = new ArrayList<>();
        for (RouterDriver d : drivers) {
            InterfaceChannel c = d.channel;
            if (c.registration == null) {
                c.register(loop);
                c.currentPrimary = c.primary;
                c.linkUp = host.linkUp(c.name);
                rehearse.add(d);
            }
        }
        drivers.forEach(d -> groups.membershipChanged(d.name()));
        loop.atOneInstant(() -> { // routers started together keep one phase: see NettyLoop.hold
            for (RouterDriver d : drivers) {
                if (!d.channel.linkUp) {
                    d.step(new Input.LinkChanged(false));
                }
                d.step(new Input.Start(d.channel.currentPrimary, startupDelay));
            }
        });
        // after the start: a backup is in BACKUP at once, and its first take-over is at least Master_Down_Interval away
        for (RouterDriver d : rehearse) {
            warmUp.rehearseInSlices(loop, d.channel, d.router.config(), () -> !closed && d.channel.registration != null);
        }
    }

    /** Declares a sync group over routers of this node. */
    void declareSyncGroup(String name, List<String> members) {
        requireOpen();
        for (String m : members) {
            if (!routers.containsKey(m)) {
                throw new IllegalArgumentException("sync group " + name + ": no router named " + m + " on the node");
            }
        }
        groups.declare(name, members);
    }

    boolean removeSyncGroup(String name) {
        return groups.remove(name);
    }

    Map<String, List<String>> syncGroups() {
        return groups.declared();
    }

    /**
     * Stops and removes one router: a master sends priority 0 (its sync group follows as the core says),
     * its addresses go; its channel closes with its last router, its virtual MAC is deleted.
     */
    boolean remove(String name) {
        RouterDriver d = routers.get(name);
        if (d == null || closed) {
            return false;
        }
        d.stop(true, false);
        if (d.filtered) {
            filters.remove(d.router.config(), d.virtualMacFiltered, false);
        }
        routers.remove(name);
        virtualMacNames.remove(name);
        groups.membershipChanged(name);
        ctx.mismatches().forget(name);
        InterfaceChannel c = d.channel;
        c.byVrid.remove(d.router.config().vrid());
        if (c.family == IpFamily.IPV6) {
            c.recomputeVirtuals(routers.values());
        }
        if (c.byVrid.isEmpty()) {
            c.close();
            channels.remove(c.key());
        }
        if (d.virtualMacLink != 0) {
            virtualMacs.delete(name, d.virtualMacLink);
        }
        return true;
    }

    /**
     * Gives a running router a configuration it takes in place ({@link VirtualRouter#takesInPlace}): new
     * virtual addresses, a non-owner priority. Devices named by new addresses are resolved first, so an
     * unknown one fails before anything changes.
     *
     * @return false when there is no such router
     * @throws IllegalArgumentException when {@code next} needs a restart, or names an unknown device
     */
    boolean reconfigure(VirtualRouterConfig next) {
        RouterDriver d = routers.get(next.name());
        if (d == null || closed) {
            return false;
        }
        if (!VirtualRouter.takesInPlace(d.router.config(), next)) {
            throw new IllegalArgumentException(next.name() + ": only the virtual addresses and a non-owner priority"
                    + " change on a running router; anything else restarts it");
        }
        Map<String, Integer> devices = new LinkedHashMap<>();
        for (VirtualAddress va : next.virtualAddresses()) {
            if (va.device().isPresent() && !d.knowsDevice(va.device().get())) {
                try {
                    devices.put(va.device().get(), host.ifindex(va.device().get()));
                } catch (IOException e) {
                    throw new IllegalArgumentException(next.name() + ": " + va + ": " + e.getMessage(), e);
                }
            }
        }
        devices.forEach(d::knowDevice);
        if (d.filtered) {
            filters.addressesChanged(next);
        }
        d.step(new Input.Reconfigured(next));
        if (d.channel.family == IpFamily.IPV6) {
            d.channel.recomputeVirtuals(routers.values());
        }
        return true;
    }

    /** Feeds an input to a router; false when there is no such router (removed meanwhile). */
    boolean input(String router, Input input) {
        RouterDriver d = routers.get(router);
        if (d == null) {
            return false;
        }
        d.step(input);
        return true;
    }

    List<RouterStatus> status() {
        return routers.values().stream().map(RouterDriver::status).toList();
    }

    Map<String, Map<DropReason, Long>> interfaceDrops() {
        Map<String, Map<DropReason, Long>> out = new LinkedHashMap<>();
        channels.values().forEach(c -> out.put(c.name, c.drops()));
        return out;
    }

    RouterDriver router(String name) {
        return routers.get(name);
    }

    InterfaceChannel channel(String ifname, IpFamily family) {
        return channels.get(InterfaceChannel.key(ifname, family));
    }

    /**
     * Stops everything: {@code graceful}, masters send priority 0, addresses and virtual MACs go; otherwise
     * what kill -9 leaves (timers gone, sockets closed, addresses stay). Each router stops alone: the node
     * stops, its sync groups do not move.
     */
    void stop(boolean graceful) {
        if (closed) {
            return;
        }
        closed = true;
        for (RouterDriver d : routers.values()) {
            d.stop(graceful, true);
            if (graceful && d.filtered) { // kill -9 leaves them; the next start replaces them
                filters.remove(d.router.config(), d.virtualMacFiltered, true);
            }
        }
        filters.close();
        channels.values().forEach(InterfaceChannel::close);
        links.close();
        if (virtualMacs != null) {
            virtualMacs.close(graceful);
        }
        host.close();
    }

    /** After a failed build: what {@link #attach} made is gone already; the rest closes. */
    void abandon() {
        closed = true;
        filters.close();
        links.close();
        if (virtualMacs != null) {
            virtualMacs.close(true);
        }
        host.close();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the node is closed");
        }
    }

    @Override
    public String toString() {
        return routers.keySet().toString();
    }
}
