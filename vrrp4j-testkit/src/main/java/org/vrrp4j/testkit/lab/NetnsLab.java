package org.vrrp4j.testkit.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away LAN of network namespaces for benchmarks and end-to-end runs: one namespace holding a
 * bridge (the switch) and any number of hosts joined to it by veth pairs. Addresses come only from
 * 198.18.0.0/15 and link-local; there is no route out. {@link #close()} (also run from a shutdown
 * hook) deletes every namespace it made, whatever happened.
 */
public final class NetnsLab implements AutoCloseable {
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
        NetnsLab lab = new NetnsLab(tag + ProcessHandle.current().pid() + "-");
        try {
            lab.addNamespace(lab.switchNs);
            lab.ip(lab.switchNs, "link", "add", "br0", "type", "bridge");
            lab.ip(lab.switchNs, "link", "set", "br0", "up");
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
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
        if (!cidr.startsWith("198.18.") && !cidr.startsWith("198.19.")) {
            throw new IllegalArgumentException("lab addresses come from 198.18.0.0/15, got " + cidr);
        }
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
        if (!cidr.startsWith("198.18.") && !cidr.startsWith("198.19.")) {
            throw new IllegalArgumentException("lab addresses come from 198.18.0.0/15, got " + cidr);
        }
        int n = ++hosts;
        String outside = "vb" + n + "p" + ProcessHandle.current().pid() % 100000;
        ip(switchNs, "link", "add", outside, "type", "veth", "peer", "name", ifname, "netns", ns);
        ip(switchNs, "link", "set", outside, "master", "br0");
        ip(switchNs, "link", "set", outside, "up");
        ip(ns, "addr", "add", cidr, "dev", ifname);
        ip(ns, "link", "set", ifname, "up");
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
