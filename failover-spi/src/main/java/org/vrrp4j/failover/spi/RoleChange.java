package org.vrrp4j.failover.spi;

import java.util.Objects;

/**
 * What changed, as a provider sees it: keepalived's notify arguments.
 *
 * @param router   the VRRP instance (or sync group) name
 * @param group    true for a sync group (keepalived's {@code GROUP}), false for an instance
 * @param state    the new state
 * @param priority the router's effective priority
 */
public record RoleChange(String router, boolean group, RouterState state, int priority) {
    public RoleChange {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(state, "state");
    }

    /**
     * The VRRP state the coordinator is told about, with keepalived's notify names. Only MASTER wants
     * the resource; the others say why not (they pick the exec provider's script).
     */
    public enum RouterState {
        MASTER,
        BACKUP,
        FAULT,
        /** The router stopped (shutdown). */
        STOP;

        /** Whether this state wants the resource routed here. */
        public boolean wantsResource() {
            return this == MASTER;
        }
    }
}
