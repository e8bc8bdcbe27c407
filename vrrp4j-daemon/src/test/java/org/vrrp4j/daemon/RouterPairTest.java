package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.FailoverPairLab;
import org.vrrp4j.testkit.lab.FailoverPairLab.Node;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * A router pair as a network engineer runs one: two {@code vrrp4j run} daemons (r1 priority 200, r2 100)
 * routing between LAN A (eth0, 198.18.10.0/24) and LAN B (eth1, 198.18.20.0/24), with one
 * {@code vrrp_sync_group} holding a VIP per LAN (198.18.10.254, 198.18.20.254). A client on LAN A and a
 * server on LAN B use the VIPs as their gateways. Client traffic runs through them all along: UDP probes
 * echoed by the server every 20 ms (a bounded count; ping is not installed everywhere, UDP takes the same
 * path through the routers) and one TCP connection echoing every 200 ms.
 *
 * <p>Steps: r1's LAN B link down and up again; overlapping faults on r1 (LAN B down, LAN A down, LAN B back
 * while LAN A is still down: the group stays in FAULT and r2 keeps both VIPs, as keepalived does); r1 stopped
 * (SIGTERM) and started again; r1 dying (kill -9 and its links dark). After each step the VIPs are where
 * keepalived would put them and traffic flows again; the TCP connection survives every take-over. The
 * longest gap in client traffic per step is printed; the assertions are on states, VIP holders and that
 * traffic resumes, never on tight times.
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RouterPairTest {
    private static final String VIP_A = "198.18.10.254";
    private static final String VIP_B = "198.18.20.254";
    private static final String SERVER = "198.18.20.50";
    private static final int UDP_PORT = 7008;
    private static final int TCP_PORT = 7007;
    /** r2's Master_Down_Interval, VRRPv2 (RFC 3768 §6.1): 3 × advert_int 1 s + (256 − 100) / 256 s. */
    private static final Duration MASTER_DOWN = Duration.ofMillis(3_000 + (256 - 100) * 1_000 / 256);
    /** A take-over by Master_Down_Interval, plus 6 s for two daemon JVMs on a loaded 2-vCPU machine. */
    private static final Duration TAKEOVER = MASTER_DOWN.plusSeconds(6);
    /** A daemon's start (a JVM) and its first election, generously. */
    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration PROBE_EVERY = Duration.ofMillis(20);
    /** Probes at most: 20 ms apart for 4 minutes, the class's bound. */
    private static final int PROBE_COUNT = 12_000;

    private NetnsLab lab;
    private Path dir;
    private String r1;
    private String r2;
    private String client;
    private String server;
    private final Node[] daemons = new Node[3];
    private final List<Node> everStarted = new ArrayList<>();
    private final List<AutoCloseable> traffic = new ArrayList<>();

    @AfterEach
    void cleanup() throws Exception {
        for (AutoCloseable t : traffic) {
            t.close();
        }
        for (Node n : everStarted) {
            n.kill();
        }
        if (lab != null) {
            lab.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void aSyncGroupOfTwoLansKeepsTheClientsGatewaysThroughLinkFaultsOverlappingFaultsAStopAndADeath() throws Exception {
        buildNetwork();
        start(1);
        start(2);
        awaitHolders("start", START, "r1[A, B] r2[]");
        daemons[2].awaitLine("VI_B: \\w+ -> BACKUP", 0, START);

        UdpProbes probes = UdpProbes.start(client, server);
        traffic.add(probes);
        TcpEcho tcp = TcpEcho.start(client, server);
        traffic.add(tcp);
        probes.awaitReplyAfter(System.nanoTime(), START, "probes through r1 before the first step");
        tcp.awaitEchoAfter(System.nanoTime(), START);

        List<String> report = new ArrayList<>();

        // 1. the master's LAN B link goes down: its VI_B goes to FAULT, the group takes VI_A with it, r2 takes both
        long t = System.nanoTime();
        int mark1 = daemons[1].mark();
        ip(r1, "link", "set", "eth1", "down");
        awaitHolders("LAN B down on r1", TAKEOVER, "r1[] r2[A, B]");
        daemons[1].awaitLine("VRRP_Group\\(G1\\) Syncing instances to FAULT state", mark1, TAKEOVER);
        report.add(step("r1's LAN B link down", t, probes, tcp));

        // 2. the link comes back: r1 preempts both
        t = System.nanoTime();
        ip(r1, "link", "set", "eth1", "up");
        awaitHolders("LAN B up on r1", TAKEOVER, "r1[A, B] r2[]");
        report.add(step("r1's LAN B link up", t, probes, tcp));

        // 3. overlapping faults: LAN B down, LAN A down, LAN B back while LAN A is still down
        t = System.nanoTime();
        ip(r1, "link", "set", "eth1", "down");
        awaitHolders("overlap: LAN B down on r1", TAKEOVER, "r1[] r2[A, B]");
        ip(r1, "link", "set", "eth0", "down");
        awaitOperState(r1, "eth0", "DOWN");
        int mark = daemons[1].mark();
        ip(r1, "link", "set", "eth1", "up");
        awaitOperState(r1, "eth1", "UP");
        // the group stays in FAULT on r1 while eth0 is down: watched for two of r1's Master_Down_Intervals,
        // long past the moment a member that left FAULT on its own would have become master
        long watchEnd = System.nanoTime() + MASTER_DOWN.multipliedBy(2).toNanos();
        while (System.nanoTime() < watchEnd) {
            assertThat(holders()).as("overlapping faults: r2 keeps both VIPs, r1 takes none").isEqualTo("r1[] r2[A, B]");
            Thread.sleep(100);
        }
        assertThat(lines(daemons[1], mark)).as("no member of r1's group left FAULT while eth0 was down")
                .noneMatch(l -> l.matches(".*VI_[AB]: FAULT -> .*"));
        probes.awaitReplyAfter(System.nanoTime(), TAKEOVER, "probes through r2 while r1's group is in FAULT");
        ip(r1, "link", "set", "eth0", "up");
        awaitHolders("overlap cleared", TAKEOVER, "r1[A, B] r2[]");
        report.add(step("overlapping faults on r1, then cleared", t, probes, tcp));

        // 4. r1 stopped as an operator stops it (SIGTERM: priority 0, r2 takes over within Skew_Time), then started
        t = System.nanoTime();
        assertThat(daemons[1].terminate(Duration.ofSeconds(30))).as("r1 exits 0 on SIGTERM").isZero();
        awaitHolders("r1 stopped", TAKEOVER, "r1[] r2[A, B]");
        report.add(step("r1 stopped (SIGTERM)", t, probes, tcp));
        t = System.nanoTime();
        start(1);
        awaitHolders("r1 started again", START, "r1[A, B] r2[]");
        report.add(step("r1 started again", t, probes, tcp));

        // 5. r1 dies: its daemon killed and its links dark at once, as a node losing power; r2 takes over by
        // Master_Down_Interval, and the TCP connection through the gateways survives
        t = System.nanoTime();
        int mark2 = daemons[2].mark();
        daemons[1].kill();
        ip(r1, "link", "set", "eth0", "down");
        ip(r1, "link", "set", "eth1", "down");
        daemons[2].awaitLine("VI_A: BACKUP -> MASTER", mark2, TAKEOVER);
        FailoverPairLab.await("r2 holds both VIPs after r1 died", TAKEOVER, () -> holds(r2, "eth0", VIP_A) && holds(r2, "eth1", VIP_B));
        report.add(step("r1 killed (kill -9, links dark)", t, probes, tcp));

        assertThat(tcp.failure()).as("the TCP connection through the gateways never broke").isNull();
        for (Node n : everStarted) {
            assertThat(n.lines()).as("no daemon logged an exception").noneMatch(l -> l.text().contains("Exception"));
        }
        System.out.println("RouterPairTest: longest gap in client traffic per step (UDP probes every "
                + PROBE_EVERY.toMillis() + " ms; TCP echoes every 200 ms)");
        report.forEach(r -> System.out.println("  " + r));
        System.out.printf("  probes sent %d, answered %d; TCP echoes %d over one connection%n", probes.sent(), probes.replies().size(), tcp.echoes());
    }

    /** Traffic resumed after a step: a probe answered and a TCP echo after the new state; the longest gaps since {@code from}. */
    private String step(String what, long from, UdpProbes probes, TcpEcho tcp) throws Exception {
        long settled = System.nanoTime();
        long resumed = probes.awaitReplyAfter(settled, TAKEOVER, what + ": probes answered again");
        tcp.awaitEchoAfter(settled, TAKEOVER.plusSeconds(10)); // TCP's retransmission backoff comes on top
        return String.format("%-40s longest probe gap %5d ms, longest TCP echo gap %5d ms", what,
                probes.longestGapMillis(from, resumed), tcp.longestGapMillis(from, System.nanoTime()));
    }

    // ---- the network ------------------------------------------------------------------------------------

    private void buildNetwork() throws Exception {
        lab = NetnsLab.create("v4jrp");
        dir = Files.createTempDirectory("vrrp4j-router-pair-");
        String swA = lab.addSwitch("swa");
        String swB = lab.addSwitch("swb");
        r1 = lab.add("r1");
        r2 = lab.add("r2");
        client = lab.add("cl");
        server = lab.add("srv");
        lab.attach(swA, r1, "198.18.10.1/24");
        lab.attach(swA, r2, "198.18.10.2/24");
        lab.attach(swA, client, "198.18.10.50/24");
        attachEth1(swB, r1, "198.18.20.1/24");
        attachEth1(swB, r2, "198.18.20.2/24");
        lab.attach(swB, server, SERVER + "/24");
        for (String r : List.of(r1, r2)) {
            NetnsLab.run("ip", "netns", "exec", r, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        }
        ip(client, "route", "add", "default", "via", VIP_A);
        ip(server, "route", "add", "default", "via", VIP_B);
    }

    /** A host's second interface, eth1, on switch {@code sw}. */
    private void attachEth1(String sw, String ns, String cidr) throws Exception {
        String port = "q" + Integer.toHexString(ns.hashCode() & 0xfffffff);
        ip(sw, "link", "add", port, "type", "veth", "peer", "name", "eth1", "netns", ns);
        ip(sw, "link", "set", port, "master", "br0");
        ip(sw, "link", "set", port, "up");
        ip(ns, "addr", "add", cidr, "dev", "eth1");
        ip(ns, "link", "set", "eth1", "up");
        awaitOperState(ns, "eth1", "UP");
    }

    private static String ip(String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return NetnsLab.run(cmd.toArray(String[]::new));
    }

    private static void awaitOperState(String ns, String ifname, String state) throws Exception {
        FailoverPairLab.await(ifname + " in " + ns + " " + state, Duration.ofSeconds(5), () -> {
            try {
                return ip(ns, "link", "show", ifname).contains("state " + state);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static boolean holds(String ns, String ifname, String vip) {
        try {
            return ip(ns, "-4", "addr", "show", "dev", ifname).contains(" " + vip + "/");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Who holds which VIP, e.g. {@code r1[A, B] r2[]}. */
    private String holders() {
        StringBuilder s = new StringBuilder();
        for (String[] r : new String[][] {{"r1", r1}, {"r2", r2}}) {
            List<String> held = new ArrayList<>();
            if (holds(r[1], "eth0", VIP_A)) {
                held.add("A");
            }
            if (holds(r[1], "eth1", VIP_B)) {
                held.add("B");
            }
            s.append(s.isEmpty() ? "" : " ").append(r[0]).append(held);
        }
        return s.toString();
    }

    private void awaitHolders(String what, Duration bound, String expected) throws Exception {
        long end = System.nanoTime() + bound.toNanos();
        String now;
        while (!(now = holders()).equals(expected)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + ": VIPs " + now + ", expected " + expected + " within " + bound
                        + "; r1's last lines " + tail(daemons[1]) + "; r2's " + tail(daemons[2]));
            }
            Thread.sleep(20);
        }
        // stays so for an advert interval: not a moment in a flap
        Thread.sleep(1_000);
        assertThat(holders()).as(what + ": still so an advert interval later").isEqualTo(expected);
    }

    private static List<String> tail(Node n) {
        if (n == null) {
            return List.of();
        }
        List<Node.Line> l = n.lines();
        return l.subList(Math.max(0, l.size() - 8), l.size()).stream().map(Node.Line::text).toList();
    }

    private static List<String> lines(Node n, int from) {
        List<Node.Line> l = n.lines();
        return l.subList(from, l.size()).stream().map(Node.Line::text).toList();
    }

    // ---- the daemons ------------------------------------------------------------------------------------

    private void start(int n) throws Exception {
        String ns = n == 1 ? r1 : r2;
        Path conf = dir.resolve("r" + n + ".conf");
        Files.writeString(conf, """
                vrrp_sync_group G1 {
                    group {
                        VI_A
                        VI_B
                    }
                }
                vrrp_instance VI_A {
                    state BACKUP
                    interface eth0
                    virtual_router_id 10
                    priority %1$d
                    advert_int 1
                    virtual_ipaddress {
                        %2$s
                    }
                }
                vrrp_instance VI_B {
                    state BACKUP
                    interface eth1
                    virtual_router_id 20
                    priority %1$d
                    advert_int 1
                    virtual_ipaddress {
                        %3$s
                    }
                }
                """.formatted(n == 1 ? 200 : 100, VIP_A, VIP_B));
        List<String> cmd = new ArrayList<>(FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
        cmd.addAll(List.of("run", "-f", conf.toString(), "--http", "off"));
        Node node = FailoverPairLab.follow("r" + n, lab.exec(ns, cmd), Files.createTempFile(dir, "r" + n + "-", ".log"), null);
        daemons[n] = node;
        everStarted.add(node);
    }

    // ---- client traffic ---------------------------------------------------------------------------------

    /** UDP probes from the client, one every 20 ms up to a bounded count, echoed by the server. */
    static final class UdpProbes implements AutoCloseable {
        private final DatagramSocket serverSocket;
        private final DatagramSocket clientSocket;
        private final List<Long> replies = new CopyOnWriteArrayList<>();
        private final AtomicInteger sent = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean closed;

        private UdpProbes(DatagramSocket serverSocket, DatagramSocket clientSocket) {
            this.serverSocket = serverSocket;
            this.clientSocket = clientSocket;
        }

        static UdpProbes start(String clientNs, String serverNs) throws Exception {
            DatagramSocket srv = NetnsLab.inside(serverNs, () -> new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral(SERVER), UDP_PORT)));
            DatagramSocket cl = NetnsLab.inside(clientNs, () -> new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral("198.18.10.50"), 0)));
            UdpProbes p = new UdpProbes(srv, cl);
            p.threads.add(Thread.ofPlatform().daemon().name("udp-echo").start(p::echo));
            p.threads.add(Thread.ofPlatform().daemon().name("udp-rx").start(p::receive));
            p.threads.add(Thread.ofPlatform().daemon().name("udp-tx").start(p::send));
            return p;
        }

        private void echo() {
            byte[] buf = new byte[64];
            while (!closed) {
                try {
                    DatagramPacket d = new DatagramPacket(buf, buf.length);
                    serverSocket.receive(d);
                    serverSocket.send(new DatagramPacket(d.getData(), d.getLength(), d.getSocketAddress()));
                } catch (IOException e) {
                    // closed, or a send while the route is gone: the next probe tries again
                }
            }
        }

        private void send() {
            InetSocketAddress to = new InetSocketAddress(InetAddress.ofLiteral(SERVER), UDP_PORT);
            for (int i = 0; i < PROBE_COUNT && !closed; i++) {
                try {
                    clientSocket.send(new DatagramPacket(ByteBuffer.allocate(8).putLong(i).array(), 8, to));
                    sent.incrementAndGet();
                } catch (IOException e) {
                    // no route or neighbour for a moment: counted as a gap
                }
                try {
                    Thread.sleep(PROBE_EVERY);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void receive() {
            byte[] buf = new byte[64];
            while (!closed) {
                try {
                    clientSocket.receive(new DatagramPacket(buf, buf.length));
                    replies.add(System.nanoTime());
                } catch (IOException e) {
                    // closed
                }
            }
        }

        List<Long> replies() {
            return List.copyOf(replies);
        }

        int sent() {
            return sent.get();
        }

        /** Waits for an answered probe after {@code after} (nanoTime); returns when it came. */
        long awaitReplyAfter(long after, Duration bound, String what) throws Exception {
            long[] at = new long[1];
            FailoverPairLab.await(what, bound, () -> {
                List<Long> r = replies;
                if (!r.isEmpty() && r.getLast() > after) {
                    at[0] = r.getLast();
                    return true;
                }
                return false;
            });
            return at[0];
        }

        /** The longest time without an answered probe in [from, to]. */
        long longestGapMillis(long from, long to) {
            return longestGap(replies(), from, to);
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            clientSocket.close();
            serverSocket.close();
            for (Thread t : threads) {
                t.join(2_000);
            }
        }
    }

    static long longestGap(List<Long> times, long from, long to) {
        long last = from;
        long longest = 0;
        for (long t : times) {
            if (t > from && t <= to) {
                longest = Math.max(longest, t - last);
                last = t;
            }
        }
        return Math.max(longest, to - last) / 1_000_000;
    }

    /** One TCP connection from the client to an echo server, a few bytes echoed every 200 ms. */
    static final class TcpEcho implements AutoCloseable {
        private final ServerSocket listener;
        private final Socket socket;
        private final List<Long> echoes = new CopyOnWriteArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean closed;

        private TcpEcho(ServerSocket listener, Socket socket) {
            this.listener = listener;
            this.socket = socket;
        }

        static TcpEcho start(String clientNs, String serverNs) throws Exception {
            ServerSocket l = NetnsLab.inside(serverNs, () -> new ServerSocket(TCP_PORT, 1, InetAddress.ofLiteral(SERVER)));
            Thread acceptor = Thread.ofPlatform().daemon().name("tcp-echo").start(() -> {
                try (Socket s = l.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException e) {
                    // closed at the end
                }
            });
            Socket s = NetnsLab.inside(clientNs, () -> {
                Socket c = new Socket();
                c.connect(new InetSocketAddress(InetAddress.ofLiteral(SERVER), TCP_PORT), 20_000);
                return c;
            });
            TcpEcho e = new TcpEcho(l, s);
            e.threads.add(acceptor);
            e.threads.add(Thread.ofPlatform().daemon().name("tcp-client").start(e::run));
            return e;
        }

        private void run() {
            try {
                // TCP backs off while the gateway moves; a minute covers several take-overs' retransmissions
                socket.setSoTimeout(60_000);
                for (int i = 0; !closed; i++) {
                    byte[] out = ByteBuffer.allocate(4).putInt(i).array();
                    socket.getOutputStream().write(out);
                    byte[] in = socket.getInputStream().readNBytes(4);
                    if (ByteBuffer.wrap(in).getInt() != i) {
                        throw new IOException("echo " + i + " came back as " + java.util.Arrays.toString(in));
                    }
                    echoes.add(System.nanoTime());
                    Thread.sleep(200);
                }
            } catch (SocketTimeoutException e) {
                failure.compareAndSet(null, e);
            } catch (IOException | InterruptedException e) {
                if (!closed) {
                    failure.compareAndSet(null, e);
                }
            }
        }

        Throwable failure() {
            return failure.get();
        }

        int echoes() {
            return echoes.size();
        }

        void awaitEchoAfter(long after, Duration bound) throws Exception {
            FailoverPairLab.await("a TCP echo over the same connection", bound, () -> {
                if (failure.get() != null) {
                    throw new AssertionError("the TCP connection broke", failure.get());
                }
                List<Long> e = echoes;
                return !e.isEmpty() && e.getLast() > after;
            });
        }

        long longestGapMillis(long from, long to) {
            return longestGap(List.copyOf(echoes), from, to);
        }

        @Override
        public void close() throws Exception {
            closed = true;
            socket.close();
            listener.close();
            for (Thread t : threads) {
                t.join(2_000);
            }
        }
    }
}
