package org.vrrp4j.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.Action;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpCodec;
import org.vrrp4j.netty.linux.AddressAnnouncer;
import org.vrrp4j.netty.linux.RawVrrpSocket;

/**
 * One interface and family: its socket and announcer, shared by the routers there, and the receive path
 * (read, decode, hand to the router of the VRID). Drops no router can be charged with (unknown VRID, a
 * header too broken to name one) are counted here. Loop only after the node is built.
 */
final class InterfaceChannel {
    private static final Logger LOG = LoggerFactory.getLogger(InterfaceChannel.class);
    private static final byte[] GROUP = VrrpCodec.IPV4_GROUP.getAddress();
    private static final byte[] GROUP6 = VrrpCodec.IPV6_GROUP.getAddress();
    /** Datagrams read per readable event: other work gets its turn. */
    static final int RECEIVE_BUDGET = 64;

    final String name;
    final IpFamily family;
    /** The interface's index: a new one when the interface was deleted and made again under its name. */
    int ifindex;
    /** The primary address when opened (IPv4: of {@link #primaryFrom}; IPv6: the own link-local). */
    final InetAddress primary;
    /** IPv4: the interface whose primary is the advert source (the base of a virtual MAC); else {@link #name}. */
    final String primaryFrom;
    int primaryIndex;
    VrrpSocket socket;
    /** The announcer, through a handle that stays the same when the interface is recreated. */
    final Announcer announcer;
    /** IPv6: the routers' virtual addresses, never taken for the interface's own link-local. */
    final Set<InetAddress> virtuals = new HashSet<>();
    final Map<Integer, RouterDriver> byVrid = new LinkedHashMap<>();
    private final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    private final ReceiveDecoder decoder;
    private final RawVrrpSocket.Received rx = new RawVrrpSocket.Received();
    EventLoopPort.Cancellable registration;
    InetAddress currentPrimary;
    boolean linkUp = true;
    /** The errno of the last failed send. */
    int lastSendErrno;
    /** A virtual MAC's channel ({@code use_vmac}): the macvlan's base interface, else null. */
    String virtualMacBase;
    /** The base's index when the macvlan was made: another one means the base was recreated (and the macvlan died). */
    int virtualMacBaseIndex;
    /** The base is back but its macvlan could not be made yet (an IPv6 base without its link-local): retried on its events. */
    boolean virtualMacPending;

    InterfaceChannel(String name, IpFamily family, int ifindex, InetAddress primary, String primaryFrom,
            int primaryIndex, VrrpSocket socket, AddressAnnouncer announcer) {
        this.name = name;
        this.family = family;
        this.ifindex = ifindex;
        this.primary = primary;
        this.currentPrimary = primary;
        this.primaryFrom = primaryFrom;
        this.primaryIndex = primaryIndex;
        this.socket = socket;
        this.announcer = new Announcer(announcer);
        this.decoder = new ReceiveDecoder(family);
    }

    /** The key of a channel: the routers of one family on one interface share it. */
    static String key(String ifname, IpFamily family) {
        return ifname + (family == IpFamily.IPV6 ? "/6" : "/4");
    }

    String key() {
        return key(name, family);
    }

    /** Starts watching the socket on the loop (once). */
    void register(EventLoopPort loop) throws IOException {
        if (registration == null) {
            registration = loop.register(socket.fd(), this::onReadable);
        }
    }

    /** Reads what is waiting (bounded), decodes it and steps the router it is for. */
    void onReadable() {
        try {
            for (int n = 0; n < RECEIVE_BUDGET && socket.receive(rx); n++) {
                DropReason reason = decoder.decode(rx.datagram, rx.length, rx.source, rx.destination, rx.hopLimit);
                RouterDriver router = byVrid.get(decoder.vrid());
                if (router == null) {
                    drops.merge(reason != null ? reason : DropReason.VRID_NOT_CONFIGURED, 1L, Long::sum);
                } else if (reason != null) {
                    router.step(new Input.PacketRejected(reason, decoder.source()));
                } else {
                    router.step(decoder.advert());
                }
            }
        } catch (IOException e) {
            LOG.warn("receive on {} failed: {}", name, e.getMessage());
        }
    }

    /**
     * The interface was deleted and made again under the same name (a new ifindex): the old socket is bound
     * to an index that no longer exists and its group membership went with it. Opens socket and announcer
     * on the new interface, by name, and watches the new socket; the old ones close. If the new ones cannot
     * be opened, the old stay (the interface may be gone again; the next link event tries anew).
     */
    void reopen(Host host, EventLoopPort loop) throws IOException {
        int index = host.ifindex(name);
        VrrpSocket fresh = host.openSocket(name, family);
        AddressAnnouncer freshAnnouncer;
        try {
            freshAnnouncer = host.openAnnouncer(name, family);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
        flush(); // what the old socket holds goes (or fails) before it closes
        boolean watched = registration != null;
        if (registration != null) {
            registration.cancel();
            registration = null;
        }
        socket.close();
        socket = fresh;
        announcer.replace(freshAnnouncer);
        if (primaryFrom.equals(name)) {
            primaryIndex = index;
        } else if (primaryFrom.equals(virtualMacBase)) {
            primaryIndex = host.ifindex(primaryFrom); // a recreated virtual MAC's base is new too
        }
        ifindex = index;
        if (watched) {
            register(loop);
        }
    }

    /** An announcer whose target is replaced when the interface is recreated. Loop only. */
    static final class Announcer implements AddressAnnouncer {
        private AddressAnnouncer target;

        Announcer(AddressAnnouncer target) {
            this.target = target;
        }

        void replace(AddressAnnouncer next) {
            AddressAnnouncer old = target;
            target = next;
            old.close();
        }

        @Override
        public int announce(InetAddress address) {
            return target.announce(address);
        }

        @Override
        public void close() {
            target.close();
        }
    }

    /** Drops counted here (none charged to a router). */
    Map<DropReason, Long> drops() {
        return Map.copyOf(drops);
    }

    /**
     * Encodes and sends an advert to the group or to each unicast peer; {@code dry}: through the whole path
     * against no descriptor (the warm-up). Returns how many sends failed.
     */
    int transmit(VirtualRouterConfig cfg, Action.SendAdvert sa, boolean dry) {
        byte[] src = sa.source().getAddress();
        int errors = 0;
        int peers = cfg.isUnicast() ? cfg.unicastPeers().size() : 1;
        for (int p = 0; p < peers; p++) {
            byte[] dst = destination(cfg, p);
            int len = encode(cfg, sa, src, dst);
            if (dry) {
                socket.warmUp(len, src, dst);
                continue;
            }
            int errno = socket.send(len, src, dst);
            if (errno != 0) {
                errors++;
                lastSendErrno = errno; // the router's SendErrorLog reports it, rate-limited
            }
        }
        return errors;
    }

    /** Where an advert goes: unicast peer {@code peer}, or the family's VRRP group. */
    private byte[] destination(VirtualRouterConfig cfg, int peer) {
        return cfg.isUnicast() ? cfg.unicastPeers().get(peer).getAddress() : family == IpFamily.IPV6 ? GROUP6 : GROUP;
    }

    /** Encodes {@code sa} into the socket's send buffer, at 0: its length. */
    private int encode(VirtualRouterConfig cfg, Action.SendAdvert sa, byte[] src, byte[] dst) {
        return VrrpCodec.encode(sa.packet(), src, dst, cfg.ipv4ChecksumForm(), socket.sendBuffer(), 0);
    }

    /** The routers whose adverts wait in the socket's batch, in queue order: charged with a failed send. */
    private final RouterDriver[] batchOwners = new RouterDriver[RawVrrpSocket.BATCH];
    private final int[] batchErrnos = new int[RawVrrpSocket.BATCH];
    /** Whether the loop will flush the batch when its instant ends. */
    private boolean flushPending;
    /** Made once: a method reference is linked the first time it is evaluated. */
    private final Runnable flushAtInstantEnd = () -> {
        flushPending = false;
        flush();
    };

    /**
     * Queues {@code owner}'s advert in the socket's batch, sent with one sendmmsg when the loop's instant ends
     * together with the other adverts due then; the outcome goes to {@link RouterDriver#sent}. Returns false,
     * queuing nothing, outside an instant (send now) or for a unicast advert to several peers (its sends
     * are reported together).
     */
    boolean queue(RouterDriver owner, VirtualRouterConfig cfg, Action.SendAdvert sa, EventLoopPort loop) {
        if (cfg.isUnicast() && cfg.unicastPeers().size() != 1) {
            return false;
        }
        if (!flushPending) {
            if (!loop.atInstantEnd(flushAtInstantEnd)) {
                return false;
            }
            flushPending = true;
        }
        byte[] src = sa.source().getAddress();
        byte[] dst = destination(cfg, 0);
        int len = encode(cfg, sa, src, dst);
        if (!socket.queue(len, src, dst)) {
            flush(); // full: this advert starts the next batch
            socket.queue(len, src, dst);
        }
        batchOwners[socket.queued() - 1] = owner;
        return true;
    }

    /** Sends what waits in the batch and tells each advert's router how it went. */
    void flush() {
        int n = socket.flush(batchErrnos);
        for (int i = 0; i < n; i++) {
            RouterDriver owner = batchOwners[i];
            batchOwners[i] = null;
            int errno = batchErrnos[i];
            if (errno != 0) {
                lastSendErrno = errno;
            }
            owner.sent(errno == 0 ? 0 : 1, errno);
        }
    }

    /** The IPv6 virtual addresses of {@code routers} (the node's), recomputed after one left. */
    void recomputeVirtuals(Iterable<RouterDriver> routers) {
        virtuals.clear();
        for (RouterDriver r : routers) {
            r.router.config().virtualAddresses().forEach(va -> {
                if (va.family() == IpFamily.IPV6) {
                    virtuals.add(va.address());
                }
            });
        }
    }

    void close() {
        flush();
        if (registration != null) {
            registration.cancel();
            registration = null;
        }
        socket.close();
        announcer.close();
    }
}
