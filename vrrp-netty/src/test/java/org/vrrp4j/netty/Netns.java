package org.vrrp4j.netty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.vrrp4j.netty.linux.Libc;

/**
 * Network namespaces for a test: unique names per run, veth links, addresses from 198.18.0.0/15 only,
 * deleted on {@link #close()} and by a shutdown hook even when the test fails. Without root (or
 * CAP_NET_ADMIN + CAP_NET_RAW) tests skip with the reason; with CI=true they fail instead.
 */
final class Netns implements AutoCloseable {
    private final String prefix = "vt" + ProcessHandle.current().pid() % 100000 + "x" + Long.toString(System.nanoTime() % 46656, 36);
    private final List<String> names = Collections.synchronizedList(new ArrayList<>());
    private final Thread hook = new Thread(this::deleteAll);

    Netns() {
        requireRoot();
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static void requireRoot() {
        String why = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            why = "network namespace tests need root (or CAP_NET_ADMIN + CAP_NET_RAW)";
        } else {
            try {
                if (new ProcessBuilder("ip", "-V").start().waitFor() != 0) {
                    why = "iproute2's ip does not run";
                }
            } catch (IOException | InterruptedException e) {
                why = "iproute2's ip is not installed";
            }
        }
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why + "; CI=true, so this is a failure, not a skip");
            }
            Assumptions.abort(why);
        }
    }

    /** Creates a namespace; returns its full name. */
    String add(String name) throws IOException, InterruptedException {
        String ns = prefix + name;
        run("ip", "netns", "add", ns);
        names.add(ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** A veth pair eth0 (in a) — eth0 (in b), with the given addresses, up. */
    void link(String a, String cidrA, String b, String cidrB) throws IOException, InterruptedException {
        for (String c : new String[] {cidrA, cidrB}) {
            if (!c.startsWith("198.18.") && !c.startsWith("198.19.")) {
                throw new IllegalArgumentException("test addresses come from 198.18.0.0/15: " + c);
            }
        }
        run("ip", "-n", a, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b);
        run("ip", "-n", a, "addr", "add", cidrA, "dev", "eth0");
        run("ip", "-n", b, "addr", "add", cidrB, "dev", "eth0");
        run("ip", "-n", a, "link", "set", "eth0", "up");
        run("ip", "-n", b, "link", "set", "eth0", "up");
        awaitOperUp(a);
        awaitOperUp(b);
    }

    /**
     * A veth pair eth0 (in a) — eth0 (in b) with IPv6 link-local addresses only, up. DAD is switched off in
     * both namespaces first (a fresh veth's link-local would otherwise stay tentative for a second or
     * two, unusable as a source), and this waits until both link-locals are usable.
     */
    void linkIpv6(String a, String b) throws IOException, InterruptedException {
        linkIpv6(a, b, false);
        linkLocal(a);
        linkLocal(b);
    }

    /** {@link #linkIpv6(String, String)}, or with DAD left on and without waiting for it ({@code dad}). */
    void linkIpv6(String a, String b, boolean dad) throws IOException, InterruptedException {
        if (!dad) {
            for (String ns : new String[] {a, b}) {
                run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
                        "net.ipv6.conf.default.accept_dad=0");
            }
        }
        run("ip", "-n", a, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b);
        run("ip", "-n", a, "link", "set", "eth0", "up");
        run("ip", "-n", b, "link", "set", "eth0", "up");
        awaitOperUp(a);
        awaitOperUp(b);
    }

    /** The usable (not tentative) link-local address of eth0 in {@code ns}; waits up to 5 s for it. */
    static java.net.InetAddress linkLocal(String ns) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            for (String line : run("ip", "-n", ns, "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link").lines().toList()) {
                if (!line.contains("tentative")) {
                    String cidr = line.split("\\s+")[3];
                    return java.net.InetAddress.ofLiteral(cidr.substring(0, cidr.indexOf('/')));
                }
            }
            if (System.nanoTime() > end) {
                throw new IOException("eth0 in " + ns + " has no usable link-local address");
            }
            Thread.sleep(20);
        }
    }

    /** Waits until eth0 in {@code ns} is operationally up (the kernel's linkwatch sets it a moment later). */
    static void awaitOperUp(String ns) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!run("ip", "-n", ns, "link", "show", "eth0").contains("state UP")) {
            if (System.nanoTime() > end) {
                throw new IOException("eth0 in " + ns + " did not come up");
            }
            Thread.sleep(20);
        }
    }

    /** A switch: namespace {@code sw} with bridge br0; hosts join it with {@link #attach}. */
    String addSwitch(String name) throws IOException, InterruptedException {
        String sw = add(name);
        run("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", sw, "link", "set", "br0", "up");
        return sw;
    }

    /** Connects host namespace {@code ns} (its eth0, holding {@code cidr}) to the switch. */
    void attach(String sw, String ns, String cidr) throws IOException, InterruptedException {
        if (!cidr.startsWith("198.18.") && !cidr.startsWith("198.19.")) {
            throw new IllegalArgumentException("test addresses come from 198.18.0.0/15: " + cidr);
        }
        String port = "p" + Integer.toHexString(ns.hashCode() & 0xfffffff);
        run("ip", "-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "-n", sw, "link", "set", port, "master", "br0");
        run("ip", "-n", sw, "link", "set", port, "up");
        run("ip", "-n", ns, "addr", "add", cidr, "dev", "eth0");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        awaitOperUp(ns);
    }

    /** Runs {@code work} on a thread inside namespace {@code ns} (sockets it opens stay there). */
    static <T> T inside(String ns, Callable<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("in-" + ns).start(() -> {
            try {
                Libc.enterNetworkNamespace("/var/run/netns/" + ns);
                result.set(work.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private void deleteAll() {
        List<String> copy;
        synchronized (names) {
            copy = new ArrayList<>(names);
            names.clear();
        }
        for (String ns : copy) {
            try {
                run("ip", "netns", "pids", ns).lines().map(String::strip).filter(s -> !s.isEmpty())
                        .forEach(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly));
                run("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("could not delete namespace " + ns + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs
        }
    }
}
