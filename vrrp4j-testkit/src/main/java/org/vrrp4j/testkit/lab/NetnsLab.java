package org.vrrp4j.testkit.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throw-away networks of namespaces for tests, benchmarks and end-to-end runs: a LAN (one namespace
 * holding a bridge, the switch, made with the first {@link #addHost host}, hosts joined to it by veth
 * pairs), or topologies of one's own ({@link #add bare namespaces}, {@link #link point-to-point veth
 * pairs}, {@link #addSwitch more switches}). Names are unique per lab and process. Addresses come only
 * from 198.18.0.0/15 and link-local; there is no route out. {@link #close()} (also run from a shutdown
 * hook) deletes every namespace it made, whatever happened.
 */
public final class NetnsLab implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicInteger LABS = new java.util.concurrent.atomic.AtomicInteger();
    private final String prefix;
    private final String switchNs;
    private final List<String> namespaces = Collections.synchronizedList(new ArrayList<>());
    private final Thread hook;
    private int hosts;

    private NetnsLab(String prefix) {
        this.prefix = prefix;
        this.switchNs = prefix + "sw";
        this.hook = new Thread(this::deleteAll, "netns-lab-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** A new lab whose namespace names start with {@code tag} and this process's id (unique per run). */
    public static NetnsLab create(String tag) throws IOException, InterruptedException {
        return new NetnsLab(tag + ProcessHandle.current().pid() + "-" + LABS.incrementAndGet() + "-");
    }

    /** The lab's switch, made with the first host on it: namespace {@link #switchNamespace()} with bridge br0. */
    private synchronized void ensureSwitch() throws IOException, InterruptedException {
        if (!namespaces.contains(switchNs)) {
            addNamespace(switchNs);
            ip(switchNs, "link", "add", "br0", "type", "bridge");
            ip(switchNs, "link", "set", "br0", "up");
        }
    }

    /** Whether this process may create namespaces (root, iproute2). */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (or CAP_NET_ADMIN + CAP_NET_RAW)";
        }
        try {
            Process p = new ProcessBuilder("ip", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "iproute2's ip does not run";
        } catch (IOException | InterruptedException e) {
            return "iproute2's ip is not installed";
        }
    }

    /**
     * Adds a host on the switch: a namespace with interface {@code eth0} holding {@code cidr}
     * (e.g. {@code 198.18.0.1/24}); returns the namespace name.
     */
    public String addHost(String name, String cidr) throws IOException, InterruptedException {
        return addHost(name, "eth0", cidr);
    }

    /** Adds a host on the switch whose interface is {@code ifname} (the tutorial's vLAN is {@code eth1}). */
    public String addHost(String name, String ifname, String cidr) throws IOException, InterruptedException {
        requireTestRange(cidr);
        ensureSwitch();
        String ns = prefix + name;
        int n = ++hosts;
        addNamespace(ns);
        String outside = "vb" + n + "p" + ProcessHandle.current().pid() % 100000;
        ip(switchNs, "link", "add", outside, "type", "veth", "peer", "name", ifname, "netns", ns);
        ip(switchNs, "link", "set", outside, "master", "br0");
        ip(switchNs, "link", "set", outside, "up");
        ip(ns, "addr", "add", cidr, "dev", ifname);
        ip(ns, "link", "set", ifname, "up");
        ip(ns, "link", "set", "lo", "up");
        return ns;
    }

    /** Adds another interface {@code ifname} holding {@code cidr} to host namespace {@code ns}, on the switch. */
    public void addInterface(String ns, String ifname, String cidr) throws IOException, InterruptedException {
        requireTestRange(cidr);
        ensureSwitch();
        int n = ++hosts;
        String outside = "vb" + n + "p" + ProcessHandle.current().pid() % 100000;
        ip(switchNs, "link", "add", outside, "type", "veth", "peer", "name", ifname, "netns", ns);
        ip(switchNs, "link", "set", outside, "master", "br0");
        ip(switchNs, "link", "set", outside, "up");
        ip(ns, "addr", "add", cidr, "dev", ifname);
        ip(ns, "link", "set", ifname, "up");
    }

    // ---- point-to-point links and switches of one's own (the node tests' topologies) ----------------

    /** Creates a bare namespace (loopback up, no links); returns its full name. */
    public String add(String name) throws IOException, InterruptedException {
        String ns = prefix + name;
        addNamespace(ns);
        ip(ns, "link", "set", "lo", "up");
        return ns;
    }

    /** A veth pair eth0 (in a) to eth0 (in b), with the given addresses (198.18.0.0/15), both up. */
    public void link(String a, String cidrA, String b, String cidrB) throws IOException, InterruptedException {
        requireTestRange(cidrA);
        requireTestRange(cidrB);
        ip(a, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b);
        ip(a, "addr", "add", cidrA, "dev", "eth0");
        ip(b, "addr", "add", cidrB, "dev", "eth0");
        ip(a, "link", "set", "eth0", "up");
        ip(b, "link", "set", "eth0", "up");
        awaitOperUp(a);
        awaitOperUp(b);
    }

    /**
     * A veth pair eth0 (in a) to eth0 (in b) with IPv6 link-local addresses only, up. DAD is switched off
     * in both namespaces first (a fresh veth's link-local would stay tentative for a second or two,
     * unusable as a source), and this waits until both link-locals are usable.
     */
    public void linkIpv6(String a, String b) throws IOException, InterruptedException {
        linkIpv6(a, b, false);
        linkLocal(a);
        linkLocal(b);
    }

    /** {@link #linkIpv6(String, String)}, or with DAD left on and without waiting for it ({@code dad}). */
    public void linkIpv6(String a, String b, boolean dad) throws IOException, InterruptedException {
        if (!dad) {
            for (String ns : new String[] {a, b}) {
                run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
                        "net.ipv6.conf.default.accept_dad=0");
            }
        }
        ip(a, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b);
        ip(a, "link", "set", "eth0", "up");
        ip(b, "link", "set", "eth0", "up");
        awaitOperUp(a);
        awaitOperUp(b);
    }

    /** A switch of its own: namespace {@code name} with bridge br0; hosts join it with {@link #attach}. */
    public String addSwitch(String name) throws IOException, InterruptedException {
        String sw = add(name);
        ip(sw, "link", "add", "br0", "type", "bridge");
        ip(sw, "link", "set", "br0", "up");
        return sw;
    }

    /** Connects host namespace {@code ns} (its eth0, holding {@code cidr}) to switch {@code sw}. */
    public void attach(String sw, String ns, String cidr) throws IOException, InterruptedException {
        requireTestRange(cidr);
        String port = "p" + Integer.toHexString(ns.hashCode() & 0xfffffff);
        ip(sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip(sw, "link", "set", port, "master", "br0");
        ip(sw, "link", "set", port, "up");
        ip(ns, "addr", "add", cidr, "dev", "eth0");
        ip(ns, "link", "set", "eth0", "up");
        awaitOperUp(ns);
    }

    /** The usable (not tentative) link-local address of eth0 in {@code ns}; waits up to 5 s for it. */
    public static java.net.InetAddress linkLocal(String ns) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            for (String line : run("ip", "-n", ns, "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link").lines().toList()) {
                if (!line.contains("tentative")) {
                    String cidr = line.split("\\s+")[3];
                    return org.vrrp4j.core.packet.IpLiterals.parse(cidr.substring(0, cidr.indexOf('/')));
                }
            }
            if (System.nanoTime() > end) {
                throw new IOException("eth0 in " + ns + " has no usable link-local address");
            }
            Thread.sleep(20);
        }
    }

    /** Waits until eth0 in {@code ns} is operationally up (the kernel's linkwatch sets it a moment later). */
    public static void awaitOperUp(String ns) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!run("ip", "-n", ns, "link", "show", "eth0").contains("state UP")) {
            if (System.nanoTime() > end) {
                throw new IOException("eth0 in " + ns + " did not come up");
            }
            Thread.sleep(20);
        }
    }

    /** Runs {@code work} on a thread inside namespace {@code ns} (sockets it opens stay there). */
    public static <T> T inside(String ns, java.util.concurrent.Callable<T> work) throws Exception {
        return NetworkNamespaces.call(ns, work);
    }

    /** Runs a command; returns its output, or fails with it. */
    public static String run(String... cmd) throws IOException, InterruptedException {
        return run(List.of(cmd));
    }

    private static void requireTestRange(String cidr) {
        if (!cidr.startsWith("198.18.") && !cidr.startsWith("198.19.")) {
            throw new IllegalArgumentException("lab addresses come from 198.18.0.0/15, got " + cidr);
        }
    }

    /** The namespace holding the bridge {@code br0} (capture adverts there). */
    public String switchNamespace() {
        return switchNs;
    }

    /** Runs {@code ip} inside a namespace; fails with its output when it fails. */
    public String ip(String ns, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Starts a command inside a namespace ({@code ip netns exec}). */
    public ProcessBuilder exec(String ns, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(command);
        return new ProcessBuilder(cmd);
    }

    private void addNamespace(String ns) throws IOException, InterruptedException {
        run(List.of("ip", "netns", "add", ns));
        namespaces.add(ns);
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.strip());
        }
        return out;
    }

    private void deleteAll() {
        List<String> copy;
        synchronized (namespaces) {
            copy = new ArrayList<>(namespaces);
            namespaces.clear();
        }
        Collections.reverse(copy);
        for (String ns : copy) {
            try {
                // processes still inside would keep the namespace alive: end them first
                Process pids = new ProcessBuilder("ip", "netns", "pids", ns).start();
                for (String pid : new String(pids.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                pids.waitFor(5, TimeUnit.SECONDS);
                run(List.of("ip", "netns", "del", ns));
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("netns lab: could not delete " + ns + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
