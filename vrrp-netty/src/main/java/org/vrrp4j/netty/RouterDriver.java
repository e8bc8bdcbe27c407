package org.vrrp4j.netty;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.fsm.Action;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.VirtualRouter;

/**
 * One router on a node: steps the core's {@link VirtualRouter} (through its sync group when it has one)
 * and executes the actions in order: adverts to its interface's socket, timers, addresses to the host,
 * announcements, events to the listeners. Loop only.
 */
final class RouterDriver {
    private static final Logger LOG = LoggerFactory.getLogger(RouterDriver.class);

    /**
     * What the routers of a node share.
     *
     * @param loop       clock, timers
     * @param host       the address table
     * @param listeners  where state changes go
     * @param cadence    the announcements' cadence
     * @param mismatches the rate limit of mismatch warnings
     * @param groups     the node's sync groups (routes a member's inputs through its group)
     * @param filters    the routers' nftables tables (Accept_Mode, the virtual MAC of a backup)
     */
    record Context(EventLoopPort loop, Host host, ListenerDispatch listeners, AnnouncementSchedule.Cadence cadence,
            MismatchLog mismatches, SyncGroups groups, RouterFilters filters) {
    }

    final VirtualRouter router;
    final InterfaceChannel channel;
    private final String name;
    private final Context ctx;
    /** The interface indexes of the devices the router's addresses name (its own interface included). */
    private final Map<String, Integer> deviceIndex;
    /** What this node added (never remove an address the host had before). */
    private final Set<VirtualAddress> added = new LinkedHashSet<>();
    private final DeadlineTimers timers;
    private final AnnouncementSchedule announcements;
    private long sendErrors;
    private final SendErrorLog sendErrorLog = new SendErrorLog(SEND_ERROR_PERIOD_NANOS);
    /** Send failures per router at WARN: at most one line per 10 s. */
    static final long SEND_ERROR_PERIOD_NANOS = 10_000_000_000L;
    /** The ifindex of the router's own virtual MAC interface; 0 without one. */
    int virtualMacLink;
    /** Whether the router has nftables tables of its own ({@link RouterFilters}). */
    boolean filtered;
    /** Whether the router's virtual MAC has its nftables table (frames dropped while not master). */
    boolean virtualMacFiltered;

    RouterDriver(VirtualRouter router, InterfaceChannel channel, Map<String, Integer> deviceIndex, Context ctx) {
        this.router = router;
        this.channel = channel;
        this.name = router.config().name();
        this.deviceIndex = deviceIndex;
        this.ctx = ctx;
        this.timers = new DeadlineTimers(ctx.loop(), kind -> step(new Input.TimerFired(kind)));
        this.announcements = new AnnouncementSchedule(name, ctx.cadence(), ctx.loop(), channel.announcer,
                channel.family, () -> router.state() == State.MASTER);
    }

    String name() {
        return name;
    }

    /** Interface {@code device} was made again with a new index: addresses go there from now on. */
    void deviceRecreated(String device, int ifindex) {
        deviceIndex.replace(device, ifindex);
    }

    boolean knowsDevice(String device) {
        return deviceIndex.containsKey(device);
    }

    /** A device a virtual address added by a reload names (the map was built when the router was added). */
    void knowDevice(String device, int ifindex) {
        deviceIndex.putIfAbsent(device, ifindex);
    }

    /** Steps the router (and its sync group's other members after it) at the loop's time. */
    void step(Input input) {
        ctx.groups().step(this, input, ctx.loop().nanoTime());
    }

    /** Steps the router alone, bypassing its group (the node's own shutdown). */
    void stepAlone(Input input) {
        execute(router.step(input, ctx.loop().nanoTime()));
    }

    void execute(List<Action> actions) {
        if (virtualMacFiltered) { // first: the filter changes off the loop while the advert and announcements go out
            for (Action a : actions) {
                if (a instanceof Action.StateChanged sc && (sc.to() == State.MASTER) != (sc.from() == State.MASTER)) {
                    ctx.filters().virtualMacState(router.config(), sc.to() == State.MASTER);
                }
            }
        }
        boolean plain = true; // an advert and its timer: nothing else must wait for the advert to leave
        for (Action a : actions) {
            if (!(a instanceof Action.SendAdvert || a instanceof Action.ArmTimer || a instanceof Action.CancelTimer)) {
                plain = false;
                break;
            }
        }
        for (Action a : actions) {
            execute(a, plain);
        }
    }

    void execute(Action action) {
        execute(action, false);
    }

    /**
     * Executes one action; {@code batchable}: an advert may wait in its channel's batch until the loop's
     * instant ends ({@link InterfaceChannel#queue}), sent with those of the other routers due with it. Not
     * when anything else came with it: a take-over's advert leaves before its addresses are added.
     */
    private void execute(Action action, boolean batchable) {
        switch (action) {
            case Action.SendAdvert sa -> {
                if (!batchable || !channel.queue(this, router.config(), sa, ctx.loop())) {
                    int errors = channel.transmit(router.config(), sa, false);
                    sent(errors, channel.lastSendErrno);
                }
            }
            case Action.ArmTimer t -> timers.arm(t.kind(), t.deadlineNanos());
            case Action.CancelTimer t -> timers.cancel(t.kind());
            // loops, not forEach(this::addAddress): a method reference is linked the first time it runs, and
            // the first AddAddresses is a backup's first take-over (issue 12)
            case Action.AddAddresses add -> {
                for (VirtualAddress va : add.addresses()) {
                    addAddress(va);
                }
            }
            case Action.RemoveAddresses rm -> {
                for (VirtualAddress va : rm.addresses()) {
                    removeAddress(va);
                }
            }
            case Action.Announce an -> announcements.announce(an.addresses());
            case Action.StateChanged sc -> {
                LOG.info("{}: {} -> {} ({})", name, sc.from(), sc.to(), sc.reason());
                if (sc.to() == State.BACKUP || sc.to() == State.FAULT) {
                    removeStaleAddresses(sc.to());
                }
                ctx.listeners().dispatch(l -> l.stateChanged(name, sc.from(), sc.to(), sc.reason()));
            }
            case Action.PacketDiscarded d -> LOG.debug("{}: dropped packet from {}: {}", name,
                    d.source() == null ? "?" : d.source().getHostAddress(), d.reason().description());
            case Action.ConfigMismatch m -> ctx.mismatches().report(name, m.what(), m.source(), ctx.loop().nanoTime());
            case Action.LowerPriorityMasterHeard l -> {
                // split brain heals loudly: neighbours that followed the other master come back now
                announcements.announceAgain(router.config().virtualAddresses());
                ctx.listeners().dispatch(x -> x.lowerPriorityMasterHeard(name, l.source(), l.priority()));
            }
        }
    }

    /** An advert's outcome: {@code errors} of its sends failed, the last with {@code errno}. */
    void sent(int errors, int errno) {
        sendErrors += errors;
        sendErrorLog.sent(name, channel.name, errors, errno, ctx.loop().nanoTime());
    }

    private void addAddress(VirtualAddress va) {
        try {
            if (ctx.host().addAddress(deviceIndex.get(va.device().orElse(channel.name)), va)) {
                added.add(va);
            } else {
                LOG.warn("{}: {} was already on the host; it will not be removed by vrrp4j", name, va);
            }
        } catch (IOException e) {
            LOG.error("{}: cannot add {}: {}", name, va, e.getMessage());
        }
    }

    /**
     * A backup or a faulty router holds none of its virtual addresses: one still on the interface was left
     * by a run that did not stop cleanly (kill -9, OOM, a crash), and two hosts would answer for it. keepalived
     * removes them too. An address owner's (priority 255) addresses are the interface's own: never touched.
     */
    private void removeStaleAddresses(State now) {
        if (router.config().priority() == 255) {
            return;
        }
        for (VirtualAddress va : router.config().virtualAddresses()) {
            if (added.contains(va)) {
                continue; // the core's RemoveAddresses takes those
            }
            try {
                if (ctx.host().removeAddress(deviceIndex.get(va.device().orElse(channel.name)), va)) {
                    LOG.warn("{}: removed {} from the interface: it was left there, and a {} router does not hold it",
                            name, va, now);
                }
            } catch (IOException e) {
                LOG.error("{}: cannot remove {}: {}", name, va, e.getMessage());
            }
        }
    }

    private void removeAddress(VirtualAddress va) {
        if (!added.remove(va)) {
            return; // never remove an address this node did not add
        }
        try {
            ctx.host().removeAddress(deviceIndex.get(va.device().orElse(channel.name)), va);
        } catch (IOException e) {
            LOG.error("{}: cannot remove {}: {}", name, va, e.getMessage());
        }
    }

    /**
     * Stops the router: {@code graceful}, a master sends priority 0 and every address this node added goes
     * ({@code alone}: without moving its sync group, the whole node stops); otherwise only the timers and
     * announcements stop, as after kill -9.
     */
    void stop(boolean graceful, boolean alone) {
        if (graceful) {
            if (alone) {
                stepAlone(new Input.Shutdown());
            } else {
                step(new Input.Shutdown());
            }
            for (VirtualAddress va : List.copyOf(added)) {
                removeAddress(va);
            }
        }
        timers.cancelAll();
        announcements.stop();
    }

    RouterStatus status() {
        return new RouterStatus(name, router.config().vrid(), channel.name, router.state(), router.effectivePriority(),
                router.masterAddress(), router.counters(), sendErrors);
    }

    DeadlineTimers timers() {
        return timers;
    }
}
