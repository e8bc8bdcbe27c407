package org.vrrp4j.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.netty.linux.AddressAnnouncer;
import org.vrrp4j.netty.linux.RawVrrpSocket;

/**
 * A {@link Host} for tests without root: interfaces the test declares, an address table, and sockets and
 * announcers that record what the node sent and replay what the test queued.
 */
final class FakeHost implements Host {

    /** One declared interface. */
    static final class Iface {
        final String name;
        final int ifindex;
        InetAddress ipv4;
        InetAddress linkLocal;
        boolean up = true;

        Iface(String name, int ifindex) {
            this.name = name;
            this.ifindex = ifindex;
        }
    }

    /** One datagram a socket sent. */
    record Sent(byte[] message, InetAddress source, InetAddress destination) {
    }

    /** A socket: what was sent, what waits to be received. */
    static final class Socket implements VrrpSocket {
        private static int nextFd = 100;
        final int fd = nextFd++;
        final String ifname;
        final IpFamily family;
        final List<Sent> sent = new ArrayList<>();
        final Deque<byte[]> inbound = new ArrayDeque<>();
        private final ByteBuffer sendBuffer = ByteBuffer.allocate(2048);
        private final ByteBuffer receiveBuffer = ByteBuffer.allocate(2048);
        int warmUps;
        boolean closed;

        Socket(String ifname, IpFamily family) {
            this.ifname = ifname;
            this.family = family;
        }

        @Override
        public int fd() {
            return fd;
        }

        @Override
        public boolean receive(RawVrrpSocket.Received out) {
            byte[] d = inbound.poll();
            if (d == null) {
                return false;
            }
            receiveBuffer.clear();
            receiveBuffer.put(d).clear();
            out.datagram = receiveBuffer;
            out.length = d.length;
            return true;
        }

        @Override
        public ByteBuffer sendBuffer() {
            return sendBuffer;
        }

        @Override
        public int send(int length, byte[] src, byte[] dst) {
            byte[] m = new byte[length];
            sendBuffer.get(0, m);
            sent.add(new Sent(m, address(src), address(dst)));
            return 0;
        }

        @Override
        public void warmUp(int length, byte[] src, byte[] dst) {
            warmUps++;
        }

        /** Queued, not yet flushed: they count as sent at the flush. */
        final List<Sent> batch = new ArrayList<>();

        @Override
        public boolean queue(int length, byte[] src, byte[] dst) {
            if (batch.size() == RawVrrpSocket.BATCH) {
                return false;
            }
            byte[] m = new byte[length];
            sendBuffer.get(0, m);
            batch.add(new Sent(m, address(src), address(dst)));
            return true;
        }

        @Override
        public int queued() {
            return batch.size();
        }

        @Override
        public int flush(int[] errnos) {
            int n = batch.size();
            sent.addAll(batch);
            batch.clear();
            java.util.Arrays.fill(errnos, 0, n, 0);
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** An announcer recording each announced address. */
    static final class Announcer implements AddressAnnouncer {
        final List<InetAddress> announced = new ArrayList<>();

        @Override
        public int announce(InetAddress address) {
            announced.add(address);
            return 0;
        }

        @Override
        public void close() {
        }
    }

    final Map<String, Iface> interfaces = new LinkedHashMap<>();
    final Map<String, Socket> sockets = new HashMap<>();
    final Map<String, Announcer> announcers = new HashMap<>();
    /** The address table: "ifindex address/prefix". */
    final Set<String> addresses = new LinkedHashSet<>();
    /** Every add and remove in order: "add ..." / "remove ...". */
    final List<String> history = new ArrayList<>();
    /** The nftables scripts the node applied, in order. */
    final List<String> nftScripts = java.util.Collections.synchronizedList(new ArrayList<>());
    boolean closed;

    Iface add(String name, String ipv4) {
        Iface i = new Iface(name, interfaces.size() + 2);
        i.ipv4 = ipv4 == null ? null : InetAddress.ofLiteral(ipv4);
        interfaces.put(name, i);
        return i;
    }

    Socket socket(String ifname, IpFamily family) {
        return sockets.get(InterfaceChannel.key(ifname, family));
    }

    private Iface iface(String name) throws IOException {
        Iface i = interfaces.get(name);
        if (i == null) {
            throw new IOException("no such interface: " + name);
        }
        return i;
    }

    @Override
    public int ifindex(String ifname) throws IOException {
        return iface(ifname).ifindex;
    }

    @Override
    public Optional<InetAddress> primaryIpv4(String ifname) {
        Iface i = interfaces.get(ifname);
        return i == null ? Optional.empty() : Optional.ofNullable(i.ipv4);
    }

    @Override
    public Optional<InetAddress> linkLocalIpv6(int ifindex, Set<InetAddress> notThese) {
        return interfaces.values().stream().filter(i -> i.ifindex == ifindex && i.linkLocal != null
                && !notThese.contains(i.linkLocal)).map(i -> i.linkLocal).findFirst();
    }

    @Override
    public boolean linkUp(String ifname) {
        Iface i = interfaces.get(ifname);
        return i != null && i.up;
    }

    @Override
    public VrrpSocket openSocket(String ifname, IpFamily family) throws IOException {
        iface(ifname);
        Socket s = new Socket(ifname, family);
        sockets.put(InterfaceChannel.key(ifname, family), s);
        return s;
    }

    @Override
    public AddressAnnouncer openAnnouncer(String ifname, IpFamily family) {
        Announcer a = new Announcer();
        announcers.put(InterfaceChannel.key(ifname, family), a);
        return a;
    }

    @Override
    public boolean addAddress(int ifindex, VirtualAddress va) {
        String entry = ifindex + " " + va.address().getHostAddress() + "/" + va.prefixLength();
        history.add("add " + entry);
        return addresses.add(entry);
    }

    @Override
    public boolean removeAddress(int ifindex, VirtualAddress va) {
        String entry = ifindex + " " + va.address().getHostAddress() + "/" + va.prefixLength();
        boolean was = addresses.remove(entry);
        if (was) { // as the kernel: removing an address that is not there changes nothing
            history.add("remove " + entry);
        }
        return was;
    }

    @Override
    public void requireLocal(InetAddress source, VirtualRouterConfig config) {
        boolean local = interfaces.values().stream().anyMatch(i -> source.equals(i.ipv4) || source.equals(i.linkLocal));
        if (!local) {
            throw new IllegalArgumentException(config.name() + ": unicast source " + source.getHostAddress()
                    + " is not an address of this host");
        }
    }

    @Override
    public void nft(String script) {
        nftScripts.add(script);
    }

    @Override
    public NftSession nftSession() {
        return new NftSession() {
            @Override
            public void send(String commands) {
                nftScripts.add(commands);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
        closed = true;
    }

    static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
