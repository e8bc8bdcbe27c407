package org.vrrp4j.netty;

import java.net.InetAddress;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;

/**
 * Hears what a {@link VrrpNode}'s routers do. Called off the node's loop, in the order things happened: on
 * the node's dispatcher thread, or on the executor given to {@link VrrpNode.Builder#listenerExecutor}.
 */
public interface NodeListener {

    /** A router changed state. */
    default void stateChanged(String router, State from, State to, TransitionReason reason) {
    }

    /**
     * A sync group's members all moved to {@code to} (MASTER, BACKUP or FAULT), following {@code member}, the
     * router whose own change moved the group.
     */
    default void syncGroupChanged(String group, State to, String member) {
    }

    /** As master, a router heard a lower-priority master (re-assert the failover IP). */
    default void lowerPriorityMasterHeard(String router, InetAddress source, int priority) {
    }
}
