package org.vrrp4j.daemon;

import java.util.Optional;
import org.vrrp4j.core.fsm.State;

/**
 * keepalived 2.2.7's own log lines for state changes, word for word, logged beside vrrp4j's
 * {@code VI_1: BACKUP -> MASTER} so log alerts written for keepalived keep matching. The wording is
 * keepalived's: {@code keepalived/vrrp/vrrp.c} ({@code "(%s) Entering MASTER STATE"},
 * {@code "(%s) Entering BACKUP STATE"}, {@code "(%s) Entering FAULT STATE"}),
 * {@code vrrp_scheduler.c} (the first state after start: {@code "(%s) Entering BACKUP STATE (init)"},
 * {@code "(%s) Entering FAULT STATE (init)"}) and {@code vrrp_sync.c}
 * ({@code "VRRP_Group(%s) Syncing instances to MASTER state"}, BACKUP, FAULT).
 */
final class KeepalivedLines {
    private KeepalivedLines() {
    }

    /** keepalived's line for an instance's change, if keepalived logs one (it logs none for a stop). */
    static Optional<String> instance(String name, State from, State to) {
        String init = from == State.INITIALIZE ? " (init)" : "";
        return switch (to) {
            case MASTER -> Optional.of("(" + name + ") Entering MASTER STATE");
            case BACKUP -> Optional.of("(" + name + ") Entering BACKUP STATE" + init);
            case FAULT -> Optional.of("(" + name + ") Entering FAULT STATE" + init);
            case INITIALIZE -> Optional.empty();
        };
    }

    /** keepalived's line when a sync group moves. */
    static Optional<String> syncGroup(String group, State to) {
        return switch (to) {
            case MASTER, BACKUP, FAULT -> Optional.of("VRRP_Group(" + group + ") Syncing instances to " + to.name() + " state");
            case INITIALIZE -> Optional.empty();
        };
    }
}
