package org.vrrp4j.core.fsm;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.VrrpPacket;

/** What a virtual router asks its shell to do; executed in list order. */
public sealed interface Action {

    /**
     * Send an advertisement from {@code source} to the multicast group, or to each unicast peer when
     * the router has peers. The shell computes the checksum for each destination.
     */
    record SendAdvert(VrrpPacket packet, InetAddress source) implements Action {
        public SendAdvert {
            Objects.requireNonNull(packet, "packet");
            Objects.requireNonNull(source, "source");
        }
    }

    /** Arm (or re-arm, replacing) a timer at an absolute time on the caller's clock. */
    record ArmTimer(TimerKind kind, long deadlineNanos) implements Action {
        public ArmTimer {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** Cancel a timer if armed. */
    record CancelTimer(TimerKind kind) implements Action {
        public CancelTimer {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** Add the virtual addresses to the host (becoming master). */
    record AddAddresses(List<VirtualAddress> addresses) implements Action {
        public AddAddresses {
            addresses = List.copyOf(addresses);
        }
    }

    /** Remove the virtual addresses this router added (leaving master). */
    record RemoveAddresses(List<VirtualAddress> addresses) implements Action {
        public RemoveAddresses {
            addresses = List.copyOf(addresses);
        }
    }

    /** Announce the addresses: gratuitous ARP per IPv4 address, unsolicited NA per IPv6 address. */
    record Announce(List<VirtualAddress> addresses) implements Action {
        public Announce {
            addresses = List.copyOf(addresses);
        }
    }

    /** The router changed state. Exactly one per transition, after the transition's other actions. */
    record StateChanged(State from, State to, TransitionReason reason) implements Action {
        public StateChanged {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A received packet was discarded (already counted); for rate-limited logging. */
    record PacketDiscarded(DropReason reason, InetAddress source) implements Action {
        public PacketDiscarded {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A received advert disagreed with our configuration in a way the RFC says to log, not drop
     * (VRRPv3 interval mismatch, address list mismatch, another owner).
     */
    record ConfigMismatch(String what, InetAddress source) implements Action {
        public ConfigMismatch {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * As master we heard a lower-priority master: a split brain healing. We re-advertised at once
     * (RFC 9568); the failover layer uses this to re-assert the failover IP (keepalived
     * {@code MASTER_RX_LOWER_PRI}).
     */
    record LowerPriorityMasterHeard(InetAddress source, int priority) implements Action {
        public LowerPriorityMasterHeard {
            Objects.requireNonNull(source, "source");
        }
    }
}
