package org.vrrp4j.keepalived;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One VRRP line of keepalived 2.2.7's {@code notify_fifo} / {@code vrrp_notify_fifo}, as its
 * {@code vrrp_notify.c} writes it: {@code INSTANCE "VI_1" MASTER 150} or {@code GROUP "G1" BACKUP 0} (a
 * sync group's priority is always 0), terminated by a newline. On a graceful stop keepalived writes
 * {@code STOP} for every instance and group; an instance removed by a reload gets {@code DELETED} (or
 * {@code FAULT} without {@code notify_deleted}). {@code MASTER_RX_LOWER_PRI} says a master heard a
 * lower-priority master; {@code MASTER_PRIORITY} and {@code BACKUP_PRIORITY} report a priority change
 * ({@code notify_priority_changes}). The same FIFO ({@code notify_fifo}) also carries the checker's
 * {@code VS ...} and {@code RS ...} lines, which {@link #parse} recognises and skips.
 *
 * @param group    true for {@code GROUP} (a {@code vrrp_sync_group}), false for {@code INSTANCE}
 * @param name     the instance's or sync group's name, without the quotes
 * @param event    the new state, or the event
 * @param priority the instance's effective priority (0 for groups)
 */
public record NotifyFifoLine(boolean group, String name, Event event, int priority) {
    /** {@code TYPE "NAME" EVENT PRIORITY}; the name is greedy, so a name with a quote in it still parses. */
    private static final Pattern VRRP = Pattern.compile("(INSTANCE|GROUP) \"(.+)\" ([A-Z_{}]+) (\\d{1,3})");

    public NotifyFifoLine {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(event, "event");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty name");
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority " + priority + " out of 0..255");
        }
    }

    /** What a line reports. */
    public enum Event {
        MASTER,
        BACKUP,
        FAULT,
        /** keepalived stopped (gracefully). */
        STOP,
        /** The instance was removed by a keepalived reload (with {@code notify_deleted}). */
        DELETED,
        /** A master heard a lower-priority master's advert (a split brain healing). */
        MASTER_RX_LOWER_PRI,
        /** The priority of a master changed ({@code notify_priority_changes}); not a role change. */
        MASTER_PRIORITY,
        /** The priority of a backup changed ({@code notify_priority_changes}); not a role change. */
        BACKUP_PRIORITY;

        /** Whether this is a role (a transition or a stop) rather than an event within a role. */
        public boolean isRole() {
            return switch (this) {
                case MASTER, BACKUP, FAULT, STOP, DELETED -> true;
                case MASTER_RX_LOWER_PRI, MASTER_PRIORITY, BACKUP_PRIORITY -> false;
            };
        }
    }

    /** A line that is neither a VRRP line of keepalived 2.2.7 nor a checker line. */
    public static final class MalformedLineException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedLineException(String message) {
            super(message);
        }
    }

    /**
     * Parses one line (without its newline; a trailing {@code \r} or blanks are tolerated).
     *
     * @return the VRRP line, or empty for what keepalived writes to the same FIFO that is not about VRRP
     *         roles: the checker's {@code VS} / {@code RS} lines and blank lines
     * @throws MalformedLineException naming what is wrong; the message quotes at most 80 characters of it
     */
    public static Optional<NotifyFifoLine> parse(String line) throws MalformedLineException {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("VS ") || l.startsWith("RS ")) {
            return Optional.empty();
        }
        Matcher m = VRRP.matcher(l);
        if (!m.matches()) {
            throw new MalformedLineException("not INSTANCE|GROUP \"NAME\" STATE PRIORITY: " + excerpt(l));
        }
        Event event;
        try {
            event = Event.valueOf(m.group(3));
        } catch (IllegalArgumentException e) {
            throw new MalformedLineException("unknown state '" + m.group(3) + "': " + excerpt(l));
        }
        int priority = Integer.parseInt(m.group(4));
        if (priority > 255) {
            throw new MalformedLineException("priority " + priority + " out of 0..255: " + excerpt(l));
        }
        return Optional.of(new NotifyFifoLine(m.group(1).equals("GROUP"), m.group(2), event, priority));
    }

    private static String excerpt(String l) {
        String printable = l.replaceAll("[^\\x20-\\x7e]", "?");
        return "'" + (printable.length() > 80 ? printable.substring(0, 80) + "..." : printable) + "'";
    }

    /** The line as keepalived writes it (without the newline). */
    @Override
    public String toString() {
        return (group ? "GROUP" : "INSTANCE") + " \"" + name + "\" " + event + " " + priority;
    }
}
