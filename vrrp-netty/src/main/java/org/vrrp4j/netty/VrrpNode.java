package org.vrrp4j.netty;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.Action;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.fsm.TimerKind;
import org.vrrp4j.core.fsm.VirtualRouter;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.Ipv4Datagram;
import org.vrrp4j.core.packet.PacketView;
import org.vrrp4j.core.packet.VrrpCodec;
import org.vrrp4j.netty.linux.AddressAnnouncer;
import org.vrrp4j.netty.linux.ArpAnnouncer;
import org.vrrp4j.netty.linux.InterfaceSysctls;
import org.vrrp4j.netty.linux.Libc;
import org.vrrp4j.netty.linux.LinkMonitor;
import org.vrrp4j.netty.linux.NeighborAnnouncer;
import org.vrrp4j.netty.linux.Netlink;
import org.vrrp4j.netty.linux.RawVrrpSocket;

/**
 * A VRRP node on a Linux host: the core's virtual routers driven by raw IP sockets on a Netty epoll
 * loop, with their virtual addresses added and removed through rtnetlink and announced by gratuitous
 * ARP. The handler does three things: decode, step, execute. Timers are the loop's scheduled tasks at
 * the absolute deadlines the core asks for. Sockets and netlink are opened in the network namespace of
 * the thread that calls {@link Builder#build()}.
 *
 * <p>IPv4 (VRRPv2 and v3) and IPv6 (VRRPv3), multicast and unicast peers. One raw socket per
 * (interface, family), shared by the routers on it. IPv6 adverts leave from the interface's own
 * link-local address (RFC 9568 §5.1.2.1); IPv6 virtual addresses are added without DAD and announced
 * by unsolicited Neighbor Advertisements with the gratuitous-ARP cadence.
 */
public final class VrrpNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpNode.class);
    private static final byte[] GROUP = VrrpCodec.IPV4_GROUP.getAddress();
    private static final byte[] GROUP6 = VrrpCodec.IPV6_GROUP.getAddress();
    /** Master transitions rehearsed at start: past the JIT's compile thresholds (C1: 200 calls, 2000 loops). */
    private static final int WARM_UP_ROUNDS = 3_000;

    private final IoEventLoopGroup group;
    private final boolean ownsGroup;
    private final IoEventLoop loop;
    private final List<NodeListener> listeners;
    private final Executor listenerExecutor;
    private final int garpRepeat;
    private final Duration garpDelay;
    private final Duration refreshInterval;
    private final int refreshRepeat;
    private final Map<String, Iface> interfaces = new LinkedHashMap<>();
    private final Map<String, Slot> routers = new LinkedHashMap<>();
    /** Indexes of the virtual MAC interfaces this node created (or took over); deleted on close. */
    private final List<Integer> virtualMacLinks = new ArrayList<>();
    /** The routers with a virtual MAC: their configured macvlan name, or empty for {@code vrrp.<VRID>}. */
    private final Map<String, Optional<String>> virtualMacs = new LinkedHashMap<>();
    /** Base interfaces whose ARP settings a virtual MAC changed; restored on close. */
    private final Map<String, InterfaceSysctls> baseSysctls = new LinkedHashMap<>();
    private final Netlink netlink;
    private final LinkMonitor links;
    private IoRegistration linksRegistration;
    private volatile boolean closed;

    /**
     * One interface and family: its socket, announcer and routers by VRID. Keyed by {@link #key}. Loop
     * thread only after build.
     */
    private final class Iface {
        final String name;
        final IpFamily family;
        final int ifindex;
        final InetAddress primary;
        final RawVrrpSocket socket;
        final AddressAnnouncer announcer;
        /** IPv4: the interface whose primary address is the advert source (the base of a virtual MAC). */
        String primaryFrom;
        int primaryIndex;
        /** IPv6: the routers' virtual addresses, never taken for the interface's own link-local. */
        final Set<InetAddress> virtuals = new java.util.HashSet<>();
        final Map<Integer, Slot> byVrid = new LinkedHashMap<>();
        final RawVrrpSocket.Received rx = new RawVrrpSocket.Received();
        final Ipv4Datagram ip = new Ipv4Datagram();
        final PacketView view = new PacketView();
        final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        IoRegistration registration;
        InetAddress currentPrimary;
        boolean linkUp = true;

        Iface(String name, IpFamily family, int ifindex, InetAddress primary, RawVrrpSocket socket,
                AddressAnnouncer announcer) {
            this.name = name;
            this.family = family;
            this.ifindex = ifindex;
            this.primary = primary;
            this.socket = socket;
            this.announcer = announcer;
            this.primaryFrom = name;
            this.primaryIndex = ifindex;
        }
    }

    /** The key of an {@link Iface}: the routers of one family on one interface share a socket. */
    private static String key(String ifname, IpFamily family) {
        return ifname + (family == IpFamily.IPV6 ? "/6" : "/4");
    }

    /** One router and what the node holds for it. */
    private static final class Slot {
        final VirtualRouter router;
        final Iface iface;
        final Map<TimerKind, ScheduledFuture<?>> timers = new EnumMap<>(TimerKind.class);
        final Set<VirtualAddress> added = new LinkedHashSet<>();
        final Map<String, Integer> deviceIndex;
        long sendErrors;
        /** The periodic re-announcement while master (keepalived's garp_master_refresh), if any. */
        ScheduledFuture<?> refresh;
        /** The ifindex of the router's own virtual MAC interface; 0 without one. */
        int virtualMacLink;

        Slot(VirtualRouter router, Iface iface, Map<String, Integer> deviceIndex) {
            this.router = router;
            this.iface = iface;
            this.deviceIndex = deviceIndex;
        }
    }

    private VrrpNode(Builder b) throws Libc.NativeException {
        Module self = VrrpNode.class.getModule();
        if (!self.isNativeAccessEnabled()) {
            throw new IllegalStateException("native access is not enabled for " + (self.isNamed() ? self.getName()
                    : "the class path") + ": start the JVM with --enable-native-access="
                    + (self.isNamed() ? self.getName() : "ALL-UNNAMED") + " (raw sockets go through the FFM API)");
        }
        Epoll.ensureAvailability();
        this.ownsGroup = b.group == null;
        this.group = b.group != null ? b.group : new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.loop = group.next();
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.listenerExecutor = b.listenerExecutor;
        this.garpRepeat = b.garpRepeat;
        this.garpDelay = b.garpDelay;
        this.refreshInterval = b.refreshInterval;
        this.refreshRepeat = b.refreshRepeat;
        Netlink nl = null;
        LinkMonitor lm = null;
        try {
            nl = Netlink.open();
            lm = LinkMonitor.open();
            for (VirtualRouterConfig cfg : b.configs) {
                attach(cfg, b.virtualMacs.get(cfg.name()), nl, b.configs, b.virtualMacs);
            }
        } catch (Libc.NativeException | RuntimeException e) {
            interfaces.values().forEach(i -> {
                i.socket.close();
                i.announcer.close();
            });
            restoreBaseSysctls(true);
            if (nl != null) {
                for (int link : virtualMacLinks) {
                    try {
                        nl.deleteLink(link);
                    } catch (Libc.NativeException x) {
                        e.addSuppressed(x);
                    }
                }
                nl.close();
            }
            if (lm != null) {
                lm.close();
            }
            if (ownsGroup) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            throw e;
        }
        this.netlink = nl;
        this.links = lm;
        start();
    }

    /** The IPv4 side of {@code name}; adverts leave from {@code base}'s primary (the same unless a virtual MAC). */
    private Iface openInterface(String name, String base) throws Libc.NativeException {
        int ifindex = Libc.ifindex(name);
        InetAddress primary = Netlink.primaryIpv4(base).orElseThrow(() ->
                new IllegalArgumentException("interface " + base + " has no IPv4 address to send adverts from"));
        byte[] mac = Netlink.macAddress(name);
        RawVrrpSocket socket = RawVrrpSocket.open(name);
        try {
            Iface i = new Iface(name, IpFamily.IPV4, ifindex, primary, socket, ArpAnnouncer.open(name, mac));
            i.primaryFrom = base;
            i.primaryIndex = Libc.ifindex(base);
            return i;
        } catch (Libc.NativeException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * The IPv6 side of an interface: the raw socket, the NA announcer, and the interface's own
     * link-local address as advert source (never one of the routers' virtual addresses).
     */
    private Iface openInterface6(String name, String base, Netlink nl, List<VirtualRouterConfig> all)
            throws Libc.NativeException {
        int ifindex = Libc.ifindex(name);
        Set<InetAddress> virtuals = virtualAddressesOn(base, all);
        InetAddress primary = nl.linkLocalIpv6(ifindex, virtuals).orElseThrow(() -> new IllegalArgumentException(
                "interface " + name + " has no IPv6 link-local address to send adverts from (is IPv6 disabled on it?)"));
        byte[] mac = Netlink.macAddress(name);
        RawVrrpSocket socket = RawVrrpSocket.openIpv6(name);
        try {
            Iface i = new Iface(name, IpFamily.IPV6, ifindex, primary, socket,
                    NeighborAnnouncer.open(name, mac, NeighborAnnouncer.ipv6Forwarding(name)));
            i.virtuals.addAll(virtuals);
            return i;
        } catch (Libc.NativeException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Set<InetAddress> virtualAddressesOn(String ifname, List<VirtualRouterConfig> all) {
        Set<InetAddress> virtuals = new java.util.HashSet<>();
        for (VirtualRouterConfig c : all) {
            if (c.family() == IpFamily.IPV6 && c.interfaceName().equals(ifname)) {
                c.virtualAddresses().forEach(va -> virtuals.add(va.address()));
            }
        }
        return virtuals;
    }

    /**
     * keepalived's {@code use_vmac}: a macvlan (private mode) on the router's interface with the
     * virtual router MAC 00:00:5e:00:01:{VRID} (IPv4) or 00:00:5e:00:02:{VRID} (IPv6) (RFC 9568
     * §7.3), no automatic IPv6 link-local (§7.4); an IPv6 router's gets the base interface's link-local
     * to send from, as keepalived does. Named {@code vrrp.<VRID>} unless configured (an IPv6 router
     * whose IPv4 twin of the same VRID took that name gets {@code vrrp6.<VRID>}, keepalived's second
     * choice). Returns the macvlan's name: the router's socket, addresses and announcements live there.
     */
    private String createVirtualMac(VirtualRouterConfig cfg, Optional<String> configured, Netlink nl,
            List<VirtualRouterConfig> all, Map<String, Optional<String>> vmacs) throws Libc.NativeException {
        boolean v6 = cfg.family() == IpFamily.IPV6;
        String name = configured.orElseGet(() -> {
            boolean twin = v6 && all.stream().anyMatch(c -> c.family() == IpFamily.IPV4 && c.vrid() == cfg.vrid()
                    && vmacs.containsKey(c.name()) && vmacs.get(c.name()).isEmpty());
            return (twin ? "vrrp6." : "vrrp.") + cfg.vrid();
        });
        if (interfaces.containsKey(key(name, IpFamily.IPV4)) || interfaces.containsKey(key(name, IpFamily.IPV6))) {
            throw new IllegalArgumentException(cfg.name() + ": virtual MAC interface " + name
                    + " is already another router's");
        }
        int base = Libc.ifindex(cfg.interfaceName());
        byte[] mac = {0x00, 0x00, 0x5e, 0x00, (byte) (v6 ? 0x02 : 0x01), (byte) cfg.vrid()};
        int index = nl.createMacvlan(base, name, mac);
        virtualMacLinks.add(index);
        nl.disableIpv6AddressGeneration(index);
        try {
            InterfaceSysctls.setVirtualMac(name); // an IPv6 one too: it must not answer ARP for the host's IPv4
            if (!v6 && !baseSysctls.containsKey(cfg.interfaceName())) {
                baseSysctls.put(cfg.interfaceName(), InterfaceSysctls.setBase(cfg.interfaceName()));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(cfg.name() + ": cannot set the ARP settings a virtual MAC needs on "
                    + name + " / " + cfg.interfaceName() + " (" + e.getMessage() + ")", e);
        }
        if (v6) {
            InetAddress ll = nl.linkLocalIpv6(base, virtualAddressesOn(cfg.interfaceName(), all)).orElseThrow(() ->
                    new IllegalArgumentException("interface " + cfg.interfaceName() + " has no IPv6 link-local address"));
            nl.addAddress(index, ll, 64, Optional.empty(), 253); // false when taken over with it: fine
        }
        nl.setLinkUp(index);
        LOG.info("{}: virtual MAC interface {} ({}) on {}", cfg.name(), name, java.util.HexFormat.ofDelimiter(":")
                .formatHex(mac), cfg.interfaceName());
        return name;
    }

    /** Puts back what virtual MACs changed on their base interfaces (a crash leaves it, as keepalived's). */
    private void restoreBaseSysctls(boolean restore) {
        for (InterfaceSysctls s : baseSysctls.values()) {
            if (restore) {
                try {
                    s.restore();
                } catch (java.io.IOException e) {
                    LOG.warn("cannot restore arp_ignore/arp_filter of {}: {}", s.base(), e.getMessage());
                }
            }
            s.close();
        }
        baseSysctls.clear();
    }

    /** keepalived refuses a unicast_src_ip the host does not have; so do we, by binding to it. */
    private static void requireLocal(InetAddress source, VirtualRouterConfig cfg) {
        InetAddress bindable = source;
        if (source instanceof Inet6Address v6 && v6.isLinkLocalAddress() && v6.getScopeId() == 0) {
            try {
                bindable = Inet6Address.getByAddress(null, v6.getAddress(), Libc.ifindex(cfg.interfaceName()));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(cfg.name() + ": " + e.getMessage());
            }
        }
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new java.net.InetSocketAddress(bindable, 0))) {
            // bound: the address is local
        } catch (java.net.SocketException e) {
            throw new IllegalArgumentException(cfg.name() + ": unicast source " + source.getHostAddress()
                    + " is not an address of this host (" + e.getMessage() + ")");
        }
    }

    /**
     * Creates a router's slot, opening its interface's socket if it is the first router of its family
     * there, and its virtual MAC interface if it has one.
     *
     * @param vmac null: no virtual MAC; else the macvlan's configured name, or empty for {@code vrrp.<VRID>}
     * @param all every router the node will have (IPv6 advert sources must not be a virtual address)
     */
    private Slot attach(VirtualRouterConfig cfg, Optional<String> vmac, Netlink nl, List<VirtualRouterConfig> all,
            Map<String, Optional<String>> vmacs) throws Libc.NativeException {
        if (cfg.interfaceName().isEmpty()) {
            throw new IllegalArgumentException(cfg.name() + ": interfaceName is required on a node");
        }
        if (routers.containsKey(cfg.name())) {
            throw new IllegalArgumentException(cfg.name() + ": a router of that name is already on the node");
        }
        Iface existing = vmac != null ? null : interfaces.get(key(cfg.interfaceName(), cfg.family()));
        if (existing != null && existing.byVrid.containsKey(cfg.vrid())) {
            throw new IllegalArgumentException(cfg.name() + ": VRID " + cfg.vrid() + " is already used on "
                    + existing.name + " for " + cfg.family());
        }
        if (cfg.unicastSource().isPresent()) {
            requireLocal(cfg.unicastSource().get(), cfg);
        }
        Map<String, Integer> devices = new LinkedHashMap<>();
        for (VirtualAddress va : cfg.virtualAddresses()) {
            if (va.device().isPresent() && !devices.containsKey(va.device().get())) {
                devices.put(va.device().get(), Libc.ifindex(va.device().get())); // an unknown device fails here
            }
        }
        String ifname = cfg.interfaceName();
        String device = vmac != null ? createVirtualMac(cfg, vmac, nl, all, vmacs) : ifname;
        Iface iface = interfaces.get(key(device, cfg.family()));
        if (iface == null) {
            iface = cfg.family() == IpFamily.IPV6 ? openInterface6(device, ifname, nl, all) : openInterface(device, ifname);
            interfaces.put(key(device, cfg.family()), iface);
        }
        devices.putIfAbsent(iface.name, iface.ifindex);
        Slot slot = new Slot(new VirtualRouter(cfg), iface, devices);
        if (vmac != null) {
            slot.virtualMacLink = iface.ifindex;
            virtualMacs.put(cfg.name(), vmac);
        }
        iface.byVrid.put(cfg.vrid(), slot);
        if (iface.family == IpFamily.IPV6) { // never the advert source, even once the master holds them
            for (VirtualAddress va : cfg.virtualAddresses()) {
                iface.virtuals.add(va.address());
            }
        }
        routers.put(cfg.name(), slot);
        return slot;
    }

    /**
     * Adds and starts a router on the running node (a reload added or changed it). Sockets open in the
     * namespace of the node's loop thread, which is where the node was built.
     *
     * @throws IllegalArgumentException for a name or VRID already used, an unknown interface, ...
     */
    public void addRouter(VirtualRouterConfig config) {
        add(config, null);
    }

    /**
     * {@link #addRouter(VirtualRouterConfig)} with a virtual MAC, as {@link Builder#virtualMac(String, String)}.
     *
     * @param deviceName the macvlan's name, or null for {@code vrrp.<VRID>}
     */
    public void addRouterWithVirtualMac(VirtualRouterConfig config, String deviceName) {
        add(config, Optional.ofNullable(deviceName).map(Builder::checkDeviceName));
    }

    private void add(VirtualRouterConfig config, Optional<String> vmac) {
        Objects.requireNonNull(config, "config");
        onLoop(() -> {
            if (closed) {
                throw new IllegalStateException("the node is closed");
            }
            List<VirtualRouterConfig> all = new ArrayList<>();
            routers.values().forEach(r -> all.add(r.router.config()));
            all.add(config);
            Map<String, Optional<String>> vmacs = new LinkedHashMap<>(virtualMacs);
            if (vmac != null) {
                vmacs.put(config.name(), vmac);
            }
            int linksBefore = virtualMacLinks.size();
            Slot s;
            try {
                s = attach(config, vmac, netlink, all, vmacs);
            } catch (Libc.NativeException | RuntimeException e) {
                while (virtualMacLinks.size() > linksBefore) { // a half-made virtual MAC goes again
                    int link = virtualMacLinks.removeLast();
                    try {
                        netlink.deleteLink(link);
                    } catch (Libc.NativeException x) {
                        e.addSuppressed(x);
                    }
                }
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalArgumentException(config.name() + ": " + e.getMessage(), e);
            }
            Iface i = s.iface;
            if (i.registration == null) {
                i.registration = loop.register(new VrrpIoHandle(i.socket.fd(), () -> onReadable(i))).sync().getNow();
                i.registration.submit(EpollIoOps.EPOLLIN);
                i.currentPrimary = i.primary;
                i.linkUp = linkIsUp(i.name);
                warmUp(i, s, 1); // the node's start warmed the shared code already
            }
            long now = System.nanoTime();
            if (!i.linkUp) {
                execute(s, s.router.step(new Input.LinkChanged(false), now));
            }
            execute(s, s.router.step(new Input.Start(i.currentPrimary), now));
            return null;
        });
    }

    /**
     * Stops and removes one router as {@link #close()} stops all: a master sends priority 0, the
     * router's addresses are removed; its interface's socket closes with its last router, and its
     * virtual MAC interface, if it had one, is deleted.
     *
     * @return whether the node had that router
     */
    public boolean removeRouter(String name) {
        Objects.requireNonNull(name, "name");
        return onLoop(() -> {
            Slot s = routers.get(name);
            if (s == null || closed) {
                return false;
            }
            stopRouter(s, true);
            routers.remove(name);
            virtualMacs.remove(name);
            Iface i = s.iface;
            i.byVrid.remove(s.router.config().vrid());
            if (i.family == IpFamily.IPV6) {
                i.virtuals.clear();
                routers.values().forEach(r -> r.router.config().virtualAddresses().forEach(va -> {
                    if (va.family() == IpFamily.IPV6) {
                        i.virtuals.add(va.address());
                    }
                }));
            }
            if (i.byVrid.isEmpty()) {
                closeInterface(i);
                interfaces.remove(key(i.name, i.family));
            }
            if (s.virtualMacLink != 0) {
                virtualMacLinks.remove(Integer.valueOf(s.virtualMacLink));
                try {
                    netlink.deleteLink(s.virtualMacLink);
                } catch (Libc.NativeException e) {
                    LOG.warn("{}: cannot delete its virtual MAC interface {}: {}", name, i.name, e.getMessage());
                }
            }
            return true;
        });
    }

    /** Runs on the loop and waits; a failure there is thrown here. */
    private <T> T onLoop(java.util.concurrent.Callable<T> task) {
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the node's loop did not answer within 10 s", e);
        }
    }

    private void start() {
        try {
            loop.submit(() -> {
                for (Iface i : interfaces.values()) {
                    i.registration = loop.register(new VrrpIoHandle(i.socket.fd(), () -> onReadable(i))).sync().getNow();
                    i.registration.submit(EpollIoOps.EPOLLIN);
                }
                // what build() itself did (virtual MAC interfaces created, then up) is history: the states
                // read below are current, and anything later comes as a new notification
                links.drain((ifindex, up) -> { }, ifindex -> { });
                linksRegistration = loop.register(new VrrpIoHandle(links.fd(), this::onLinkEvents)).sync().getNow();
                linksRegistration.submit(EpollIoOps.EPOLLIN);
                for (Iface i : interfaces.values()) {
                    i.currentPrimary = i.primary;
                    i.linkUp = linkIsUp(i.name);
                    warmUp(i, i.byVrid.values().iterator().next(), i == interfaces.values().iterator().next()
                            ? WARM_UP_ROUNDS : 1);
                }
                for (Slot s : routers.values()) {
                    long now = System.nanoTime();
                    if (!s.iface.linkUp) {
                        execute(s, s.router.step(new Input.LinkChanged(false), now)); // start straight in FAULT
                    }
                    execute(s, s.router.step(new Input.Start(s.iface.primary), now));
                }
                return null;
            }).sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the node", e);
        }
    }

    // ---- receive: decode, dispatch, step ------------------------------------------------------------

    private void onReadable(Iface i) {
        try {
            for (int n = 0; n < 64 && i.socket.receive(i.rx); n++) { // bounded: other work gets its turn
                DropReason reason;
                int rawVrid;
                byte[] srcBytes;
                byte[] dstBytes;
                if (i.family == IpFamily.IPV6) {
                    // no IP header: addresses and hop limit came as control messages. The kernel verified
                    // the checksum already (IPV6_CHECKSUM); the codec verifies it again, which a packet the
                    // kernel passed always survives: a failure there would mean these addresses are wrong.
                    reason = i.view.decode(i.rx.datagram, 0, i.rx.length, IpFamily.IPV6, i.rx.source, i.rx.destination,
                            i.rx.hopLimit);
                    rawVrid = i.rx.length > 1 ? i.rx.datagram.get(1) & 0xff : -1;
                    srcBytes = i.rx.source;
                    dstBytes = i.rx.destination;
                } else {
                    reason = i.ip.decode(i.rx.datagram, 0, i.rx.length, i.view);
                    rawVrid = i.rx.length > 21 ? i.rx.datagram.get((i.rx.datagram.get(0) & 0x0f) * 4 + 1) & 0xff : -1;
                    srcBytes = i.ip.source();
                    dstBytes = i.ip.destination();
                }
                Slot slot = i.byVrid.get(reason == null ? i.view.vrid() : rawVrid);
                InetAddress src = address(srcBytes);
                long now = System.nanoTime();
                if (reason != null) {
                    if (slot != null) {
                        execute(slot, slot.router.step(new Input.PacketRejected(reason, src), now));
                    } else {
                        i.drops.merge(reason, 1L, Long::sum);
                    }
                    continue;
                }
                if (slot == null) {
                    i.drops.merge(DropReason.VRID_NOT_CONFIGURED, 1L, Long::sum);
                    continue;
                }
                Input in = new Input.AdvertReceived(i.view.toPacket(), src, address(dstBytes), i.view.checksumForm());
                execute(slot, slot.router.step(in, now));
            }
        } catch (Libc.NativeException e) {
            LOG.warn("receive on {} failed: {}", i.name, e.getMessage());
        }
    }

    /** Link and address notifications: link down feeds FAULT; a changed primary address is picked up. */
    private void onLinkEvents() {
        links.drain((ifindex, up) -> {
            for (Iface i : interfaces.values()) {
                if (i.ifindex == ifindex && i.linkUp != up) {
                    i.linkUp = up;
                    LOG.info("link {} is {}", i.name, up ? "up" : "down");
                    for (Slot s : i.byVrid.values()) {
                        execute(s, s.router.step(new Input.LinkChanged(up), System.nanoTime()));
                    }
                }
            }
        }, ifindex -> {
            for (Iface i : interfaces.values()) {
                if (i.primaryIndex == ifindex) {
                    Optional<InetAddress> p = primaryOf(i);
                    if (p.isPresent() && !p.get().equals(i.currentPrimary)) {
                        i.currentPrimary = p.get();
                        LOG.info("primary address of {} is now {}", i.name, p.get().getHostAddress());
                        for (Slot s : i.byVrid.values()) {
                            execute(s, s.router.step(new Input.PrimaryAddressChanged(p.get()), System.nanoTime()));
                        }
                    }
                }
            }
        });
    }

    /**
     * The primary address of an interface for its family, read through a socket of the node's namespace
     * (the netlink one): IPv4's primary, IPv6's own link-local.
     */
    private Optional<InetAddress> primaryOf(Iface i) {
        return i.family == IpFamily.IPV6 ? netlink.linkLocalIpv6(i.ifindex, i.virtuals) : netlink.primaryIpv4In(i.primaryFrom);
    }

    private boolean linkIsUp(String ifname) {
        return netlink.linkUp(ifname);
    }

    private static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    // ---- execute the core's actions -------------------------------------------------------------

    private void execute(Slot s, List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.SendAdvert sa -> send(s, sa);
                case Action.ArmTimer t -> arm(s, t.kind(), t.deadlineNanos());
                case Action.CancelTimer t -> {
                    ScheduledFuture<?> f = s.timers.remove(t.kind());
                    if (f != null) {
                        f.cancel(false);
                    }
                }
                case Action.AddAddresses add -> add.addresses().forEach(va -> addAddress(s, va));
                case Action.RemoveAddresses rm -> rm.addresses().forEach(va -> removeAddress(s, va));
                case Action.Announce an -> {
                    announce(s, an.addresses(), garpRepeat, true);
                    refreshAnnouncements(s, an.addresses());
                }
                case Action.StateChanged sc -> {
                    LOG.info("{}: {} -> {} ({})", s.router.config().name(), sc.from(), sc.to(), sc.reason());
                    notifyListeners(l -> l.stateChanged(s.router.config().name(), sc.from(), sc.to(), sc.reason()));
                }
                case Action.PacketDiscarded d -> LOG.debug("{}: dropped packet from {}: {}", s.router.config().name(),
                        d.source() == null ? "?" : d.source().getHostAddress(), d.reason().description());
                case Action.ConfigMismatch m -> LOG.debug("{}: {} from {}", s.router.config().name(), m.what(),
                        m.source().getHostAddress());
                case Action.LowerPriorityMasterHeard l -> notifyListeners(x -> x.lowerPriorityMasterHeard(
                        s.router.config().name(), l.source(), l.priority()));
            }
        }
    }

    /**
     * Takes scratch copies of a router through a master transition, and their adverts through the codec
     * and the socket's send path, sending nothing. A backup runs that code for the first time at its
     * first take-over, interpreted and not yet linked: the first take-over came 2 ms later than the next
     * ones. Enough rounds for the JIT to compile the path (measured: a few ms at start-up).
     */
    private static void warmUp(Iface i, Slot s, int rounds) {
        VirtualRouterConfig cfg = s.router.config();
        for (int r = 0; r < rounds; r++) {
            VirtualRouter scratch = new VirtualRouter(cfg);
            long now = System.nanoTime();
            List<Action> actions = new ArrayList<>(scratch.step(new Input.Start(i.primary), now));
            actions.addAll(scratch.step(new Input.TimerFired(TimerKind.MASTER_DOWN), now + 1));
            for (Action a : actions) {
                if (a instanceof Action.SendAdvert sa) {
                    transmit(i, cfg, sa, true);
                }
            }
        }
    }

    private void send(Slot s, Action.SendAdvert sa) {
        int errors = transmit(s.iface, s.router.config(), sa, false);
        if (errors != 0) {
            s.sendErrors += errors;
        }
    }

    /**
     * Encodes and sends an advert to the group or to each unicast peer; {@code dry}: through the whole
     * path against no descriptor (warm-up). Returns how many sends failed.
     */
    private static int transmit(Iface i, VirtualRouterConfig cfg, Action.SendAdvert sa, boolean dry) {
        byte[] src = sa.source().getAddress();
        int errors = 0;
        int peers = cfg.isUnicast() ? cfg.unicastPeers().size() : 1;
        for (int p = 0; p < peers; p++) {
            byte[] dst = cfg.isUnicast() ? cfg.unicastPeers().get(p).getAddress()
                    : i.family == IpFamily.IPV6 ? GROUP6 : GROUP;
            int len = VrrpCodec.encode(sa.packet(), src, dst, cfg.ipv4ChecksumForm(), i.socket.sendBuffer(), 0);
            if (dry) {
                i.socket.warmUp(len, src, dst);
                continue;
            }
            int errno = i.socket.send(len, src, dst);
            if (errno != 0) {
                errors++;
                LOG.debug("{}: advert not sent (errno {})", cfg.name(), errno);
            }
        }
        return errors;
    }

    private void arm(Slot s, TimerKind kind, long deadline) {
        ScheduledFuture<?> old = s.timers.remove(kind);
        if (old != null) {
            old.cancel(false);
        }
        aim(s, kind, deadline);
    }

    /**
     * Schedules the timer at its absolute deadline. Netty's epoll loop waits with epoll_wait's whole
     * milliseconds for timeouts of 10 ms and more (io.netty.channel.epoll.epollWaitThreshold), to which
     * Linux adds 0.1 % slack (select_estimate_accuracy): 3.6 ms on a 3.6 s Master_Down_Interval. Below
     * 10 ms it arms a timerfd, which is exact. So a far deadline is aimed at in steps: a wake-up early
     * by more than that error (delay/500 + 1.5 ms), until less than 9 ms remain, then the exact rest.
     */
    private void aim(Slot s, TimerKind kind, long deadline) {
        long delay = deadline - System.nanoTime();
        if (delay > 9_000_000L) {
            long lead = delay / 500 + 1_500_000L;
            s.timers.put(kind, loop.schedule(new TimerStep(s, kind, deadline, false), delay - lead, TimeUnit.NANOSECONDS));
            return;
        }
        s.timers.put(kind, loop.schedule(new TimerStep(s, kind, deadline, true), Math.max(0, delay), TimeUnit.NANOSECONDS));
    }

    /**
     * One step towards a timer's deadline: the last one fires it. A class, not a lambda: a lambda is
     * linked the first time it is captured, and the last step is first captured at the first
     * take-over, which it then delayed by a millisecond.
     */
    private final class TimerStep implements Runnable {
        private final Slot slot;
        private final TimerKind kind;
        private final long deadline;
        private final boolean fires;

        TimerStep(Slot slot, TimerKind kind, long deadline, boolean fires) {
            this.slot = slot;
            this.kind = kind;
            this.deadline = deadline;
            this.fires = fires;
        }

        @Override
        public void run() {
            if (!fires) {
                aim(slot, kind, deadline);
                return;
            }
            slot.timers.remove(kind);
            execute(slot, slot.router.step(new Input.TimerFired(kind), System.nanoTime()));
        }
    }

    private void addAddress(Slot s, VirtualAddress va) {
        int ifindex = s.deviceIndex.get(va.device().orElse(s.iface.name));
        try {
            if (netlink.addAddress(ifindex, va.address(), va.prefixLength(), va.label(), va.scope().rtScope())) {
                s.added.add(va);
            } else {
                LOG.warn("{}: {} was already on the host; it will not be removed by vrrp4j", s.router.config().name(), va);
            }
        } catch (Libc.NativeException e) {
            LOG.error("{}: cannot add {}: {}", s.router.config().name(), va, e.getMessage());
        }
    }

    private void removeAddress(Slot s, VirtualAddress va) {
        if (!s.added.remove(va)) {
            return; // never remove an address this node did not add
        }
        int ifindex = s.deviceIndex.get(va.device().orElse(s.iface.name));
        try {
            netlink.removeAddress(ifindex, va.address(), va.prefixLength());
        } catch (Libc.NativeException e) {
            LOG.error("{}: cannot remove {}: {}", s.router.config().name(), va, e.getMessage());
        }
    }

    /** keepalived's cadence: a burst at once, another burst after garp_master_delay while still master. */
    private void announce(Slot s, List<VirtualAddress> addresses, int repeat, boolean again) {
        for (int r = 0; r < repeat; r++) {
            for (VirtualAddress va : addresses) {
                if (va.family() == s.iface.family) {
                    int errno = s.iface.announcer.announce(va.address()); // GARP (IPv4) or unsolicited NA (IPv6)
                    if (errno != 0) {
                        LOG.debug("{}: announcing {} failed (errno {})", s.router.config().name(), va, errno);
                    }
                }
            }
        }
        if (again && !garpDelay.isZero()) {
            loop.schedule(() -> {
                if (s.router.state() == org.vrrp4j.core.fsm.State.MASTER && !closed) {
                    announce(s, addresses, repeat, false);
                }
            }, garpDelay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * keepalived's garp_master_refresh / garp_master_refresh_repeat: while master, the addresses are
     * announced again every interval (switches and neighbours that aged the entry out learn it back).
     * Stops by itself once the router is no longer master.
     */
    private void refreshAnnouncements(Slot s, List<VirtualAddress> addresses) {
        if (s.refresh != null) {
            s.refresh.cancel(false);
            s.refresh = null;
        }
        if (refreshInterval.isZero()) {
            return;
        }
        long every = refreshInterval.toNanos();
        s.refresh = loop.scheduleWithFixedDelay(() -> {
            if (s.router.state() != org.vrrp4j.core.fsm.State.MASTER || closed) {
                if (s.refresh != null) {
                    s.refresh.cancel(false);
                    s.refresh = null;
                }
                return;
            }
            announce(s, addresses, refreshRepeat, false);
        }, every, every, TimeUnit.NANOSECONDS);
    }

    private void notifyListeners(java.util.function.Consumer<NodeListener> call) {
        for (NodeListener l : listeners) {
            Runnable r = () -> {
                try {
                    call.accept(l);
                } catch (RuntimeException e) {
                    LOG.warn("node listener failed: {}", e.toString());
                }
            };
            if (listenerExecutor != null) {
                listenerExecutor.execute(r);
            } else {
                r.run();
            }
        }
    }

    // ---- observation and lifecycle -------------------------------------------------------------------

    /** A snapshot of every router, taken on the loop. */
    public List<RouterStatus> status() {
        try {
            return loop.submit(() -> routers.values().stream().map(s -> new RouterStatus(s.router.config().name(),
                    s.router.config().vrid(), s.iface.name, s.router.state(), s.router.effectivePriority(),
                    s.router.masterAddress(), s.router.counters(), s.sendErrors)).toList()).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("node status unavailable", e);
        }
    }

    /** Drops counted per interface for packets no router could be charged with (unknown VRID, bad header). */
    public Map<String, Map<DropReason, Long>> interfaceDrops() {
        try {
            return loop.submit(() -> {
                Map<String, Map<DropReason, Long>> out = new LinkedHashMap<>();
                interfaces.values().forEach(i -> out.put(i.name, Map.copyOf(i.drops)));
                return out;
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("node status unavailable", e);
        }
    }

    /** Feeds an input to a router on the loop (link changes, trackers, priority changes). */
    public void input(String router, Input input) {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(input, "input");
        loop.execute(() -> { // routers change on the loop only (addRouter, removeRouter)
            Slot s = routers.get(router);
            if (s == null) {
                LOG.debug("input {} for {}: no such router (removed?)", input, router);
                return;
            }
            execute(s, s.router.step(input, System.nanoTime()));
        });
    }

    /**
     * Stops: each master sends priority 0 (hand-over within Skew_Time), the node's addresses are removed,
     * sockets closed. Returns within a few seconds whatever happens.
     */
    @Override
    public void close() {
        stop(true);
    }

    /** What kill -9 leaves: no priority 0, timers gone, sockets closed; addresses stay. For tests. */
    void crash() {
        stop(false);
    }

    private void stop(boolean graceful) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.submit(() -> {
                for (Slot s : routers.values()) {
                    stopRouter(s, graceful);
                }
                for (Iface i : interfaces.values()) {
                    closeInterface(i);
                }
                if (linksRegistration != null) {
                    linksRegistration.cancel();
                }
                links.close();
                restoreBaseSysctls(graceful);
                if (graceful) {
                    for (int link : virtualMacLinks) { // its addresses go with it
                        try {
                            netlink.deleteLink(link);
                        } catch (Libc.NativeException e) {
                            LOG.warn("cannot delete virtual MAC interface {}: {}", link, e.getMessage());
                        }
                    }
                }
                netlink.close();
                return null;
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("node did not stop cleanly: {}", e.toString());
        } finally {
            if (ownsGroup) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    private void stopRouter(Slot s, boolean graceful) {
        if (graceful) {
            execute(s, s.router.step(new Input.Shutdown(), System.nanoTime()));
            for (VirtualAddress va : List.copyOf(s.added)) {
                removeAddress(s, va);
            }
        }
        s.timers.values().forEach(f -> f.cancel(false));
        s.timers.clear();
        if (s.refresh != null) {
            s.refresh.cancel(false);
            s.refresh = null;
        }
    }

    private static void closeInterface(Iface i) {
        if (i.registration != null) {
            i.registration.cancel();
        }
        i.socket.close();
        i.announcer.close();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link VrrpNode}; sockets open in the namespace of the thread calling {@link #build()}. */
    public static final class Builder {
        private final List<VirtualRouterConfig> configs = new ArrayList<>();
        private final List<NodeListener> listeners = new ArrayList<>();
        private IoEventLoopGroup group;
        private Executor listenerExecutor;
        private final Map<String, Optional<String>> virtualMacs = new LinkedHashMap<>();
        private int garpRepeat = 5;
        private Duration garpDelay = Duration.ofSeconds(5);
        private Duration refreshInterval = Duration.ZERO;
        private int refreshRepeat = 1;

        private Builder() {
        }

        /** Adds a router; its {@code interfaceName} says where it runs. */
        public Builder addRouter(VirtualRouterConfig config) {
            configs.add(Objects.requireNonNull(config));
            return this;
        }

        /** Runs on the application's epoll loop group (created with {@code EpollIoHandler.newFactory()}). */
        public Builder eventLoopGroup(IoEventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** A listener, called on the loop unless {@link #listenerExecutor} is set. */
        public Builder listener(NodeListener listener) {
            listeners.add(Objects.requireNonNull(listener));
            return this;
        }

        /** Calls listeners on this executor instead of the loop. */
        public Builder listenerExecutor(Executor executor) {
            this.listenerExecutor = executor;
            return this;
        }

        /**
         * keepalived's garp_master_repeat (default 5) and garp_master_delay (default 5 s; 0 = no second
         * burst). IPv6 routers send unsolicited Neighbor Advertisements with the same cadence, as keepalived.
         */
        public Builder gratuitousArp(int repeat, Duration delay) {
            if (repeat < 0 || delay.isNegative()) {
                throw new IllegalArgumentException("garp repeat and delay must not be negative");
            }
            this.garpRepeat = repeat;
            this.garpDelay = delay;
            return this;
        }

        /**
         * keepalived's garp_master_refresh (default 0: off) and garp_master_refresh_repeat (default 1):
         * while a router is master, its gratuitous ARPs (IPv4) and unsolicited Neighbor Advertisements
         * (IPv6) are sent again, {@code repeat} per address, every {@code interval}.
         */
        public Builder announceRefresh(Duration interval, int repeat) {
            if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10) || repeat < 1) {
                throw new IllegalArgumentException("announceRefresh: interval must be 0 (off) or at least 10 ms, and"
                        + " repeat at least 1; got " + interval + ", " + repeat);
            }
            this.refreshInterval = interval;
            this.refreshRepeat = repeat;
            return this;
        }

        /**
         * Gives a router a virtual MAC, as keepalived's {@code use_vmac}: while the node runs, a macvlan
         * (private mode) named {@code vrrp.<VRID>} on the router's interface carries 00:00:5e:00:01:{VRID}
         * (IPv4) or 00:00:5e:00:02:{VRID} (IPv6); the router's adverts, virtual addresses, gratuitous
         * ARP and Neighbor Advertisements use it, so neighbours keep the same MAC across a failover.
         * {@link #close()} deletes it; a crash leaves it, and the next start takes it over. The router's
         * {@link RouterStatus#interfaceName()} is then the macvlan.
         *
         * @param router the {@link VirtualRouterConfig#name()} of a router added to this builder
         */
        public Builder virtualMac(String router) {
            virtualMacs.put(Objects.requireNonNull(router, "router"), Optional.empty());
            return this;
        }

        /**
         * {@link #virtualMac(String)} with the macvlan's name (keepalived's {@code use_vmac NAME}).
         *
         * @param deviceName 1 to 15 characters, no '/', ':' or white space
         */
        public Builder virtualMac(String router, String deviceName) {
            virtualMacs.put(Objects.requireNonNull(router, "router"), Optional.of(checkDeviceName(deviceName)));
            return this;
        }

        static String checkDeviceName(String deviceName) {
            Objects.requireNonNull(deviceName, "deviceName");
            if (deviceName.isEmpty() || deviceName.length() > 15 || deviceName.chars().anyMatch(c -> c == '/' || c == ':'
                    || Character.isWhitespace(c))) {
                throw new IllegalArgumentException("virtualMac deviceName: 1 to 15 characters without '/', ':' or"
                        + " white space, got '" + deviceName + "'");
            }
            return deviceName;
        }

        /**
         * Opens sockets and starts every router.
         *
         * @throws java.io.IOException naming the missing capability or the unknown interface
         */
        public VrrpNode build() throws java.io.IOException {
            if (configs.isEmpty()) {
                throw new IllegalStateException("a node needs at least one router");
            }
            for (String router : virtualMacs.keySet()) {
                if (configs.stream().noneMatch(c -> c.name().equals(router))) {
                    throw new IllegalArgumentException("virtualMac: no router named " + router);
                }
            }
            List<String> names = virtualMacs.values().stream().flatMap(Optional::stream).toList();
            if (names.size() != new java.util.HashSet<>(names).size()) {
                throw new IllegalArgumentException("virtualMac: two routers name the same interface " + names);
            }
            return new VrrpNode(this);
        }
    }

    @Override
    public String toString() {
        return "VrrpNode" + routers.keySet();
    }

}
