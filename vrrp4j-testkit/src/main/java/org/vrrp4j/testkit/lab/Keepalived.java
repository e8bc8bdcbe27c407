package org.vrrp4j.testkit.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * keepalived (Debian's 2.2.7) as a peer in a namespace, VRRP only (-P), in the foreground, logging to a
 * file: start it with a configuration's text, wait for log lines, kill -9 it (no priority 0) or stop it
 * (SIGTERM: priority 0). Its pid files live in the given directory, so several can run at once. Require
 * it with {@code @Requires(Prerequisite.KEEPALIVED)}.
 */
public final class Keepalived implements AutoCloseable {
    private final Path dir;
    private final String name;
    private Process process;

    /** A keepalived named {@code name} whose files (config, pids, log) go to {@code dir}. */
    public Keepalived(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** Starts it in namespace {@code ns} with {@code config} as its keepalived.conf. */
    public void start(String ns, String config) throws IOException {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, config);
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(command(conf, dir, name));
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
    }

    /**
     * The one keepalived command line of the project's tests and benchmarks: VRRP only ({@code -P}), in
     * the foreground, logging to the console, with pid files of its own in {@code dir} (so several run at
     * once) and {@code name} as its config id. Pid files a kill -9 left behind are deleted first: keepalived
     * would take them for a running instance and not start.
     */
    public static List<String> command(Path conf, Path dir, String name) throws IOException {
        for (String f : new String[] {".pid", ".vrrp.pid", ".chk.pid"}) {
            Files.deleteIfExists(dir.resolve(name + f));
        }
        return List.of("keepalived", "-n", "-l", "-D", "-P", "-f", conf.toString(),
                "-p", dir.resolve(name + ".pid").toString(), "-r", vrrpPidFile(dir, name).toString(),
                "-c", dir.resolve(name + ".chk.pid").toString(), "-i", name);
    }

    /** Where {@link #command} has keepalived write its VRRP child's pid. */
    public static Path vrrpPidFile(Path dir, String name) {
        return dir.resolve(name + ".vrrp.pid");
    }

    /** Its log file. */
    public Path log() {
        return dir.resolve(name + ".log");
    }

    /** Its log so far. */
    public String logText() throws IOException {
        return Files.exists(log()) ? Files.readString(log()) : "";
    }

    /** Waits until keepalived's log has {@code text} after {@code from} characters. */
    public int awaitLog(String text, int from, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            String l = logText();
            int at = l.indexOf(text, from);
            if (at >= 0) {
                return at + text.length();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("keepalived " + name + " never logged '" + text + "'; log:\n" + logText());
    }

    /** kill -9 of the VRRP child and the parent: no priority 0. */
    public void kill() throws Exception {
        Path vrrp = vrrpPidFile(dir, name);
        List<String> cmd = new java.util.ArrayList<>(List.of("kill", "-9"));
        long child = -1;
        if (Files.exists(vrrp)) {
            child = Long.parseLong(Files.readString(vrrp).strip());
            cmd.add(Long.toString(child));
        }
        cmd.add(Long.toString(process.pid()));
        new ProcessBuilder(cmd).start().waitFor(5, TimeUnit.SECONDS);
        process.waitFor(5, TimeUnit.SECONDS);
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (child > 0 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        // a killed keepalived leaves its pid files; a restart would take them for a running daemon
        for (String f : new String[] {".pid", ".vrrp.pid", ".chk.pid"}) {
            Files.deleteIfExists(dir.resolve(name + f));
        }
    }

    /** SIGTERM: keepalived sends priority 0 and stops. */
    public void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
