package org.vrrp4j.daemon.log;

import java.time.OffsetDateTime;
import org.slf4j.event.Level;

/** Test access to {@link DaemonLog}'s formatting. */
public final class DaemonLogTestAccess {
    private DaemonLogTestAccess() {
    }

    public static String format(Level level, String logger, String message, Throwable t, boolean journal) {
        return DaemonLog.format(level, logger, message, t, journal, journal ? null : OffsetDateTime.now()); // as the daemon calls it
    }
}
