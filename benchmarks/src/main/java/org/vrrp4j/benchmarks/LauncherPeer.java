package org.vrrp4j.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * The product as an operator starts it: the built distribution's {@code bin/vrrp4j run -f FILE}, with the
 * launcher's own JVM choice and options ({@code VRRP4J_JAVA_OPTS} passes through from the benchmark's
 * environment, as from an operator's), pinned like keepalived with {@code taskset -c CPUS}. {@code ip netns
 * exec}, {@code taskset} and the launcher all exec in place, so the process started is the daemon's JVM.
 */
final class LauncherPeer implements Peer {
    private final NetnsLab lab;
    private final Path launcher;
    private final String cpus;
    private final String aotCache;
    private Process process;

    /** {@code aotCache}: the launcher's VRRP4J_AOT_CACHE (a directory, or off); null leaves the environment's. */
    LauncherPeer(NetnsLab lab, Path launcher, String cpus, String aotCache) {
        this.lab = lab;
        this.launcher = launcher;
        this.cpus = cpus;
        this.aotCache = aotCache;
    }

    @Override
    public String name() {
        return "vrrp4j";
    }

    @Override
    public void start(String ns, Path config, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpus, launcher.toString(), "run", "-f", config.toString()));
        ProcessBuilder pb = lab.exec(ns, cmd);
        if (aotCache != null) {
            pb.environment().put("VRRP4J_AOT_CACHE", aotCache);
        }
        process = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Override
    public List<Long> pids() {
        return List.of(process.pid());
    }

    /** SIGTERM, as systemd stops it, and waits for the JVM to end (it writes a training run's AOT cache then). */
    void stop(long timeoutSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            kill();
        }
    }

    @Override
    public void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
