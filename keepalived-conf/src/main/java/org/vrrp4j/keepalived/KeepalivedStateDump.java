package org.vrrp4j.keepalived;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The VRRP states in keepalived 2.2.7's data dump: the file its VRRP process writes on SIGUSR1
 * ({@code keepalived --signum=DATA}), {@code $TMPDIR/keepalived.data} ({@code /tmp} by default;
 * {@code keepalived.<ns>_<instance>.data} with {@code data_use_instance}). Only the states are read:
 * {@code " VRRP Instance = NAME"} followed by {@code "   State = MASTER"} in the {@code VRRP Topology}
 * section, and {@code " VRRP Sync Group = NAME, MASTER"} in the {@code VRRP Sync groups} section. The dump
 * also holds secrets (authentication passwords): nothing else is kept, and nothing of it is printed.
 *
 * @param instances  every instance's state ({@code INIT}, {@code BACKUP}, {@code MASTER}, {@code FAULT})
 * @param priorities every instance's effective priority ({@code "   Effective priority = 150"})
 * @param groups     every sync group's state
 * @param complete  whether the dump reached its last section ({@code Interfaces}): keepalived renames the
 *                  file into place before writing it, so a reader can see it half written
 */
public record KeepalivedStateDump(Map<String, String> instances, Map<String, Integer> priorities,
        Map<String, String> groups, boolean complete) {
    private static final String HEADER = "------<";
    private static final String INSTANCE = " VRRP Instance = ";
    private static final String GROUP = " VRRP Sync Group = ";
    private static final String STATE = "   State = ";
    private static final String PRIORITY = "   Effective priority = ";

    public KeepalivedStateDump {
        instances = Collections.unmodifiableMap(new LinkedHashMap<>(instances));
        priorities = Collections.unmodifiableMap(new LinkedHashMap<>(priorities));
        groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    }

    /** Reads the states out of a dump's text; never fails (what it cannot read is absent). */
    public static KeepalivedStateDump parse(String text) {
        Map<String, String> instances = new LinkedHashMap<>();
        Map<String, String> groups = new LinkedHashMap<>();
        Map<String, Integer> priorities = new LinkedHashMap<>();
        String section = "";
        String instance = null;
        String current = null; // the instance whose lines these are
        boolean complete = false;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith(HEADER)) {
                section = line;
                instance = null;
                current = null;
                complete |= line.contains("< Interfaces >");
            } else if (section.contains("< VRRP Topology >")) {
                if (line.startsWith(INSTANCE)) {
                    instance = line.substring(INSTANCE.length()).strip();
                    current = instance;
                } else if (current != null && line.startsWith(PRIORITY)) {
                    try {
                        priorities.putIfAbsent(current, Integer.parseInt(line.substring(PRIORITY.length()).strip()));
                    } catch (NumberFormatException e) {
                        // not keepalived 2.2.7's form: no priority then
                    }
                } else if (instance != null && line.startsWith(STATE)) {
                    instances.putIfAbsent(instance, line.substring(STATE.length()).strip());
                    instance = null; // the instance's first State line is its VRRP state
                }
            } else if (section.contains("< VRRP Sync groups >") && line.startsWith(GROUP)) {
                String rest = line.substring(GROUP.length());
                int comma = rest.lastIndexOf(", ");
                if (comma > 0) {
                    groups.put(rest.substring(0, comma).strip(), rest.substring(comma + 2).strip());
                }
            }
        }
        return new KeepalivedStateDump(instances, priorities, groups, complete);
    }

    /** Names and states only (a dump's other contents are never kept). */
    @Override
    public String toString() {
        return "KeepalivedStateDump[instances=" + instances + ", priorities=" + priorities + ", groups=" + groups + ", complete=" + complete + "]";
    }
}
