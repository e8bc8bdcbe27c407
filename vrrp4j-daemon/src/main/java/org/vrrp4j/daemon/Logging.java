package org.vrrp4j.daemon;

import org.vrrp4j.daemon.log.DaemonLog;

/**
 * The launcher's slf4j binding is the daemon's own ({@link DaemonLog}, registered as an SLF4J 2
 * service provider): one line per event on standard output, with journald's priority prefix when
 * standard output is the journal. Every command calls {@link #configure} before touching a library.
 */
final class Logging {
    /** Log levels the launcher accepts. */
    enum Level { ERROR, WARN, INFO, DEBUG, TRACE }

    private Logging() {
    }

    static void configure(Level level) {
        DaemonLog.threshold(org.slf4j.event.Level.valueOf(level.name()));
        // JAX-WS logs through java.util.logging; keep its chatter out of the daemon's output
        java.util.logging.Logger.getLogger("com.sun.xml.ws").setLevel(java.util.logging.Level.WARNING);
    }
}
