package org.vrrp4j.keepalived;

/**
 * keepalived's {@code state} keyword: the state an instance asks to start in. keepalived (and
 * vrrp4j) still start a {@code MASTER} instance whose priority is below 255 as BACKUP and let the
 * protocol decide; only the address owner (priority 255) starts as master.
 */
public enum InitialState {
    MASTER,
    BACKUP
}
