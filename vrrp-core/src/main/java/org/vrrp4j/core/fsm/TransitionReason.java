package org.vrrp4j.core.fsm;

/** Why a state change happened; reported with {@link Action.StateChanged}. */
public enum TransitionReason {
    /** Start of a router that owns its addresses (priority 255): master at once (RFC 9568 §6.4.1). */
    STARTUP_OWNER,
    /** Start of a non-owner: backup (RFC 9568 §6.4.1). */
    STARTUP,
    /** Master_Down_Timer expired: no master heard (or a priority-0 advert shortened it). */
    MASTER_DOWN_TIMER,
    /** A master heard a higher-priority advert (or equal priority from a higher address). */
    HIGHER_PRIORITY_ADVERT,
    /** Shutdown requested. */
    SHUTDOWN,
    /** The interface went down. */
    LINK_DOWN,
    /** A weight-0 tracker failed. */
    TRACKER_FAULT,
    /** Every fault condition cleared. */
    FAULT_CLEARED,
    /** Another member of the router's sync group changed state. */
    SYNC_GROUP
}
