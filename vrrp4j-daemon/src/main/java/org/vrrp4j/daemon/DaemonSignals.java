package org.vrrp4j.daemon;

import sun.misc.Signal;

/**
 * SIGTERM, SIGINT and SIGHUP for {@code vrrp4j run}, caught from the first instant of {@code main}:
 * the JVM's own handlers would end the process (a SIGHUP with status 129), and a {@code systemctl
 * reload} or a configuration-management run can come at any moment, also while the daemon starts.
 * Handlers only record the request; the main thread acts on it once start-up is done: a stop stops
 * cleanly, reloads that piled up are applied once.
 */
final class DaemonSignals {
    /** What the main thread is asked to do next. */
    enum Request {
        STOP,
        RELOAD
    }

    private static DaemonSignals installed;

    private String stopReason;
    private boolean reloadPending;

    private DaemonSignals() {
    }

    /** Installs the handlers once per process; later calls return the same instance. */
    static synchronized DaemonSignals install() {
        if (installed == null) {
            DaemonSignals s = new DaemonSignals();
            Signal.handle(new Signal("TERM"), sig -> s.stop("SIGTERM"));
            Signal.handle(new Signal("INT"), sig -> s.stop("SIGINT"));
            Signal.handle(new Signal("HUP"), sig -> s.reload());
            installed = s;
        }
        return installed;
    }

    synchronized void stop(String why) {
        if (stopReason == null) {
            stopReason = why;
        }
        notifyAll();
    }

    synchronized void reload() {
        reloadPending = true;
        notifyAll();
    }

    /** Why a stop was requested, or null. */
    synchronized String stopReason() {
        return stopReason;
    }

    /** Waits for the next request; a stop wins over a pending reload, reloads that piled up count once. */
    synchronized Request next() throws InterruptedException {
        while (stopReason == null && !reloadPending) {
            wait();
        }
        if (stopReason != null) {
            return Request.STOP;
        }
        reloadPending = false;
        return Request.RELOAD;
    }
}
