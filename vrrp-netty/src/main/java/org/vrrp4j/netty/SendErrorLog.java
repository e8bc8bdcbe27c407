package org.vrrp4j.netty;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adverts the kernel refused to send (sendmsg failed: ENETUNREACH without a route, EPERM from a firewall
 * dropping output, ENOBUFS, ENODEV for a deleted interface), at WARN: the first at once, then at most
 * one line per {@code period} per router saying how many failed meanwhile, and one line when adverts
 * leave again. A router whose adverts do not leave looks like a dead master to its peers: the operator
 * must hear of it, but a master failing every second must not fill the log. Every failure is counted
 * ({@link RouterStatus#sendErrors()}) regardless. Loop only.
 */
final class SendErrorLog {
    private static final Logger LOG = LoggerFactory.getLogger(SendErrorLog.class);

    private final long periodNanos;
    private boolean failing;
    private long lastReport;
    private long held;

    SendErrorLog(long periodNanos) {
        this.periodNanos = periodNanos;
    }

    /**
     * One advert's outcome for {@code router}.
     *
     * @param errors how many of its sends failed (0: all left)
     * @param errno  the last failure's errno
     * @return whether a line was logged
     */
    boolean sent(String router, String ifname, int errors, int errno, long nowNanos) {
        if (errors == 0) {
            if (!failing) {
                return false;
            }
            failing = false;
            LOG.info("{}: adverts leave {} again{}", router, ifname,
                    held > 0 ? " (" + held + " more failed since the last report)" : "");
            held = 0;
            return true;
        }
        if (failing && nowNanos - lastReport < periodNanos) {
            held += errors;
            return false;
        }
        LOG.warn("{}: advert not sent on {}: {}{}", router, ifname, describe(errno),
                held > 0 ? " (" + held + " more failed since the last report)" : "");
        failing = true;
        lastReport = nowNanos;
        held = 0;
        return true;
    }

    /** errno with its name and what usually causes it. */
    static String describe(int errno) {
        String what = switch (errno) {
            case 1 -> "EPERM, operation not permitted: a firewall rule dropping output?";
            case 13 -> "EACCES, permission denied";
            case 19 -> "ENODEV, no such device: the interface is gone";
            case 100 -> "ENETDOWN, the network is down";
            case 101 -> "ENETUNREACH, the network is unreachable: no route?";
            case 105 -> "ENOBUFS, no buffer space: the interface's queue is full";
            case 113 -> "EHOSTUNREACH, no route to the host";
            case 90 -> "EMSGSIZE, the advert is larger than the MTU";
            default -> "errno " + errno;
        };
        return what.startsWith("errno") ? what : what + " (errno " + errno + ")";
    }
}
