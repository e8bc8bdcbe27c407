package org.vrrp4j.netty;

import java.net.InetAddress;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;

/** Hears what a {@link VrrpNode}'s routers do; called on the node's loop or on the executor given. */
public interface NodeListener {

    /** A router changed state. */
    default void stateChanged(String router, State from, State to, TransitionReason reason) {
    }

    /** As master, a router heard a lower-priority master (re-assert the failover IP). */
    default void lowerPriorityMasterHeard(String router, InetAddress source, int priority) {
    }
}
