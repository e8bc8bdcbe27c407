package org.vrrp4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrp4j.testkit.lab.NetnsLab;

/** vrrp4j as a benchmark peer: a {@link BenchNode} JVM in the namespace, running the same routers. */
final class Vrrp4jPeer implements Peer {
    private static final Pattern INSTANCE = Pattern.compile(
            "interface (\\S+)\\s+virtual_router_id (\\d+)\\s+priority (\\d+)\\s+advert_int (\\S+)\\s+virtual_ipaddress \\{\\s+(\\S+)");
    private final NetnsLab lab;
    private Process process;

    Vrrp4jPeer(NetnsLab lab) {
        this.lab = lab;
    }

    @Override
    public String name() {
        return "vrrp4j";
    }

    /** Reads back the routers of the keepalived.conf the benchmark wrote (its fixed shape only). */
    static List<String> routerArgs(Path config) throws IOException {
        List<String> args = new ArrayList<>();
        Matcher m = INSTANCE.matcher(Files.readString(config));
        while (m.find()) {
            long ms = new java.math.BigDecimal(m.group(4)).movePointRight(3).longValueExact();
            args.addAll(List.of("--router", m.group(1), m.group(2), m.group(3), Long.toString(ms), m.group(5)));
        }
        if (args.isEmpty()) {
            throw new IOException("no vrrp_instance in " + config);
        }
        return args;
    }

    @Override
    public void start(String ns, Path config, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path")));
        // e.g. -Dvrrp4j.bench.jvmOpts="-Xms16m -Xmx64m": the node's footprint with a heap sized for it
        String extra = System.getProperty("vrrp4j.bench.jvmOpts", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.add(BenchNode.class.getName());
        cmd.addAll(routerArgs(config));
        process = lab.exec(ns, cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Override
    public List<Long> pids() {
        return List.of(process.pid());
    }

    @Override
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
