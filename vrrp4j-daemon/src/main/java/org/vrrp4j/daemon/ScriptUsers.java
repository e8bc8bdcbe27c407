package org.vrrp4j.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.vrrp4j.keepalived.Instance;
import org.vrrp4j.keepalived.KeepalivedConfig;
import org.vrrp4j.keepalived.ProviderBlock;
import org.vrrp4j.keepalived.SourceLocation;
import org.vrrp4j.keepalived.SyncGroup;
import org.vrrp4j.keepalived.VrrpScript;

/**
 * Who scripts run as, the way keepalived 2.2.7 decides it (keepalived.conf(5)): {@code script_user USER
 * [GROUP]} in global_defs, else {@code keepalived_script} if that user exists, else the daemon's own user;
 * a {@code vrrp_script}'s {@code user USER [GROUP]} for that check; the group defaults to the user's. With
 * {@code enable_script_security}, a script that runs as root and whose file or any directory above it a
 * non-root user could change (owned by another user, writable by a group other than root's or by anyone)
 * is refused; without it, such a script is only warned about (keepalived's "SECURITY VIOLATION").
 *
 * <p>The switch itself is util-linux {@code setpriv --reuid --regid --init-groups} in front of the command:
 * the JVM cannot change a child's user, setpriv needs no PAM session (unlike runuser/su) and works with
 * CAP_SETUID and CAP_SETGID alone (no full root). A user the daemon cannot switch to is an error with the
 * line of the keyword that asked for it, at start, on reload and in {@code vrrp4j check}: never silently
 * ignored.
 */
final class ScriptUsers {
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    /** keepalived's default script user, used when it exists. */
    static final String DEFAULT_USER = "keepalived_script";
    private static final int CAP_SETGID = 6;
    private static final int CAP_SETUID = 7;

    /** A user to run scripts as, resolved to numbers. */
    record RunAs(String name, int uid, int gid) {
        /** The {@code run_as} value the exec provider takes. */
        String spec() {
            return uid + ":" + gid;
        }
    }

    /** The daemon's own identity and whether it may switch users. */
    record Identity(int uid, int gid, boolean canSwitch) {
        /** This process: real and effective ids from /proc/self/status, CAP_SETUID and CAP_SETGID in CapEff. */
        static Identity ofThisProcess() {
            try {
                int uid = -1;
                int gid = -1;
                long caps = 0;
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    String[] f = line.split("\\s+");
                    switch (f[0]) {
                        case "Uid:" -> uid = Integer.parseInt(f[2]); // effective
                        case "Gid:" -> gid = Integer.parseInt(f[2]);
                        case "CapEff:" -> caps = Long.parseUnsignedLong(f[1], 16);
                        default -> { }
                    }
                }
                boolean can = (caps & (1L << CAP_SETUID)) != 0 && (caps & (1L << CAP_SETGID)) != 0;
                return new Identity(uid, gid, can);
            } catch (IOException | RuntimeException e) {
                return new Identity(-1, -1, false);
            }
        }
    }

    /** Users and groups by name (the system's: getent, so NSS sources count). */
    interface Directory {
        /** uid and primary gid of {@code user}. */
        Optional<int[]> user(String user);

        Optional<Integer> group(String group);

        Directory SYSTEM = new Directory() {
            @Override
            public Optional<int[]> user(String user) {
                return getent("passwd", user).map(f -> new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])});
            }

            @Override
            public Optional<Integer> group(String group) {
                return getent("group", group).map(f -> Integer.parseInt(f[2]));
            }
        };
    }

    /**
     * What was decided: the notify scripts' user, each tracked vrrp_script's, the errors (file:line) and
     * warnings. A user equal to the daemon's own needs no switch and gets no prefix.
     */
    record Resolution(RunAs notifyUser, Map<String, RunAs> scripts, List<String> problems, List<String> warnings,
            Identity self, Map<String, RunAs> notifyUsers) {
        /** The exec provider's {@code run_as} for notify scripts, or empty when they run as the daemon. */
        Optional<String> notifyRunAs() {
            return switches(notifyUser) ? Optional.of(notifyUser.spec()) : Optional.empty();
        }

        /**
         * The {@code run_as} keys an exec block gets: {@code run_as} (script_user) unless the block sets it,
         * and {@code KEY_run_as} for each notify script naming its own user ({@code KEY_user}: keepalived's
         * {@code notify_master SCRIPT USER [GROUP]}), {@code self} when that user is the daemon's own. Two
         * configurations whose blocks get the same keys run their scripts as the same users.
         */
        Map<String, String> runAsKeys(ProviderBlock b) {
            Map<String, String> keys = new LinkedHashMap<>();
            if (!b.type().equals(ProviderBlock.EXEC)) {
                return keys;
            }
            if (!b.values().containsKey("run_as")) {
                notifyRunAs().ifPresent(v -> keys.put("run_as", v));
            }
            for (String key : NOTIFY_KEYS) {
                String spec = b.values().get(key + USER_SUFFIX);
                RunAs r = spec == null || !b.values().containsKey(key) ? null : notifyUsers.get(spec);
                if (r != null) {
                    keys.put(key + "_run_as", switches(r) ? r.spec() : "self");
                }
            }
            return keys;
        }

        /** Whether scripts of any of {@code blocks} run as other users under {@code other} than under this. */
        boolean runsAsOthers(List<ProviderBlock> blocks, Resolution other) {
            return blocks.stream().anyMatch(b -> !runAsKeys(b).equals(other.runAsKeys(b)));
        }

        /** The words in front of a vrrp_script's command (setpriv ...), or none. */
        List<String> prefix(String script) {
            RunAs r = scripts.get(script);
            return switches(r) ? setpriv(r) : List.of();
        }

        private boolean switches(RunAs r) {
            return r != null && (r.uid() != self.uid() || r.gid() != self.gid());
        }
    }

    /** The suffix of a notify script's own user in an exec block ({@code notify_master_user}: USER or USER:GROUP). */
    static final String USER_SUFFIX = "_user";

    /** An exec block without its {@code KEY_user} keys (resolved into {@code KEY_run_as} by {@link Resolution#runAsKeys}). */
    static ProviderBlock withoutUserKeys(ProviderBlock b) {
        if (!b.type().equals(ProviderBlock.EXEC) || NOTIFY_KEYS.stream().noneMatch(k -> b.values().containsKey(k + USER_SUFFIX))) {
            return b;
        }
        Map<String, String> values = new LinkedHashMap<>(b.values());
        NOTIFY_KEYS.forEach(k -> values.remove(k + USER_SUFFIX));
        return new ProviderBlock(b.type(), values);
    }

    static List<String> setpriv(RunAs r) {
        return List.of(SETPRIV.toString(), "--reuid=" + r.uid(), "--regid=" + r.gid(), "--init-groups", "--");
    }

    static Resolution resolve(KeepalivedConfig c) {
        return resolve(c, Identity.ofThisProcess(), Directory.SYSTEM, Files.isExecutable(SETPRIV));
    }

    static Resolution resolve(KeepalivedConfig c, Identity self, Directory dir, boolean setprivThere) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Optional<SourceLocation> globalAt = c.locations().global("script_user");
        RunAs own = new RunAs("(vrrp4j's user)", self.uid(), self.gid());
        RunAs global = own;
        boolean explicit = c.global().scriptUser().isPresent();
        List<NotifyEntry> notify = notifyEntries(c);
        boolean globalUsed = notify.stream().anyMatch(e -> e.user() == null) || trackedScripts(c).stream()
                .anyMatch(n -> c.scripts().containsKey(n) && c.scripts().get(n).user().isEmpty());
        if (explicit) {
            global = lookup(c.global().scriptUser().get(), "script_user", globalAt, dir, problems);
        } else if (globalUsed && dir.user(DEFAULT_USER).isPresent()) {
            // only when a script will run as it: the lookup starts getent, ~20 ms of a start without scripts
            global = lookup(DEFAULT_USER, "script_user", globalAt, dir, problems);
        }
        if (global != null && globalUsed) {
            global = usable(global, explicit, "script_user", Daemon.where(globalAt), self, setprivThere, own, problems,
                    warnings);
        }
        if (global == null) {
            global = own;
        }
        Map<String, RunAs> scripts = new LinkedHashMap<>();
        for (String name : trackedScripts(c)) {
            VrrpScript s = c.scripts().get(name);
            if (s == null) {
                continue;
            }
            RunAs r = global;
            if (s.user().isPresent()) {
                Optional<SourceLocation> at = c.locations().script(name);
                RunAs mine = lookup(s.user().get(), "vrrp_script " + name + " user", at, dir, problems);
                r = mine == null ? null : usable(mine, true, "vrrp_script " + name + " user", Daemon.where(at), self,
                        setprivThere, own, problems, warnings);
            }
            if (r != null) {
                scripts.put(name, r);
                security(c, s.script(), r, Daemon.where(c.locations().script(name)) + ": vrrp_script " + name, problems,
                        warnings);
            }
        }
        Map<String, RunAs> notifyUsers = new LinkedHashMap<>();
        for (NotifyEntry e : notify) {
            RunAs r = global;
            if (e.user() != null) { // keepalived's notify_master SCRIPT USER [GROUP]: that user, checked as script_user
                String keyword = e.key() + " user";
                RunAs mine = lookup(e.user(), keyword, e.at(), dir, problems);
                r = mine == null ? null : usable(mine, true, keyword, Daemon.where(e.at()), self, setprivThere, own,
                        problems, warnings);
                if (r != null) {
                    notifyUsers.putIfAbsent(e.user(), r);
                }
            }
            if (r != null) {
                security(c, e.commandLine(), r, Daemon.where(e.at()) + ": " + e.key(), problems, warnings);
            }
        }
        return new Resolution(global, scripts, problems, warnings, self, notifyUsers);
    }

    /** {@code USER} or {@code USER:GROUP} to numbers; an unknown name is a problem (null returned). */
    private static RunAs lookup(String spec, String keyword, Optional<SourceLocation> at, Directory dir,
            List<String> problems) {
        String user = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        String group = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
        Optional<int[]> u = dir.user(user);
        if (u.isEmpty()) {
            problems.add(Daemon.where(at) + ": " + keyword + ": no user " + user);
            return null;
        }
        int gid = u.get()[1];
        if (group != null) {
            Optional<Integer> g = dir.group(group);
            if (g.isEmpty()) {
                problems.add(Daemon.where(at) + ": " + keyword + ": no group " + group);
                return null;
            }
            gid = g.get();
        }
        return new RunAs(user, u.get()[0], gid);
    }

    /** The user if the daemon can run scripts as it; else a problem (configured) or a warning and the daemon's own. */
    private static RunAs usable(RunAs r, boolean configured, String keyword, String where, Identity self,
            boolean setprivThere, RunAs own, List<String> problems, List<String> warnings) {
        if (r.uid() == self.uid() && r.gid() == self.gid()) {
            return r;
        }
        String why = !self.canSwitch()
                ? "vrrp4j runs as uid " + self.uid() + " without CAP_SETUID and CAP_SETGID and cannot run scripts as "
                        + r.name() + " (uid " + r.uid() + "); run it as root, or give it both capabilities"
                        + " (the unit's AmbientCapabilities and CapabilityBoundingSet)"
                : !setprivThere ? SETPRIV + " (util-linux) is needed to run scripts as " + r.name() + " and is missing"
                : null;
        if (why == null) {
            return r;
        }
        if (configured) {
            problems.add(where + ": " + keyword + " " + r.name() + ": " + why);
            return null;
        }
        warnings.add("user " + r.name() + " exists (keepalived's default script user), but " + why
                + "; scripts run as vrrp4j's user");
        return own;
    }

    /**
     * enable_script_security: a script run as root must not be changeable by anyone but root. Checked on the
     * command's program (the first word, through PATH when it has no slash) and every directory above it.
     */
    private static void security(KeepalivedConfig c, String commandLine, RunAs r, String where, List<String> problems,
            List<String> warnings) {
        if (r.uid() != 0) {
            return;
        }
        Optional<Path> program = program(commandLine);
        if (program.isEmpty()) {
            return;
        }
        Optional<String> insecure = insecure(program.get());
        if (insecure.isEmpty()) {
            return;
        }
        String text = where + ": " + program.get() + " runs as root but " + insecure.get();
        if (c.global().enableScriptSecurity()) {
            problems.add(text + " (enable_script_security)");
        } else {
            warnings.add(text + "; keepalived calls this a SECURITY VIOLATION (set enable_script_security to refuse it)");
        }
    }

    /**
     * Why a non-root user could change {@code file}, or empty when none could: the path as written (a
     * directory on it could let someone replace a link) and, through symbolic links, the real file.
     */
    static Optional<String> insecure(Path file) {
        Optional<String> written = insecureChain(file.toAbsolutePath().normalize());
        if (written.isPresent()) {
            return written;
        }
        try {
            return insecureChain(file.toRealPath());
        } catch (IOException e) {
            return Optional.empty(); // not there (yet): the directories above were checked
        }
    }

    private static Optional<String> insecureChain(Path file) {
        for (Path p = file; p != null; p = p.getParent()) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
                continue; // not there (yet), or a link (its own bits mean nothing; its target is checked)
            }
            try {
                int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                int group = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (owner != 0) {
                    return Optional.of(p + " is owned by uid " + owner);
                }
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && (mode & 01000) != 0) {
                    continue; // sticky (/tmp): others may add entries but not replace root's, which are checked
                }
                if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                    return Optional.of(p + " is writable by anyone");
                }
                if (group != 0 && perms.contains(PosixFilePermission.GROUP_WRITE)) {
                    return Optional.of(p + " is writable by group " + group);
                }
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.of(p + " cannot be checked (" + e.getMessage() + ")");
            }
        }
        return Optional.empty();
    }

    /** The program of a command line: its first word, unquoted, found through PATH when it has no slash. */
    static Optional<Path> program(String commandLine) {
        String line = commandLine.strip();
        if (line.isEmpty()) {
            return Optional.empty();
        }
        String first;
        if (line.charAt(0) == '"' || line.charAt(0) == '\'') {
            int end = line.indexOf(line.charAt(0), 1);
            first = end < 0 ? line.substring(1) : line.substring(1, end);
        } else {
            first = line.split("\\s+", 2)[0];
        }
        if (first.contains("/")) {
            return Optional.of(Path.of(first));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, first);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty(); // a shell builtin, or missing: running it says so
    }

    private static List<String> trackedScripts(KeepalivedConfig c) {
        List<String> names = new ArrayList<>();
        for (Instance i : c.instances()) {
            i.trackScripts().forEach(s -> {
                if (!names.contains(s)) {
                    names.add(s);
                }
            });
        }
        return names;
    }

    private static final List<String> NOTIFY_KEYS = List.of("notify_master", "notify_backup", "notify_fault",
            "notify_stop", "notify");

    /** A notify script of an exec block: its key, command line, own user (or null) and line. */
    private record NotifyEntry(String key, String commandLine, String user, Optional<SourceLocation> at) {
    }

    /** Every notify script of every exec block, each with its keyword's line (else its block's). */
    private static List<NotifyEntry> notifyEntries(KeepalivedConfig c) {
        List<NotifyEntry> out = new ArrayList<>();
        for (Instance i : c.instances()) {
            for (int k = 0; k < i.providers().size(); k++) {
                int index = k;
                add(out, i.providers().get(k), key -> c.locations().instanceProviderKey(i.name(), index, key)
                        .or(() -> c.locations().instanceProvider(i.name(), index)));
            }
        }
        for (SyncGroup g : c.syncGroups()) {
            for (int k = 0; k < g.providers().size(); k++) {
                int index = k;
                add(out, g.providers().get(k), key -> c.locations().syncGroupProviderKey(g.name(), index, key)
                        .or(() -> c.locations().syncGroupProvider(g.name(), index)));
            }
        }
        return out;
    }

    private static void add(List<NotifyEntry> out, ProviderBlock b,
            java.util.function.Function<String, Optional<SourceLocation>> where) {
        if (!b.type().equals(ProviderBlock.EXEC)) {
            return;
        }
        for (String key : NOTIFY_KEYS) {
            String v = b.values().get(key);
            if (v != null) {
                out.add(new NotifyEntry(key, v, b.values().get(key + USER_SUFFIX), where.apply(key)));
            }
        }
    }

    /** One entry of the system's user or group database, split at ':'. */
    private static Optional<String[]> getent(String database, String key) {
        if (key.isBlank() || key.contains(":") || key.contains("\n")) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("getent", database, key).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            if (p.exitValue() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            String[] f = out.lines().findFirst().orElse("").split(":", -1);
            return f.length >= 4 ? Optional.of(f) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
