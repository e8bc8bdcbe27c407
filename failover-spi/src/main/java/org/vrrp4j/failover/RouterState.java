package org.vrrp4j.failover;

/**
 * The VRRP state the coordinator is told about, with keepalived's notify names. Only MASTER wants the
 * resource; the others say why not (they pick the exec provider's script).
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
