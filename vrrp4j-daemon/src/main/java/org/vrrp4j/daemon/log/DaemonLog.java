package org.vrrp4j.daemon.log;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Where and how the daemon's log lines go: standard output, one line per event.
 *
 * <p>On a terminal or in a file: {@code 2026-12-01T21:43:55.123Z WARN Daemon - message}. When standard
 * output is systemd-journald's stream (systemd sets {@code JOURNAL_STREAM=DEV:INODE} and it matches
 * standard output's device and inode, as systemd.exec(5) says to check), every line starts with the
 * sd-daemon(3) priority prefix instead of the time: {@code <3>} error, {@code <4>} warn, {@code <6>}
 * info, {@code <7>} debug and trace. journald reads the prefix ({@code SyslogLevelPrefix=yes}, the
 * default) as the entry's priority and adds its own timestamp, so {@code journalctl -p warning} and
 * log alerts on priority work as they did with keepalived's syslog lines.
 */
public final class DaemonLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final Map<String, Logger> LOGGERS = new ConcurrentHashMap<>();
    private static volatile Level threshold = Level.INFO;
    private static final boolean JOURNAL = journalStream(System.getenv("JOURNAL_STREAM"), Path.of("/proc/self/fd/1"));

    private DaemonLog() {
    }

    /** Events below {@code level} are not written. */
    public static void threshold(Level level) {
        threshold = level;
    }

    /** Whether lines carry the journald priority prefix (standard output is the journal's stream). */
    public static boolean journal() {
        return JOURNAL;
    }

    /**
     * Whether {@code journalStream} (the {@code JOURNAL_STREAM} value, {@code DEV:INODE}) names the file
     * {@code fd} is open on. A value that cannot be checked (no {@code /proc}) is trusted.
     */
    static boolean journalStream(String journalStream, Path fd) {
        if (journalStream == null || journalStream.isBlank()) {
            return false;
        }
        String[] parts = journalStream.strip().split(":");
        if (parts.length != 2) {
            return false;
        }
        try {
            long dev = Long.parseLong(parts[0]);
            long ino = Long.parseLong(parts[1]);
            if (!Files.exists(fd)) {
                return true;
            }
            return ((Number) Files.getAttribute(fd, "unix:dev")).longValue() == dev
                    && ((Number) Files.getAttribute(fd, "unix:ino")).longValue() == ino;
        } catch (NumberFormatException e) {
            return false;
        } catch (Exception e) {
            return true; // cannot look: systemd said so
        }
    }

    /** The sd-daemon(3) prefix of a level: SD_ERR, SD_WARNING, SD_INFO, SD_DEBUG. */
    static String prefix(Level level) {
        return switch (level) {
            case ERROR -> "<3>";
            case WARN -> "<4>";
            case INFO -> "<6>";
            case DEBUG, TRACE -> "<7>";
        };
    }

    static Logger logger(String name) {
        return LOGGERS.computeIfAbsent(name, Line::new);
    }

    /**
     * One event as written: its first line, then the message's further lines and a stack trace, each
     * line prefixed in journal mode so every journal entry the event makes keeps its priority. {@code now} is
     * the time written; unused, and may be null, in journal mode (journald stamps entries itself).
     */
    static String format(Level level, String logger, String message, Throwable t, boolean journal, OffsetDateTime now) {
        StringBuilder text = new StringBuilder(message);
        if (t != null) {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            text.append('\n').append(w);
        }
        String continued = journal ? prefix(level) : "";
        StringBuilder b = new StringBuilder(journal ? prefix(level) : TIME.format(now) + " ")
                .append(level.name()).append(' ').append(logger).append(" - ");
        boolean first = true;
        for (String line : text.toString().lines().toList()) {
            b.append(first ? "" : continued).append(line).append('\n');
            first = false;
        }
        if (first) {
            b.append('\n');
        }
        return b.toString();
    }

    /** One named logger. */
    private static final class Line extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final String shortName;

        Line(String name) {
            this.name = name;
            this.shortName = name.substring(name.lastIndexOf('.') + 1);
        }

        private static boolean on(Level level) {
            return level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return on(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return on(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return on(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return on(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                Throwable t) {
            String message = MessageFormatter.basicArrayFormat(pattern, args);
            PrintStream out = System.out; // looked up per line, as slf4j-simple does: a redirection is followed
            // journald stamps the time itself; not reading the clock's zone also spares the first line the
            // time zone database (~10 ms, on the way to BACKUP)
            out.print(format(level, shortName, message, t, JOURNAL, JOURNAL ? null : OffsetDateTime.now()));
            out.flush();
        }
    }
}
