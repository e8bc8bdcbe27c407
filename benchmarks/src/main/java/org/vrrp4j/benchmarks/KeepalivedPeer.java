package org.vrrp4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.vrrp4j.testkit.lab.Keepalived;
import org.vrrp4j.testkit.lab.NetnsLab;

/** keepalived 2.2.7 from Debian, VRRP only, in the foreground, with its own pid files. */
final class KeepalivedPeer implements Peer {
    private final NetnsLab lab;
    private final Path dir;
    private final String cpus;
    private Process process;
    private Path vrrpPid;

    KeepalivedPeer(NetnsLab lab, Path dir) {
        this(lab, dir, null);
    }

    /** Pinned to {@code cpus} ({@code taskset -c}, which execs in place) when not null. */
    KeepalivedPeer(NetnsLab lab, Path dir, String cpus) {
        this.lab = lab;
        this.dir = dir;
        this.cpus = cpus;
    }

    @Override
    public String name() {
        return "keepalived";
    }

    @Override
    public void start(String ns, Path config, Path log) throws IOException {
        String base = config.getFileName().toString().replace(".conf", "");
        vrrpPid = Keepalived.vrrpPidFile(dir, base);
        List<String> cmd = new ArrayList<>();
        if (cpus != null) {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.addAll(Keepalived.command(config, dir, base));
        process = lab.exec(ns, cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Override
    public List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        // ip netns exec execs keepalived in place, so the child we started is keepalived's parent process
        pids.add(process.pid());
        if (Files.exists(vrrpPid)) {
            pids.add(Long.parseLong(Files.readString(vrrpPid).strip()));
        }
        return pids;
    }

    @Override
    public void kill() throws IOException, InterruptedException {
        List<Long> pids = pids();
        List<String> cmd = new ArrayList<>(List.of("kill", "-9"));
        // the VRRP child first: killed parent-first, the child could get its death signal and resign
        for (int i = pids.size() - 1; i >= 0; i--) {
            cmd.add(Long.toString(pids.get(i)));
        }
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor(5, TimeUnit.SECONDS);
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
