package org.vrrp4j.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.keepalived.Instance;
import org.vrrp4j.keepalived.KeepalivedConfig;
import org.vrrp4j.keepalived.VrrpScript;

/**
 * keepalived's {@code vrrp_script} and {@code track_interface}: scripts run every {@code interval}
 * (bounded by {@code timeout}; a timed-out script has failed), {@code fall} failures in a row take the
 * tracker down and {@code rise} successes bring it up; a tracked interface is up while its operstate is
 * up. Each change goes to every router tracking it as {@code script:NAME} or {@code if:NAME}. Like the
 * core, a tracker starts up. Scheduling runs on the daemon's control thread; scripts run on virtual
 * threads so a slow script delays no other.
 */
final class Trackers implements AutoCloseable {
    /** Environment variables that hold providers' secrets ({@code *_env} keys): scripts do not inherit them. */
    private volatile java.util.Set<String> secretEnv = java.util.Set.of();
    /** Who each check runs as (script_user, the vrrp_script's user); null: the daemon's own user. */
    private volatile ScriptUsers.Resolution users;

    private static final Logger LOG = LoggerFactory.getLogger(Trackers.class);
    private static final Duration INTERFACE_POLL = Duration.ofMillis(200);

    /** Where changes go. */
    @FunctionalInterface
    interface Sink {
        void changed(String router, String tracker, boolean up);
    }

    private final ScheduledExecutorService control;
    private final Sink sink;
    private final Map<String, ScriptTracker> scripts = new LinkedHashMap<>();
    private Map<String, List<String>> scriptUsers = Map.of();
    private Map<String, List<String>> interfaceUsers = Map.of();
    private final Map<String, Boolean> interfaceUp = new HashMap<>();
    private ScheduledFuture<?> interfacePoll;
    private volatile boolean closed;

    Trackers(ScheduledExecutorService control, Sink sink) {
        this.control = control;
        this.sink = sink;
    }

    /**
     * Starts the trackers {@code config} uses and stops the others; an unchanged script keeps its state
     * and schedule (a reload must not flap a router). Call on the control thread, or before the
     * daemon's listeners run.
     */
    void apply(KeepalivedConfig config, ScriptUsers.Resolution users) {
        secretEnv = Daemon.secretEnvironment(config);
        this.users = users;
        Map<String, List<String>> byScript = new LinkedHashMap<>();
        Map<String, List<String>> byInterface = new LinkedHashMap<>();
        for (Instance i : config.instances()) {
            i.trackScripts().forEach(s -> byScript.computeIfAbsent(s, k -> new ArrayList<>()).add(i.name()));
            i.trackInterfaces().forEach(f -> byInterface.computeIfAbsent(f, k -> new ArrayList<>()).add(i.name()));
        }
        for (var it = scripts.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            VrrpScript next = config.scripts().get(e.getKey());
            if (!byScript.containsKey(e.getKey()) || next == null || !sameScript(e.getValue().script, next)) {
                e.getValue().cancel();
                it.remove();
            }
        }
        scriptUsers = Map.copyOf(byScript);
        for (String name : byScript.keySet()) {
            VrrpScript s = Objects.requireNonNull(config.scripts().get(name), name);
            scripts.computeIfAbsent(name, n -> new ScriptTracker(s)).start();
        }
        // routers (re)started by a reload begin with every tracker up: tell them what is down
        for (ScriptTracker t : scripts.values()) {
            if (!t.up) {
                scriptUsers.getOrDefault(t.script.name(), List.of()).forEach(r -> sink.changed(r, "script:" + t.script.name(), false));
            }
        }
        interfaceUsers = Map.copyOf(byInterface);
        interfaceUp.clear(); // the next poll reports every interface that is down
        if (!byInterface.isEmpty() && interfacePoll == null) {
            interfacePoll = control.scheduleWithFixedDelay(this::pollInterfaces, 0, INTERFACE_POLL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private static boolean sameScript(VrrpScript a, VrrpScript b) {
        return a.script().equals(b.script()) && a.interval().equals(b.interval()) && a.timeout().equals(b.timeout())
                && a.rise() == b.rise() && a.fall() == b.fall() && a.user().equals(b.user());
    }

    /** Interfaces: a 200 ms look at operstate, which namespaces keep per network namespace. */
    private void pollInterfaces() {
        for (var e : interfaceUsers.entrySet()) {
            boolean up = operUp(e.getKey());
            Boolean before = interfaceUp.put(e.getKey(), up);
            if (before == null ? !up : before != up) {
                LOG.info("tracked interface {} is {}", e.getKey(), up ? "up" : "down");
                e.getValue().forEach(r -> sink.changed(r, "if:" + e.getKey(), up));
            }
        }
    }

    static boolean operUp(String ifname) {
        try {
            String s = Files.readString(Path.of("/sys/class/net", ifname, "operstate")).strip();
            return s.equals("up") || s.equals("unknown"); // unknown: loopback, some tunnels
        } catch (IOException e) {
            return false; // gone: down
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            control.submit(() -> {
                scripts.values().forEach(ScriptTracker::cancel);
                scripts.clear();
                if (interfacePoll != null) {
                    interfacePoll.cancel(false);
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("trackers did not stop cleanly: {}", e.toString());
        }
    }

    /** One vrrp_script: its schedule, its run, its rise/fall counts. Fields on the control thread. */
    private final class ScriptTracker {
        final VrrpScript script;
        ScheduledFuture<?> next;
        Process running;
        boolean up = true;
        int streak; // consecutive results against the current state
        boolean started;

        ScriptTracker(VrrpScript script) {
            this.script = script;
        }

        void start() {
            if (!started) {
                started = true;
                next = control.schedule(this::run, 0, TimeUnit.MILLISECONDS);
            }
        }

        void cancel() {
            if (next != null) {
                next.cancel(false);
            }
            Process p = running;
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            started = false;
        }

        private void run() {
            if (closed || !started) {
                return;
            }
            Thread.ofVirtual().name("vrrp_script " + script.name()).start(() -> {
                boolean ok;
                try {
                    ok = execute();
                } catch (RuntimeException e) { // never a silent end: the tracker would stop being scheduled
                    LOG.error("vrrp_script {} could not run: {}", script.name(), e.toString(), e);
                    ok = false;
                }
                boolean result = ok;
                control.execute(() -> result(result));
            });
        }

        private boolean execute() {
            List<String> argv = new ArrayList<>();
            ScriptUsers.Resolution as = users;
            if (as != null) {
                argv.addAll(as.prefix(script.name())); // setpriv: the check runs as its user
            }
            argv.addAll(List.of("/bin/sh", "-c", script.script()));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeAll(secretEnv); // providers' secrets stay in the daemon
            try {
                Process p = pb.start();
                running = p;
                if (!p.waitFor(script.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("vrrp_script {} timed out after {}", script.name(), script.timeout());
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    return false;
                }
                return p.exitValue() == 0;
            } catch (IOException e) {
                LOG.warn("vrrp_script {} cannot run: {}", script.name(), e.getMessage());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                running = null;
            }
        }

        private void result(boolean ok) {
            if (!started || closed) {
                return;
            }
            if (ok == up) {
                streak = 0;
            } else if (++streak >= (up ? script.fall() : script.rise())) {
                up = ok;
                streak = 0;
                LOG.info("vrrp_script {} is now {}", script.name(), up ? "up" : "down");
                for (String router : scriptUsers.getOrDefault(script.name(), List.of())) {
                    sink.changed(router, "script:" + script.name(), up);
                }
            }
            next = control.schedule(this::run, script.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
