package org.vrrp4j.core.fsm;

/** Virtual router states: RFC 9568 §6.4 plus keepalived's FAULT. */
public enum State {
    /** Not running: before {@link Input.Start} and after {@link Input.Shutdown}. */
    INITIALIZE,
    /** Monitoring the master; Master_Down_Timer armed. */
    BACKUP,
    /** Active router: forwards, holds the virtual addresses, advertises. */
    MASTER,
    /** keepalived's FAULT: link down or a weight-0 tracker failed; no adverts, no addresses. */
    FAULT
}
