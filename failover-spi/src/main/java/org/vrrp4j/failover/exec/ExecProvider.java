package org.vrrp4j.failover.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;

/**
 * Runs notify scripts the way keepalived does, so existing scripts (the seed's to_master.sh and
 * to_backup.sh) work unchanged. Each script runs in its own session (setsid), so when a newer role
 * supersedes it the whole process group is killed, children included: the seed's
 * {@code killall to_master.sh}, done properly. Output goes to the log; a timeout kills it too.
 */
final class ExecProvider implements FailoverProvider {
    private static final Logger LOG = LoggerFactory.getLogger(ExecProvider.class);
    private static final Optional<Path> SETSID = Optional.of(Path.of("/usr/bin/setsid")).filter(Files::isExecutable);

    private final String name;
    private final Optional<List<String>> master;
    private final Optional<List<String>> backup;
    private final Optional<List<String>> fault;
    private final Optional<List<String>> stop;
    private final Optional<List<String>> notify;
    private final Duration timeout;
    private final Duration killGrace;
    private final boolean group;
    private final Set<String> unsetEnv;
    /** setpriv and its options in front of every script, or nothing (the daemon's own user). */
    private final List<String> runAs;
    /** A script's own user (keepalived's {@code notify_master SCRIPT USER [GROUP]}) by its key, in place of runAs. */
    private final java.util.Map<String, List<String>> runAsByScript = new java.util.HashMap<>();
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /** A script's output is logged up to this many lines per run, each cut at {@link #MAX_LINE} characters. */
    static final int MAX_LINES = 100;
    static final int MAX_LINE = 1000;

    ExecProvider(ProviderConfig config) {
        this.name = config.name();
        this.master = command(config, "notify_master");
        this.backup = command(config, "notify_backup");
        this.fault = command(config, "notify_fault");
        this.stop = command(config, "notify_stop");
        this.notify = command(config, "notify");
        this.timeout = config.duration("timeout", Duration.ofMinutes(5)); // the seed's to_master.sh may loop for a minute or more
        this.killGrace = config.duration("kill_grace", Duration.ofSeconds(2));
        this.group = config.bool("group", false);
        this.unsetEnv = config.optionalString("unset_env").map(v -> Set.of(v.trim().split("[,\\s]+")))
                .orElse(Set.of());
        this.runAs = config.optionalString("run_as").map(ExecProvider::runAs).orElse(List.of());
        for (String key : List.of("notify_master", "notify_backup", "notify_fault", "notify_stop", "notify")) {
            config.optionalString(key + "_run_as")
                    .ifPresent(v -> runAsByScript.put(key, v.strip().equals("self") ? List.of() : runAs(v)));
        }
        if (master.isEmpty() && backup.isEmpty() && fault.isEmpty() && stop.isEmpty() && notify.isEmpty()) {
            throw new ProviderConfigException("notify", "the exec provider needs at least one notify script");
        }
    }

    /** {@code UID:GID} to setpriv's words: real and effective ids, the user's supplementary groups. */
    static List<String> runAs(String spec) {
        String[] f = spec.strip().split(":");
        try {
            if (f.length != 2 || Integer.parseInt(f[0]) < 0 || Integer.parseInt(f[1]) < 0) {
                throw new NumberFormatException(spec);
            }
        } catch (NumberFormatException e) {
            throw new ProviderConfigException("run_as", "must be UID:GID (numbers), got '" + spec + "'");
        }
        return List.of(SETPRIV.toString(), "--reuid=" + f[0], "--regid=" + f[1], "--init-groups", "--");
    }

    private static Optional<List<String>> command(ProviderConfig config, String key) {
        return config.optionalString(key).map(line -> {
            List<String> words = split(line);
            if (words.isEmpty()) {
                throw new ProviderConfigException(key, "is empty");
            }
            return words;
        });
    }

    /** Splits a command line into words; double or single quotes group words (keepalived's rule). */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new ProviderConfigException("notify", "unterminated quote in: " + line);
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }

    @Override
    public String resource() {
        return "notify scripts of " + name;
    }

    @Override
    public FailoverOutcome acquire(FailoverContext context) throws InterruptedException {
        return runAll(context, master, "notify_master");
    }

    @Override
    public boolean supportsRelease() {
        return true;
    }

    @Override
    public FailoverOutcome release(FailoverContext context) throws InterruptedException {
        RouterState state = context.change().state();
        return switch (state) {
            case BACKUP -> runAll(context, backup, "notify_backup");
            case FAULT -> runAll(context, fault, "notify_fault");
            case STOP -> runAll(context, stop, "notify_stop");
            case MASTER -> runAll(context, master, "notify_master");
        };
    }

    /** The per-state script, then the generic notify script with keepalived's four arguments. */
    private FailoverOutcome runAll(FailoverContext ctx, Optional<List<String>> perState, String label)
            throws InterruptedException {
        List<String> ran = new ArrayList<>();
        if (perState.isPresent()) {
            FailoverOutcome o = run(ctx, perState.get(), label);
            if (!o.succeeded()) {
                return o;
            }
            ran.add(label);
        }
        if (notify.isPresent()) {
            RoleChange c = ctx.change();
            List<String> cmd = new ArrayList<>(notify.get());
            cmd.add(group || c.group() ? "GROUP" : "INSTANCE");
            cmd.add(c.router());
            cmd.add(c.state().name());
            cmd.add(Integer.toString(c.priority()));
            FailoverOutcome o = run(ctx, cmd, "notify");
            if (!o.succeeded()) {
                return o;
            }
            ran.add("notify");
        }
        return ran.isEmpty() ? new FailoverOutcome.AlreadyInPlace("no script for " + ctx.change().state())
                : new FailoverOutcome.Done("ran " + String.join(", ", ran));
    }

    private FailoverOutcome run(FailoverContext ctx, List<String> command, String label) throws InterruptedException {
        Cancellation cancellation = ctx.cancellation();
        cancellation.throwIfCancelled();
        List<String> argv = new ArrayList<>();
        SETSID.ifPresent(p -> argv.add(p.toString()));
        // after setsid: the session's leader is the script itself once setpriv execs it
        argv.addAll(runAsByScript.getOrDefault(label, runAs));
        argv.addAll(command);
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeAll(unsetEnv); // secrets of the daemon's environment stay there
            process = pb.start();
        } catch (IOException e) {
            return new FailoverOutcome.PermanentFailure(label + ": cannot start " + command.getFirst() + ": " + e.getMessage());
        }
        String tag = name + " " + label;
        Thread pump = Thread.ofVirtual().name("vrrp4j-exec-output").start(() -> pumpOutput(process, tag));
        LOG.info("[{}] started {} (pid {})", tag, command, process.pid());
        // the hook runs on the coordinator's control thread: kill from a thread of its own, never block it
        try (Cancellation.Registration r = cancellation.onCancel(
                () -> Thread.ofVirtual().name("vrrp4j-exec-kill").start(() -> killGroup(process, tag, "superseded")))) {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                killGroup(process, tag, "timed out after " + timeout);
                return new FailoverOutcome.PermanentFailure(label + " timed out after " + timeout);
            }
        } catch (InterruptedException e) {
            killGroup(process, tag, "interrupted");
            throw e;
        } finally {
            pump.join(1000);
        }
        cancellation.throwIfCancelled();
        int exit = process.exitValue();
        LOG.info("[{}] exited {}", tag, exit);
        return exit == 0 ? new FailoverOutcome.Done(label + " exited 0")
                : new FailoverOutcome.PermanentFailure(label + " exited " + exit);
    }

    /**
     * Logs a script's output, bounded: {@link #MAX_LINES} lines of at most {@link #MAX_LINE} characters;
     * the rest is read (so the script never blocks on a full pipe) and counted, never held in memory.
     */
    static void pumpOutput(Process process, String tag) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            int logged = 0;
            long dropped = 0;
            boolean cut = false;
            int c;
            while ((c = r.read()) >= 0) {
                if (c != '\n') {
                    if (line.length() < MAX_LINE) {
                        line.append((char) c);
                    } else {
                        cut = true;
                    }
                    continue;
                }
                if (logged < MAX_LINES) {
                    LOG.info("[{}] {}{}", tag, line, cut ? " [cut]" : "");
                    logged++;
                } else {
                    dropped++;
                }
                line.setLength(0);
                cut = false;
            }
            if (!line.isEmpty()) {
                if (logged < MAX_LINES) {
                    LOG.info("[{}] {}{}", tag, line, cut ? " [cut]" : "");
                } else {
                    dropped++;
                }
            }
            if (dropped > 0) {
                LOG.info("[{}] {} more line(s) of output not logged", tag, dropped);
            }
        } catch (IOException e) {
            LOG.debug("[{}] output closed: {}", tag, e.toString());
        }
    }

    /** SIGTERM to the script's process group (it leads its own session), SIGKILL after the grace period. */
    private void killGroup(Process process, String tag, String why) {
        if (!process.isAlive()) {
            return;
        }
        LOG.info("[{}] killing process group {} ({})", tag, process.pid(), why);
        List<ProcessHandle> descendants = process.descendants().toList();
        signalGroup(process.pid(), "TERM");
        try {
            if (!process.waitFor(killGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                signalGroup(process.pid(), "KILL");
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            signalGroup(process.pid(), "KILL");
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // without setsid (or for children that made their own groups) fall back to the known descendants
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static void signalGroup(long pgid, String signal) {
        if (SETSID.isEmpty()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("kill -{} -{} failed: {}", signal, pgid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ExecProvider[" + name + " timeout=" + timeout + (runAs.isEmpty() ? "" : " as " + runAs.get(1).substring(8))
                + "]";
    }
}
