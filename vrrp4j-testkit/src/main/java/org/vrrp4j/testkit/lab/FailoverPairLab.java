package org.vrrp4j.testkit.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.vrrp4j.core.packet.IpLiterals;
import org.vrrp4j.testkit.netcup.NetcupRestStandIn;
import org.vrrp4j.testkit.netcup.NetcupSoapStandIn;

/**
 * A failover pair in network namespaces, as the tutorial the project grew from sets it up: hosts s1
 * and s2 on a vLAN switch ({@code eth1}, 198.18.1.0/24), and netcup's stand-ins (REST and WSEndUser
 * SOAP) in a namespace of their own at 198.18.1.200 on the same switch. {@link #create(String, List, int)}
 * makes a group of up to three hosts the same way (s3 at 198.18.1.3, the REST stand-in's third server). Nodes run as real processes
 * (the vrrp4j daemon or keepalived); their output is watched line by line with arrival times.
 * Everything is removed on {@link #close()}.
 */
public final class FailoverPairLab implements AutoCloseable {
    /** The stand-ins' address on the lab switch. */
    public static final String SCP_ADDRESS = "198.18.1.200";
    /** The virtual address of the tutorial's VI_1, moved into the test range. */
    public static final String VIP = "198.18.1.100";

    private final NetnsLab lab;
    private final Path dir;
    private final List<Node> nodes = new CopyOnWriteArrayList<>();
    private final List<String> hosts;
    private final String scpNs;
    private final List<String> daemonCommand;
    private NetcupRestStandIn rest;
    private NetcupSoapStandIn soap;

    private FailoverPairLab(NetnsLab lab, Path dir, List<String> hosts, String scpNs, List<String> daemonCommand) {
        this.daemonCommand = List.copyOf(daemonCommand);
        this.lab = lab;
        this.dir = dir;
        this.hosts = List.copyOf(hosts);
        this.scpNs = scpNs;
    }

    /** Why the lab cannot run here (not root, no iproute2), or null. */
    public static String unavailableReason() {
        return NetnsLab.unavailableReason();
    }

    /**
     * The command that starts the daemon in this JVM's own runtime and class path:
     * {@code java --enable-native-access=ALL-UNNAMED -cp CLASSPATH mainClass}.
     */
    public static List<String> javaCommand(String mainClass) {
        return List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), mainClass);
    }

    /**
     * Builds the namespaces and starts both stand-ins; the failover IP starts routed to neither node.
     *
     * @param daemonCommand how to start the daemon; {@link #startVrrp4j} appends {@code run -f FILE}
     */
    public static FailoverPairLab create(String tag, List<String> daemonCommand) throws Exception {
        return create(tag, daemonCommand, 2);
    }

    /**
     * {@link #create(String, List)} with {@code count} hosts (2 or 3): s{@code n} at 198.18.1.{@code n},
     * each with its token file {@code s{n}-token} accepted by the REST stand-in.
     */
    public static FailoverPairLab create(String tag, List<String> daemonCommand, int count) throws Exception {
        if (count < 2 || count > 3) {
            throw new IllegalArgumentException("a lab of 2 or 3 hosts (the REST stand-in knows 3 servers), got " + count);
        }
        NetnsLab lab = NetnsLab.create(tag);
        try {
            List<String> hosts = new ArrayList<>();
            for (int n = 1; n <= count; n++) {
                hosts.add(lab.addHost("s" + n, "eth1", "198.18.1." + n + "/24"));
            }
            String scp = lab.addHost("scp", "eth1", SCP_ADDRESS + "/24");
            Path dir = Files.createTempDirectory("vrrp4j-pair-");
            FailoverPairLab s = new FailoverPairLab(lab, dir, hosts, scp, daemonCommand);
            s.startStandIns();
            return s;
        } catch (Exception e) {
            lab.close();
            throw e;
        }
    }

    private void startStandIns() throws Exception {
        NetworkNamespaces.call(scpNs, () -> {
            rest = new NetcupRestStandIn(new InetSocketAddress(IpLiterals.parse(SCP_ADDRESS), 8080));
            soap = new NetcupSoapStandIn(new InetSocketAddress(IpLiterals.parse(SCP_ADDRESS), 8081), "/WSEndUser");
            return null;
        });
        rest.routeV4To(999_999); // routed to some other server: the first master has to move it
        for (int n = 1; n <= hosts.size(); n++) {
            rest.acceptRefreshToken("s" + n + "-refresh-token-SECRET");
            writeSecret(dir.resolve("s" + n + "-token"), "s" + n + "-refresh-token-SECRET");
        }
        writeSecret(dir.resolve("soap-password"), NetcupSoapStandIn.PASSWORD);
    }

    private static void writeSecret(Path file, String value) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value + "\n");
    }

    /** The namespace of host {@code n} (1 to {@link #hosts()}). */
    public String host(int n) {
        return hosts.get(n - 1);
    }

    /** The namespace of the lab's switch (bridge {@code br0}): capture or filter what crosses the LAN there. */
    public String switchNamespace() {
        return lab.switchNamespace();
    }

    /** How many hosts the lab has. */
    public int hosts() {
        return hosts.size();
    }

    /** The working directory (configurations, token files, logs). */
    public Path dir() {
        return dir;
    }

    /** The REST stand-in. */
    public NetcupRestStandIn rest() {
        return rest;
    }

    /** The SOAP stand-in. */
    public NetcupSoapStandIn soap() {
        return soap;
    }

    /**
     * Runs {@code action} on a thread in the stand-ins' namespace: a server it opens on {@link #SCP_ADDRESS}
     * (another hoster's stand-in, on a port of its own) is reachable from every host of the lab. The caller
     * closes what it started.
     */
    public <T> T inStandInNamespace(Callable<T> action) throws Exception {
        return NetworkNamespaces.call(scpNs, action);
    }

    /** Writes a secret file (mode 0600) into the lab directory; returns its path. */
    public Path secretFile(String name, String value) throws IOException {
        Path file = dir.resolve(name);
        writeSecret(file, value);
        return file;
    }

    /** Server ids and names of s1 and s2 at the stand-ins. */
    public static long restServer(int n) {
        return switch (n) {
            case 1 -> NetcupRestStandIn.SERVER_1;
            case 2 -> NetcupRestStandIn.SERVER_2;
            case 3 -> NetcupRestStandIn.SERVER_3;
            default -> throw new IllegalArgumentException("no host " + n);
        };
    }

    /** The vServer name of host {@code n} at the SOAP stand-in. */
    public static String soapServer(int n) {
        return n == 1 ? NetcupSoapStandIn.SERVER_1 : NetcupSoapStandIn.SERVER_2;
    }

    /** A configuration template ({@code s1.conf}, {@code s2.conf} beside this class), with the lab's values filled in. */
    public String config(String resource) throws IOException {
        try (InputStream in = FailoverPairLab.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no resource " + resource);
            }
            return fill(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Fills ${SCP} (REST base URL), ${SOAP} (WSEndUser URL) and ${DIR} (the lab directory). */
    public String fill(String template) {
        return template.replace("${SCP}", "http://" + SCP_ADDRESS + ":8080")
                .replace("${SOAP}", "http://" + SCP_ADDRESS + ":8081/WSEndUser").replace("${DIR}", dir.toString());
    }

    /** Starts {@code vrrp4j run} on host n with a configuration's text; its output is echoed to {@code echo}. */
    public Node startVrrp4j(int n, String config, PrintStream echo, String... extraArgs) throws IOException {
        return startVrrp4j(n, config, java.util.Map.of(), echo, extraArgs);
    }

    /** {@link #startVrrp4j(int, String, PrintStream, String...)} with variables added to its environment. */
    public Node startVrrp4j(int n, String config, java.util.Map<String, String> environment, PrintStream echo,
            String... extraArgs) throws IOException {
        Path conf = configFile(n);
        Files.writeString(conf, config);
        List<String> cmd = new ArrayList<>(daemonCommand);
        cmd.addAll(List.of("run", "-f", conf.toString()));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = lab.exec(host(n), cmd);
        pb.environment().putAll(environment);
        return start("s" + n, pb, echo);
    }

    /** Where {@link #startVrrp4j} writes host n's configuration (a reload reads it again). */
    public Path configFile(int n) {
        return dir.resolve("s" + n + ".conf");
    }

    /** Starts keepalived 2.2.7 on host n with a configuration's text, in the foreground, logging to stdout. */
    public Node startKeepalived(int n, String config, PrintStream echo) throws IOException {
        return startKeepalived(n, config, java.util.Map.of(), echo);
    }

    /**
     * {@link #startKeepalived(int, String, PrintStream)} with variables added to its environment ({@code TMPDIR}:
     * where its SIGUSR1 data dump goes, so that two nodes' dumps do not meet in /tmp). Its pid file is
     * {@code s{n}.pid} in {@link #dir()}.
     */
    public Node startKeepalived(int n, String config, java.util.Map<String, String> environment, PrintStream echo)
            throws IOException {
        Path conf = dir.resolve("s" + n + "-keepalived.conf");
        Files.writeString(conf, config);
        ProcessBuilder pb = lab.exec(host(n), Keepalived.command(conf, dir, "s" + n));
        pb.environment().putAll(environment);
        return start("s" + n, pb, echo);
    }

    /** Starts the daemon's command line with {@code args} (any subcommand, e.g. {@code failover-agent ...}) on host n. */
    public Node startCommand(int n, PrintStream echo, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(daemonCommand);
        cmd.addAll(List.of(args));
        return start("s" + n, lab.exec(host(n), cmd), echo);
    }

    /**
     * Starts {@code pb} (e.g. from {@link NetnsLab#exec}) with its output going to {@code log} and followed
     * line by line: a node of a topology of one's own, outside this lab. The caller ends it ({@link Node#kill()}).
     */
    public static Node follow(String name, ProcessBuilder pb, Path log, PrintStream echo) throws IOException {
        return new Node(name, pb.redirectErrorStream(true).redirectOutput(log.toFile()).start(), log, echo);
    }

    private Node start(String name, ProcessBuilder pb, PrintStream echo) throws IOException {
        Path log = Files.createTempFile(dir, name + "-", ".log");
        Node node = new Node(name, pb.redirectErrorStream(true).redirectOutput(log.toFile()).start(), log, echo);
        nodes.add(node);
        return node;
    }

    /** Whether host n holds the virtual address now. */
    public boolean holdsVip(int n) throws IOException, InterruptedException {
        return lab.ip(host(n), "-4", "addr", "show", "dev", "eth1").contains(VIP + "/");
    }

    /** Waits until {@code condition} holds; returns when it did, in nanoTime. */
    public static long await(String what, Duration timeout, BooleanSupplier condition) throws TimeoutException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new TimeoutException(what + ": not within " + timeout);
            }
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.kill();
        }
        if (soap != null) {
            soap.close();
        }
        if (rest != null) {
            rest.close();
        }
        lab.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
    }

    /** A running node process and its output, line by line with arrival times. */
    public static final class Node {
        /** One line of output and when it arrived (System.nanoTime). */
        public record Line(long atNanos, String text) {
        }

        private final String name;
        private final Process process;
        private final List<Line> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        /**
         * The output goes to a file that a thread follows: a pipe's last lines can be lost when the
         * process exits while the reader is blocked on it (the JDK drains and closes the pipe), and the
         * lines of a graceful stop are the ones tests look for.
         */
        Node(String name, Process process, Path log, PrintStream echo) {
            this.name = name;
            this.process = process;
            this.reader = Thread.ofPlatform().daemon().name("out-" + name).start(() -> {
                try (InputStream in = Files.newInputStream(log)) {
                    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
                    byte[] buf = new byte[8192];
                    boolean exited = false;
                    while (true) {
                        int n = in.read(buf);
                        if (n > 0) {
                            for (int i = 0; i < n; i++) {
                                if (buf[i] == '\n') {
                                    String l = line.toString(StandardCharsets.UTF_8);
                                    line.reset();
                                    lines.add(new Line(System.nanoTime(), l));
                                    if (echo != null) {
                                        echo.println("  [" + name + "] " + l);
                                    }
                                } else {
                                    line.write(buf[i]);
                                }
                            }
                        } else if (exited) {
                            return; // read to the end after the exit: nothing more comes
                        } else {
                            exited = !process.isAlive();
                            if (!exited) {
                                Thread.sleep(2);
                            }
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // the lab is gone
                }
            });
        }

        /** Every line so far. */
        public List<Line> lines() {
            return List.copyOf(lines);
        }

        /** The first line after index {@code from} matching {@code regex} (find), waiting up to {@code timeout}. */
        public Line awaitLine(String regex, int from, Duration timeout) throws TimeoutException, InterruptedException {
            Pattern p = Pattern.compile(regex);
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                List<Line> now = lines;
                for (int i = from; i < now.size(); i++) {
                    if (p.matcher(now.get(i).text()).find()) {
                        return now.get(i);
                    }
                }
                if (System.nanoTime() > end) {
                    throw new TimeoutException(name + ": no line matching /" + regex + "/ within " + timeout
                            + "; last lines: " + now.subList(Math.max(0, now.size() - 10), now.size()));
                }
                Thread.sleep(5);
            }
        }

        /** How many lines have arrived. */
        public int mark() {
            return lines.size();
        }

        /** kill -9. */
        public void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly); // keepalived's VRRP child too
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** SIGTERM; returns the exit status, or -1 if it did not exit within {@code timeout}. */
        public int terminate(Duration timeout) throws InterruptedException {
            process.destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return -1;
            }
            reader.join(2_000); // its last lines
            return process.exitValue();
        }

        /** Sends a signal (e.g. HUP) by name. */
        public void signal(String signal) throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        }

        /** The process. */
        public Process process() {
            return process;
        }
    }
}
