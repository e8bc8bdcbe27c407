package org.vrrp4j.netty;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.netty.linux.AddressAnnouncer;

/**
 * When one router's addresses are announced (gratuitous ARP for IPv4, unsolicited NA for IPv6), with
 * keepalived's cadence: a burst of {@code repeat} per address at once, another burst after {@code delay}
 * while still master (garp_master_repeat / garp_master_delay), and, while master, {@code refreshRepeat}
 * more every {@code refreshInterval} (garp_master_refresh). A master that hears a lower-priority master
 * (split brain healing) announces again: {@code lowerPriorityRepeat} per address at once and as many after
 * {@code lowerPriorityDelay} while still master (keepalived's garp_lower_prio_repeat / _delay), so neighbours
 * and switches that followed the other master come back at once. Loop only.
 */
final class AnnouncementSchedule {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementSchedule.class);

    /**
     * The cadence of a node's announcements.
     *
     * @param repeat          announcements per address per burst
     * @param delay           the second burst's delay; zero: none
     * @param refreshInterval the refresh period while master; zero: none
     * @param refreshRepeat   announcements per address per refresh
     * @param lowerPriorityRepeat announcements per address per burst after a lower-priority master was heard;
     *                        zero: none
     * @param lowerPriorityDelay  the delay of that second burst; zero: none
     */
    record Cadence(int repeat, Duration delay, Duration refreshInterval, int refreshRepeat, int lowerPriorityRepeat,
            Duration lowerPriorityDelay) {

        /** keepalived's defaults for the lower-priority bursts: those of a new master. */
        Cadence(int repeat, Duration delay, Duration refreshInterval, int refreshRepeat) {
            this(repeat, delay, refreshInterval, refreshRepeat, repeat, delay);
        }
    }

    private final String router;
    private final Cadence cadence;
    private final EventLoopPort loop;
    private final AddressAnnouncer announcer;
    private final IpFamily family;
    private final BooleanSupplier master;
    private EventLoopPort.Cancellable secondBurst;
    private EventLoopPort.Cancellable refresh;
    private EventLoopPort.Cancellable lowerPriorityBurst;

    /** @param master whether the router is still master (a later burst or refresh is skipped otherwise) */
    AnnouncementSchedule(String router, Cadence cadence, EventLoopPort loop, AddressAnnouncer announcer,
            IpFamily family, BooleanSupplier master) {
        this.router = router;
        this.cadence = cadence;
        this.loop = loop;
        this.announcer = announcer;
        this.family = family;
        this.master = master;
    }

    /** The core's Announce: the first burst now; the second and the refreshes scheduled. */
    void announce(List<VirtualAddress> addresses) {
        stop();
        burst(addresses, cadence.repeat());
        if (!cadence.delay().isZero()) {
            // a class, not a lambda: a lambda is linked the first time it runs, a backup's first take-over (issue 12)
            secondBurst = loop.schedule(new Runnable() {
                @Override
                public void run() {
                    secondBurst = null;
                    if (master.getAsBoolean()) {
                        burst(addresses, cadence.repeat());
                    }
                }
            }, cadence.delay().toNanos());
        }
        if (!cadence.refreshInterval().isZero()) {
            scheduleRefresh(addresses);
        }
    }

    /**
     * A lower-priority master was heard (keepalived's vrrp_state_master_rx): a burst now and another after
     * the delay, while still master. A later one replaces a pending second burst, so a lower master heard
     * every second does not pile them up.
     */
    void announceAgain(List<VirtualAddress> addresses) {
        if (cadence.lowerPriorityRepeat() == 0) {
            return;
        }
        burst(addresses, cadence.lowerPriorityRepeat());
        if (lowerPriorityBurst != null) {
            lowerPriorityBurst.cancel();
            lowerPriorityBurst = null;
        }
        if (!cadence.lowerPriorityDelay().isZero()) {
            lowerPriorityBurst = loop.schedule(() -> {
                lowerPriorityBurst = null;
                if (master.getAsBoolean()) {
                    burst(addresses, cadence.lowerPriorityRepeat());
                }
            }, cadence.lowerPriorityDelay().toNanos());
        }
    }

    private void scheduleRefresh(List<VirtualAddress> addresses) {
        refresh = loop.schedule(() -> {
            refresh = null;
            if (master.getAsBoolean()) { // stops by itself once no longer master
                burst(addresses, cadence.refreshRepeat());
                scheduleRefresh(addresses);
            }
        }, cadence.refreshInterval().toNanos());
    }

    /** Cancels what is still scheduled (the router stops or is removed). */
    void stop() {
        if (secondBurst != null) {
            secondBurst.cancel();
            secondBurst = null;
        }
        if (refresh != null) {
            refresh.cancel();
            refresh = null;
        }
        if (lowerPriorityBurst != null) {
            lowerPriorityBurst.cancel();
            lowerPriorityBurst = null;
        }
    }

    private void burst(List<VirtualAddress> addresses, int repeat) {
        for (int r = 0; r < repeat; r++) {
            for (VirtualAddress va : addresses) {
                if (va.family() == family) {
                    int errno = announcer.announce(va.address());
                    if (errno != 0) {
                        LOG.debug("{}: announcing {} failed (errno {})", router, va, errno);
                    }
                }
            }
        }
    }
}
