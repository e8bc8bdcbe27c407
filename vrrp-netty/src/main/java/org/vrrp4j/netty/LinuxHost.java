package org.vrrp4j.netty;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Optional;
import java.util.Set;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.netty.linux.AddressAnnouncer;
import org.vrrp4j.netty.linux.ArpAnnouncer;
import org.vrrp4j.netty.linux.Libc;
import org.vrrp4j.netty.linux.NeighborAnnouncer;
import org.vrrp4j.netty.linux.Netlink;
import org.vrrp4j.netty.linux.RawVrrpSocket;

/**
 * The {@link Host} of a real node: FFM raw sockets, AF_PACKET announcers and rtnetlink, all opened in the
 * network namespace of the thread that built the node (its loop thread inherits it).
 */
final class LinuxHost implements Host {
    private final Netlink netlink;

    private LinuxHost(Netlink netlink) {
        this.netlink = netlink;
    }

    static LinuxHost open() throws IOException {
        return new LinuxHost(Netlink.open());
    }

    Netlink netlink() {
        return netlink;
    }

    @Override
    public int ifindex(String ifname) throws IOException {
        return Libc.ifindex(ifname);
    }

    @Override
    public Optional<InetAddress> primaryIpv4(String ifname) {
        return netlink.primaryIpv4In(ifname);
    }

    @Override
    public Optional<InetAddress> linkLocalIpv6(int ifindex, Set<InetAddress> notThese) {
        return netlink.linkLocalIpv6(ifindex, notThese);
    }

    @Override
    public boolean linkUp(String ifname) {
        return netlink.linkUp(ifname);
    }

    @Override
    public VrrpSocket openSocket(String ifname, IpFamily family) throws IOException {
        return VrrpSocket.of(family == IpFamily.IPV6 ? RawVrrpSocket.openIpv6(ifname) : RawVrrpSocket.open(ifname));
    }

    @Override
    public AddressAnnouncer openAnnouncer(String ifname, IpFamily family) throws IOException {
        byte[] mac = netlink.macAddressIn(ifname);
        return family == IpFamily.IPV6 ? NeighborAnnouncer.open(ifname, mac, NeighborAnnouncer.ipv6Forwarding(ifname))
                : ArpAnnouncer.open(ifname, mac);
    }

    @Override
    public boolean addAddress(int ifindex, VirtualAddress va) throws IOException {
        return netlink.addAddress(ifindex, va.address(), va.prefixLength(), va.label(), va.scope().rtScope());
    }

    @Override
    public boolean removeAddress(int ifindex, VirtualAddress va) throws IOException {
        return netlink.removeAddress(ifindex, va.address(), va.prefixLength());
    }

    @Override
    public void requireLocal(InetAddress source, VirtualRouterConfig cfg) {
        InetAddress bindable = source;
        if (source instanceof Inet6Address v6 && v6.isLinkLocalAddress() && v6.getScopeId() == 0) {
            try {
                bindable = Inet6Address.getByAddress(null, v6.getAddress(), Libc.ifindex(cfg.interfaceName()));
            } catch (IOException e) {
                throw new IllegalArgumentException(cfg.name() + ": " + e.getMessage());
            }
        }
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(bindable, 0))) {
            // bound: the address is local
        } catch (SocketException e) {
            throw new IllegalArgumentException(cfg.name() + ": unicast source " + source.getHostAddress()
                    + " is not an address of this host (" + e.getMessage() + ")");
        }
    }

    @Override
    public void nft(String script) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new RouterFilters.NftMissing("the nft command (package nftables) cannot be run: " + e.getMessage());
        }
        try (var in = p.getOutputStream()) {
            in.write(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("nft did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while nft ran");
        }
        if (p.exitValue() != 0) {
            throw new IOException("nft failed (" + p.exitValue() + "): " + out);
        }
    }

    @Override
    public NftSession nftSession() throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("nft", "-i").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new RouterFilters.NftMissing("the nft command (package nftables) cannot be run: " + e.getMessage());
        }
        Thread drain = new Thread(() -> { // nft -i answers errors only; they say which command failed
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    org.slf4j.LoggerFactory.getLogger(RouterFilters.class).warn("nft: {}", line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "vrrp4j-nft-output");
        drain.setDaemon(true);
        drain.start();
        java.io.Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
        return new NftSession() {
            @Override
            public void send(String commands) throws IOException {
                if (!p.isAlive()) {
                    throw new IOException("nft -i exited (" + p.exitValue() + ")");
                }
                w.write(commands.endsWith("\n") ? commands : commands + "\n");
                w.flush();
            }

            @Override
            public void close() {
                try {
                    w.close(); // end of input: nft runs what it read, then exits
                    if (!p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (IOException e) {
                    p.destroyForcibly();
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    @Override
    public void close() {
        netlink.close();
    }
}
