package org.vrrp4j.netty;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration mismatches heard on the wire (the core's ConfigMismatch: advert interval, address list,
 * another owner) at WARN, as RFC 9568 asks to log them, but at most once per {@code period} per (router,
 * source): a misconfigured peer advertising ten times a second must not fill the log. The next line says
 * how many were held back. Loop only.
 */
final class MismatchLog {
    private static final Logger LOG = LoggerFactory.getLogger(MismatchLog.class);

    private record Key(String router, InetAddress source) {
    }

    private static final class Seen {
        long last;
        long suppressed;
    }

    private final long periodNanos;
    private final Map<Key, Seen> seen = new HashMap<>();

    MismatchLog(long periodNanos) {
        this.periodNanos = periodNanos;
    }

    /** @return whether it was logged (false: held back within the period) */
    boolean report(String router, String what, InetAddress source, long nowNanos) {
        Seen s = seen.get(new Key(router, source));
        if (s != null && nowNanos - s.last < periodNanos) {
            s.suppressed++;
            return false;
        }
        if (s == null) {
            s = new Seen();
            seen.put(new Key(router, source), s);
        }
        if (s.suppressed > 0) {
            LOG.warn("{}: {} from {} (and {} more like it since the last report)", router, what,
                    source.getHostAddress(), s.suppressed);
        } else {
            LOG.warn("{}: {} from {}", router, what, source.getHostAddress());
        }
        s.last = nowNanos;
        s.suppressed = 0;
        return true;
    }

    /** Forgets a removed router's sources. */
    void forget(String router) {
        seen.keySet().removeIf(k -> k.router().equals(router));
    }
}
