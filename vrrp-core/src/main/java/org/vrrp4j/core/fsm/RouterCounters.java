package org.vrrp4j.core.fsm;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.vrrp4j.core.packet.DropReason;

/**
 * An immutable snapshot of a router's statistics, with RFC 6527 (VRRPv3 MIB) meanings.
 *
 * @param advertisementsReceived adverts accepted for processing (RcvdAdvertisements)
 * @param advertisementsSent     adverts sent, priority 0 included
 * @param priorityZeroReceived   priority-0 adverts accepted (RcvdPriZeroPackets)
 * @param priorityZeroSent       priority-0 adverts sent (SentPriZeroPackets)
 * @param masterTransitions      times this router became master (MasterTransitions)
 * @param intervalMismatches     v3 adverts whose interval differs from ours (logged, not dropped)
 * @param addressListMismatches  adverts whose address list differs from ours (AddressListErrors)
 * @param lowerPriorityMasters   lower-priority masters heard while master (split brain healed)
 * @param pseudoHeaderChecksums  v3/IPv4 adverts whose checksum included the IPv4 pseudo-header
 * @param messageOnlyChecksums   v3/IPv4 adverts whose checksum covered the message only (RFC 9568)
 * @param ipv6GlobalFirstLists   IPv6 adverts whose address list does not start with a link-local address
 *                               (keepalived sends them for global-only files; counted and processed,
 *                               erratum 8300, unless the router is strict)
 * @param drops                  discarded packets by reason; every reason present, zero or more
 */
public record RouterCounters(
        long advertisementsReceived,
        long advertisementsSent,
        long priorityZeroReceived,
        long priorityZeroSent,
        long masterTransitions,
        long intervalMismatches,
        long addressListMismatches,
        long lowerPriorityMasters,
        long pseudoHeaderChecksums,
        long messageOnlyChecksums,
        long ipv6GlobalFirstLists,
        Map<DropReason, Long> drops) {

    public RouterCounters {
        EnumMap<DropReason, Long> all = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            all.put(r, drops.getOrDefault(r, 0L));
        }
        drops = Collections.unmodifiableMap(all);
    }

    /** The counters without {@code ipv6GlobalFirstLists} (zero), as before that counter existed. */
    public RouterCounters(long advertisementsReceived, long advertisementsSent, long priorityZeroReceived,
            long priorityZeroSent, long masterTransitions, long intervalMismatches, long addressListMismatches,
            long lowerPriorityMasters, long pseudoHeaderChecksums, long messageOnlyChecksums,
            Map<DropReason, Long> drops) {
        this(advertisementsReceived, advertisementsSent, priorityZeroReceived, priorityZeroSent, masterTransitions,
                intervalMismatches, addressListMismatches, lowerPriorityMasters, pseudoHeaderChecksums,
                messageOnlyChecksums, 0, drops);
    }

    /** Discards for one reason. */
    public long dropped(DropReason reason) {
        return drops.get(reason);
    }

    /** Discards for all reasons. */
    public long droppedTotal() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
