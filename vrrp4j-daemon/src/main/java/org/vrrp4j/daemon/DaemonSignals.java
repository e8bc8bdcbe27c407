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
            sun.misc.SignalHandler hup = sig -> s.reload();
            if (Signal.handle(new Signal("HUP"), hup) == sun.misc.SignalHandler.SIG_IGN) {
                // bin/vrrp4j starts the JVM with SIGHUP ignored, so a reload asked for while the JVM boots
                // does not end it (the JVM's own handler would exit 129); the JVM then keeps it ignored and
                // installs no handler of ours. Back to the default, then ours: a moment's window, not seconds.
                restoreDefault(SIGHUP);
                Signal.handle(new Signal("HUP"), hup);
            }
            installed = s;
        }
        return installed;
    }

    private static final int SIGHUP = 1;

    /** Back to SIG_DFL (rt_sigaction(2), through vrrp-netty's one FFM downcall stub). */
    private static void restoreDefault(int sig) {
        try {
            org.vrrp4j.netty.linux.Libc.defaultSignalAction(sig);
        } catch (org.vrrp4j.netty.linux.Libc.NativeException e) {
            throw new IllegalStateException("cannot reset signal " + sig + " to its default: " + e.getMessage(), e);
        }
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
