package org.vrrp4j.netty;

import java.net.InetAddress;
import java.util.Optional;
import org.vrrp4j.core.fsm.RouterCounters;
import org.vrrp4j.core.fsm.State;

/**
 * A snapshot of one router of a node.
 *
 * @param name              the router's name
 * @param vrid              its VRID
 * @param interfaceName     its interface
 * @param state             its state
 * @param effectivePriority its priority after trackers
 * @param master            the current master's address as last heard
 * @param counters          RFC 6527 counters, drops by reason
 * @param sendErrors        adverts the kernel refused to send
 */
public record RouterStatus(String name, int vrid, String interfaceName, State state, int effectivePriority,
        Optional<InetAddress> master, RouterCounters counters, long sendErrors) {
}
