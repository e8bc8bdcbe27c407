package org.vrrp4j.core.fsm;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.VrrpPacket;

/** Everything that can happen to a virtual router. Feed them to {@link VirtualRouter#step}. */
public sealed interface Input {

    /**
     * Start the router (RFC 9568 §6.4.1 Startup event).
     *
     * @param primaryAddress the interface's primary address of the router's family (IPv6: its
     *                       link-local); used as advert source when no unicast source is configured,
     *                       for the equal-priority tie-break and to recognise our own adverts
     * @param startupDelay   keepalived's {@code vrrp_startup_delay}: for this long after the start no router
     *                       becomes master, the owner included. The router starts as a backup (it follows a
     *                       master it hears), and its Master_Down_Timer counts from the end of the delay
     *                       ({@code vrrp_init_instance_sands}); zero (the default) for no delay
     */
    record Start(InetAddress primaryAddress, Duration startupDelay) implements Input {
        public Start {
            Objects.requireNonNull(primaryAddress, "primaryAddress");
            Objects.requireNonNull(startupDelay, "startupDelay");
            if (startupDelay.isNegative()) {
                throw new IllegalArgumentException("startupDelay must not be negative: " + startupDelay);
            }
        }

        /** A start without delay. */
        public Start(InetAddress primaryAddress) {
            this(primaryAddress, Duration.ZERO);
        }
    }

    /** Stop the router (Shutdown event): a master sends priority 0 and gives up its addresses. */
    record Shutdown() implements Input {
    }

    /**
     * An advertisement that passed the codec's packet-only validation.
     *
     * @param packet       the decoded packet
     * @param source       IP source address
     * @param destination  IP destination address (multicast group or our unicast address)
     * @param checksumForm the checksum form that verified (counted per form)
     */
    record AdvertReceived(VrrpPacket packet, InetAddress source, InetAddress destination, ChecksumForm checksumForm)
            implements Input {
        public AdvertReceived {
            Objects.requireNonNull(packet, "packet");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(checksumForm, "checksumForm");
        }
    }

    /** A packet for this router that the codec rejected: changes nothing but a counter. */
    record PacketRejected(DropReason reason, InetAddress source) implements Input {
        public PacketRejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A timer armed with {@link Action.ArmTimer} is due. Stale or early firings are ignored. */
    record TimerFired(TimerKind kind) implements Input {
        public TimerFired {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** The interface's carrier changed: down puts the router in FAULT. */
    record LinkChanged(boolean up) implements Input {
    }

    /** A configured tracker changed its health. Unknown tracker names are ignored. */
    record TrackerChanged(String tracker, boolean up) implements Input {
        public TrackerChanged {
            Objects.requireNonNull(tracker, "tracker");
        }
    }

    /** The base priority changed at run time (1..255); trackers still apply on top. */
    record PriorityChanged(int basePriority) implements Input {
        public PriorityChanged {
            if (basePriority < 1 || basePriority > 255) {
                throw new IllegalArgumentException("basePriority must be 1..255, got " + basePriority);
            }
        }
    }

    /**
     * The router's configuration changed where a running router can take it in place (a reload that adds or
     * removes virtual addresses, or changes a non-owner's priority): the state, the timers and the master
     * stay. A master adds and announces the new addresses and removes the dropped ones; the next advert
     * carries the new list. A configuration that differs in anything else ({@link
     * VirtualRouter#takesInPlace}) is ignored: restart the router instead.
     */
    record Reconfigured(org.vrrp4j.core.config.VirtualRouterConfig config) implements Input {
        public Reconfigured {
            Objects.requireNonNull(config, "config");
        }
    }

    /** The interface's primary address changed (rtnetlink address notification). */
    record PrimaryAddressChanged(InetAddress primaryAddress) implements Input {
        public PrimaryAddressChanged {
            Objects.requireNonNull(primaryAddress, "primaryAddress");
        }
    }

    /**
     * Another member of the router's sync group moved to {@code target}; this router follows
     * (keepalived {@code vrrp_sync_group}). Sent by {@link SyncGroup}.
     */
    record SyncGroupTransition(State target) implements Input {
        public SyncGroupTransition {
            Objects.requireNonNull(target, "target");
            if (target == State.INITIALIZE) {
                throw new IllegalArgumentException("a sync group never moves members to INITIALIZE");
            }
        }
    }
}
