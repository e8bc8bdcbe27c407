package org.vrrp4j.netty;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.IpFamily;

/**
 * The packet filters a router needs on Linux, as nftables tables the node owns, one name per router:
 * {@code vrrp4j-<interface>-<4|6>-<VRID>}.
 *
 * <ul>
 *   <li><b>Accept_Mode off</b> (RFC 9568 §6.1, keepalived's {@code no_accept}; never for the owner): table
 *       {@code inet}, an input hook that drops packets addressed to the router's virtual addresses, except
 *       IPv6 Neighbor Solicitations and Advertisements, which §6.1 says MUST NOT be dropped (ARP is not IP
 *       and never reaches it). It stays for the node's whole run: a backup does not hold the addresses, so
 *       it changes nothing there, and nothing has to change at a take-over (no race with the addresses).
 *       keepalived adds the same drop (its {@code keepalived} table, input priority -1) when it adds the
 *       addresses; unlike keepalived there is no output rule dropping packets from the addresses: Accept_Mode
 *       is about accepting, and the output rule would drop the host's own traffic when the kernel picks a
 *       virtual address as a source.</li>
 *   <li><b>A backup takes no frame for the virtual MAC</b> (§6.4.2 "MUST discard packets with a destination
 *       link-layer MAC address equal to the virtual router MAC"; with {@code use_vmac} the macvlan carries
 *       that MAC in every state, so a backup's NIC would take what a switch floods or still sends there
 *       after a take-over): table {@code netdev}, an ingress hook on the macvlan that drops frames whose
 *       destination is in set {@code backup}; the set holds the virtual MAC except while master. Adverts go
 *       to the VRRP multicast MAC and pass.</li>
 * </ul>
 *
 * <p>Why nftables through the {@code nft} binary: it is the kernel's packet filter on every current
 * distribution (iptables is a front end to it there), a table of one's own never touches anyone else's
 * rules and goes with one {@code delete table}, and {@code nft -f -} applies a script atomically, so a
 * start replaces a table a crashed run left ({@code table X {}} then {@code delete table X}, then the new
 * one, in one transaction). The binary rather than nfnetlink from Java: the tables are set up at start
 * ({@code nft -f -}, waited for), and the one change at a state change, the virtual MAC's set, goes to a
 * long-running {@code nft -i} of the node as a line on its input: nothing is started at a take-over (a
 * process start takes 0.1 to 1.7 s on a loaded 2-vCPU machine, which frames to the new master's virtual MAC
 * would wait for), and the pipe keeps the changes in order. An {@code ip rule}/route trick could blackhole the addresses but not
 * exempt Neighbor Discovery, and cannot filter by MAC. Without {@code nft}, a router runs unfiltered, with
 * a warning (keepalived's "firewall needed ... but not configured").
 */
final class RouterFilters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterFilters.class);
    private static final long WAIT_SECONDS = 10;

    private final Host host;
    private final ExecutorService worker;
    private boolean unavailable;
    /** The node's {@code nft -i}, opened with the first table; null before, or once it failed. */
    private Host.NftSession session;

    RouterFilters(Host host) {
        this.host = host;
        // made lazily from the loop (or the building thread): it inherits that thread's network namespace
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vrrp4j-nft");
            t.setDaemon(true);
            return t;
        });
    }

    /** The name of the router's tables (the same in both families of tables). */
    static String table(VirtualRouterConfig cfg) {
        String ifname = cfg.interfaceName();
        StringBuilder sb = new StringBuilder("vrrp4j-");
        for (char c : ifname.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' ? c : '_');
        }
        return sb.append(cfg.family() == IpFamily.IPV6 ? "-6-" : "-4-").append(cfg.vrid()).toString();
    }

    /** Whether the router drops packets addressed to its virtual addresses while master (never the owner). */
    static boolean dropsToVirtualAddresses(VirtualRouterConfig cfg) {
        return !cfg.acceptMode() && !cfg.isOwner();
    }

    /** The virtual router MAC, 00:00:5e:00:01:{VRID} (IPv4) or 00:00:5e:00:02:{VRID} (IPv6). */
    static String virtualMac(VirtualRouterConfig cfg) {
        return "00:00:5e:00:0" + (cfg.family() == IpFamily.IPV6 ? "2:" : "1:") + HexFormat.of().toHexDigits((byte) cfg.vrid());
    }

    /** The script that (re)creates the Accept_Mode table, replacing one a crashed run left. */
    static String acceptModeScript(VirtualRouterConfig cfg) {
        String t = "inet " + table(cfg);
        boolean v6 = cfg.family() == IpFamily.IPV6;
        Set<String> addresses = new LinkedHashSet<>();
        for (VirtualAddress va : cfg.virtualAddresses()) {
            InetAddress a = va.address();
            addresses.add(a instanceof Inet6Address v ? stripScope(v) : a.getHostAddress());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("table ").append(t).append(" {}\n");
        sb.append("delete table ").append(t).append('\n');
        sb.append("table ").append(t).append(" {\n");
        sb.append("\tset vips { type ").append(v6 ? "ipv6_addr" : "ipv4_addr").append("; elements = { ")
                .append(String.join(", ", addresses)).append(" }; }\n");
        sb.append("\tchain input {\n\t\ttype filter hook input priority -1; policy accept;\n");
        if (v6) { // RFC 9568 §6.1: Neighbor Solicitations and Advertisements MUST NOT be dropped
            sb.append("\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept;\n");
        }
        sb.append("\t\t").append(v6 ? "ip6" : "ip").append(" daddr @vips drop;\n\t}\n}\n");
        return sb.toString();
    }

    /** The script that (re)creates the virtual MAC table on {@code device}, dropping its frames (not master). */
    static String virtualMacScript(VirtualRouterConfig cfg, String device) {
        String t = "netdev " + table(cfg);
        return "table " + t + " {}\n"
                + "delete table " + t + "\n"
                + "table " + t + " {\n"
                + "\tset backup { type ether_addr; elements = { " + virtualMac(cfg) + " }; }\n"
                + "\tchain ingress {\n\t\ttype filter hook ingress device \"" + device + "\" priority -1; policy accept;\n"
                + "\t\tether daddr @backup drop;\n\t}\n}\n";
    }

    /** The script that lets the virtual MAC's frames in ({@code master}) or drops them again. */
    static String virtualMacStateScript(VirtualRouterConfig cfg, boolean master) {
        String t = "netdev " + table(cfg);
        return master ? "flush set " + t + " backup\n" : "add element " + t + " backup { " + virtualMac(cfg) + " }\n";
    }

    /** The commands that delete the router's tables, whichever exist (each a line: for nft -f and nft -i). */
    static String removeScript(VirtualRouterConfig cfg, boolean acceptMode, boolean virtualMac) {
        StringBuilder sb = new StringBuilder();
        if (acceptMode) {
            sb.append("add table inet ").append(table(cfg)).append("\ndelete table inet ").append(table(cfg)).append('\n');
        }
        if (virtualMac) {
            sb.append("add table netdev ").append(table(cfg)).append("\ndelete table netdev ").append(table(cfg)).append('\n');
        }
        return sb.toString();
    }

    private static String stripScope(Inet6Address a) {
        String s = a.getHostAddress();
        int pct = s.indexOf('%');
        return pct < 0 ? s : s.substring(0, pct);
    }

    /**
     * Installs the router's tables (at attach): true when it has any. Without {@code nft}, or when it
     * fails, the router runs unfiltered and the reason is logged.
     */
    boolean install(VirtualRouterConfig cfg, String virtualMacDevice) {
        StringBuilder script = new StringBuilder();
        if (dropsToVirtualAddresses(cfg)) {
            script.append(acceptModeScript(cfg));
        }
        if (virtualMacDevice != null) {
            script.append(virtualMacScript(cfg, virtualMacDevice));
        }
        if (script.isEmpty()) {
            return false;
        }
        if (unavailable) {
            return false;
        }
        try {
            run(script.toString());
            if (session == null) { // opened here, in the node's namespace, not at a take-over
                try {
                    session = host.nftSession();
                } catch (IOException e) {
                    LOG.debug("nft -i could not start ({}); changes start nft each", e.getMessage());
                }
            }
            return true;
        } catch (IOException e) {
            LOG.warn("{}: {}{} not enforced: nftables table {} could not be made ({})", cfg.name(),
                    dropsToVirtualAddresses(cfg) ? "accept mode off (no_accept)" : "",
                    virtualMacDevice != null ? (dropsToVirtualAddresses(cfg) ? " and " : "")
                            + "dropping frames to the virtual MAC while not master" : "",
                    table(cfg), e.getMessage());
            if (e instanceof NftMissing) {
                unavailable = true;
            }
            return false;
        }
    }

    /**
     * The router's virtual addresses changed in place (a reload): its accept-mode table is made again with
     * the new set, in one nft transaction, before a master adds the new addresses.
     */
    void addressesChanged(VirtualRouterConfig next) {
        if (unavailable || !dropsToVirtualAddresses(next)) {
            return;
        }
        try {
            run(acceptModeScript(next));
        } catch (IOException e) {
            LOG.warn("{}: accept mode off (no_accept) not enforced for the new addresses: nftables table {} could"
                    + " not be made again ({})", next.name(), table(next), e.getMessage());
        }
    }

    /**
     * The router's macvlan was made again (its base interface was recreated): the netdev table hooked on the
     * dead device is made again on {@code device}, dropping the virtual MAC's frames unless {@code master}.
     * Run here, before the router can leave FAULT; a rare event, so starting nft once is fine.
     */
    void virtualMacRecreated(VirtualRouterConfig cfg, String device, boolean master) {
        if (unavailable) {
            return;
        }
        try {
            run(virtualMacScript(cfg, device) + (master ? virtualMacStateScript(cfg, true) : ""));
        } catch (IOException e) {
            LOG.warn("{}: dropping frames to the virtual MAC while not master is not enforced on the new {}: nftables"
                    + " table {} could not be made again ({})", cfg.name(), device, table(cfg), e.getMessage());
        }
    }

    /** The router became master or left it: its virtual MAC's frames are let in or dropped (in order, off the loop). */
    void virtualMacState(VirtualRouterConfig cfg, boolean master) {
        String script = virtualMacStateScript(cfg, master);
        if (send(script)) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    host.nft(script);
                } catch (IOException e) {
                    LOG.warn("{}: frames to the virtual MAC could not be {}: {}", cfg.name(),
                            master ? "let in" : "dropped", e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the node is stopping: its tables go
        }
    }

    /**
     * Deletes the router's tables (a graceful stop, a removal, a failed attach), through the node's {@code
     * nft -i} when it runs ({@link #close()} waits until what it was sent ran: a stopped node has no table
     * left), else by starting nft: {@code wait}, returning once they are gone; otherwise off the loop, in
     * order with what follows (a router removed on a running node: its priority 0 is out already, nothing
     * waits for nft).
     */
    void remove(VirtualRouterConfig cfg, boolean virtualMac, boolean wait) {
        String script = removeScript(cfg, dropsToVirtualAddresses(cfg), virtualMac);
        if (script.isEmpty() || unavailable) {
            return;
        }
        if (send(script)) {
            return; // in order with the state changes sent before; close() waits until it ran
        }
        if (!wait) {
            try {
                worker.execute(() -> {
                    try {
                        host.nft(script);
                    } catch (IOException e) {
                        LOG.warn("{}: nftables table {} could not be deleted: {}", cfg.name(), table(cfg), e.getMessage());
                    }
                });
                return;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping: delete it now
            }
        }
        try {
            run(script);
        } catch (IOException e) {
            LOG.warn("{}: nftables table {} could not be deleted: {}", cfg.name(), table(cfg), e.getMessage());
        }
    }

    /** Sends commands to the node's nft -i; false when there is none (or it failed: then it is dropped). */
    private boolean send(String commands) {
        if (session == null) {
            return false;
        }
        try {
            session.send(commands);
            return true;
        } catch (IOException e) {
            LOG.warn("nft -i is gone ({}); changes start nft each from now", e.getMessage());
            closeSession();
            return false;
        }
    }

    private void closeSession() {
        if (session != null) {
            Host.NftSession s = session;
            session = null;
            s.close();
        }
    }

    /** Runs a script on the worker, after what is queued, and waits for it. */
    private void run(String script) throws IOException {
        Future<?> f = worker.submit(() -> {
            host.nft(script);
            return null;
        });
        try {
            f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IOException("nft did not finish within " + WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Stops the worker once what is queued (a removed router's deletion) has run; waits up to 5 s. */
    @Override
    public void close() {
        closeSession();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("nftables changes still running after 5 s; not waiting for them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code nft} is not installed: no filter can be made on this host. */
    static final class NftMissing extends IOException {
        NftMissing(String message) {
            super(message);
        }
    }
}
