package org.vrrp4j.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.keepalived.KeepalivedStateDump;

/**
 * The running keepalived, as the failover agent sees it: its process (from its pid file) and its current
 * roles, from the data dump its VRRP process writes on SIGUSR1.
 *
 * <p>Why the SIGUSR1 data dump: it is keepalived's own word on its state, in every build (the JSON dump
 * needs a build with {@code --enable-json}), and it has sync groups' states too (the JSON has none). The
 * alternative, the instance's virtual addresses on the interfaces, is wrong exactly when it matters: a
 * keepalived killed with -9 leaves its addresses behind, and an instance without addresses says nothing.
 * keepalived ignores SIGUSR1 from before it writes its pid file until its handlers are installed, so the
 * signal never ends a starting keepalived; the pid's command is checked first, so a stale pid file never
 * gets another process signalled. The dump holds secrets (authentication passwords): only the states are
 * read from it, and nothing of it is logged.
 *
 * @param pidFile  keepalived's main pid file ({@code -p}; {@code /run/keepalived.pid} by default)
 * @param dataFile where its VRRP process writes the dump: {@code $TMPDIR/keepalived.data} of keepalived's
 *                 environment ({@code /tmp} by default)
 */
record KeepalivedState(Path pidFile, Path dataFile) {
    private static final Logger LOG = LoggerFactory.getLogger(KeepalivedState.class);
    /** How long a dump may take: keepalived writes it at once; a loaded machine gets a margin. */
    static final Duration DUMP_WAIT = Duration.ofSeconds(5);
    private static final int SIGUSR1 = 10;

    KeepalivedState {
        Objects.requireNonNull(pidFile, "pidFile");
        Objects.requireNonNull(dataFile, "dataFile");
    }

    /** For messages. */
    String describe() {
        return "pid file " + pidFile;
    }

    /** The pid of the running keepalived: its pid file names a live process whose command is keepalived. */
    Optional<Long> pid() {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (p.isEmpty() || !isKeepalived(pid)) {
            return Optional.empty();
        }
        return Optional.of(pid);
    }

    /** /proc/PID/comm is "keepalived" (a stale pid file may name another process by now). */
    private static boolean isKeepalived(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip().equals("keepalived");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Signals keepalived (SIGUSR1; its parent passes it to the VRRP process) and reads the dump it writes.
     * Blocks up to {@link #DUMP_WAIT}.
     *
     * @return the states, or empty when no complete dump appeared in time (keepalived still starting, no VRRP
     *         process, the dump written elsewhere)
     */
    Optional<KeepalivedStateDump> dump(long pid) {
        Object before = fileKey(dataFile);
        if (!isKeepalived(pid) || !kill(pid, SIGUSR1)) {
            return Optional.empty();
        }
        long end = System.nanoTime() + DUMP_WAIT.toNanos();
        long lastSize = -1;
        while (System.nanoTime() < end) {
            Object now = fileKey(dataFile);
            if (now != null && !now.equals(before)) {
                // keepalived renames a new file into place, then writes it: wait until it is complete and settled
                try {
                    String text = Files.readString(dataFile, StandardCharsets.UTF_8);
                    KeepalivedStateDump d = KeepalivedStateDump.parse(text);
                    if (d.complete() && text.length() == lastSize) {
                        return Optional.of(d);
                    }
                    lastSize = text.length();
                } catch (IOException e) {
                    LOG.debug("reading keepalived's dump: {}", e.toString());
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The file's identity (keepalived renames a new file into place: a new inode) or null. */
    private static Object fileKey(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** kill(2); false when it fails (no such process, not permitted). */
    private static boolean kill(long pid, int signal) {
        try {
            org.vrrp4j.netty.linux.Libc.kill(Math.toIntExact(pid), signal);
            return true;
        } catch (org.vrrp4j.netty.linux.Libc.NativeException | ArithmeticException e) {
            return false;
        }
    }
}
