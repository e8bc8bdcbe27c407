package org.vrrp4j.core.fsm;

/** The router's timers; at most one of each is armed at a time. */
public enum TimerKind {
    /** Adver_Timer: the master's next advertisement. */
    ADVERT,
    /** Master_Down_Timer: a backup's take-over deadline. */
    MASTER_DOWN
}
