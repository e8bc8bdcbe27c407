package org.vrrp4j.core.fsm;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vrrp4j.core.config.TrackerConfig;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.AuthType;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * One virtual router: the RFC 9568 §6 state machine plus keepalived's FAULT state, weighted trackers
 * and sync-group hooks. Pure: {@link #step} takes an input and the current time and returns the
 * actions to execute; it starts no thread, reads no clock and touches no socket.
 *
 * <p>Not thread-safe: a shell calls it from one thread (the Netty shell from the router's event loop).
 * Times are nanoseconds on any monotonic clock the caller chooses (the simulator's is virtual).
 */
public final class VirtualRouter {
    private static final long NONE = Long.MIN_VALUE;

    private VirtualRouterConfig config;
    private List<VirtualAddress> addresses;
    private List<InetAddress> addressList;
    private Set<InetAddress> addressSet;
    private final Map<String, TrackerConfig> trackers = new LinkedHashMap<>();
    private final Map<String, Boolean> trackerUp = new LinkedHashMap<>();

    private State state = State.INITIALIZE;
    private int basePriority;
    private int effectivePriority;
    private InetAddress primaryAddress;
    private int masterAdverIntervalCentis;
    private long advertDeadline = NONE;
    private long masterDownDeadline = NONE;
    private long preemptAllowedAt;
    /** End of the startup delay (keepalived's vrrp_startup_delay); NONE when there is none or it has passed. */
    private long startupHoldUntil = NONE;
    private boolean linkUp = true;
    private boolean syncGroupFault;
    private InetAddress masterAddress;
    private int masterPriority;
    private VrrpPacket advert;
    private VrrpPacket resignAdvert;

    private long advertsReceived;
    private long advertsSent;
    private long priorityZeroReceived;
    private long priorityZeroSent;
    private long masterTransitions;
    private long lowerPriorityMasters;
    private long pseudoHeaderChecksums;
    private long messageOnlyChecksums;
    /** The receive validation, and its counters of what it tolerated. */
    private final AdvertCheck check = new AdvertCheck();
    private final long[] drops = new long[DropReason.values().length];

    /** A router in {@link State#INITIALIZE}; send {@link Input.Start} to run it. */
    public VirtualRouter(VirtualRouterConfig config) {
        this.config = config;
        this.addresses = config.virtualAddresses();
        this.addressList = config.advertisedAddresses(); // with keepalived's repeated entries, as it sends them
        this.addressSet = Set.copyOf(addressList);
        for (TrackerConfig t : config.trackers()) {
            trackers.put(t.name(), t);
            trackerUp.put(t.name(), true);
        }
        this.basePriority = config.priority();
        this.effectivePriority = computeEffectivePriority();
        this.masterAdverIntervalCentis = config.advertIntervalCentis();
    }

    /**
     * Processes one input at time {@code nowNanos} and returns the actions to execute, in order.
     * Never throws for any input in any state; inputs that do not apply are ignored.
     */
    public List<Action> step(Input input, long nowNanos) {
        List<Action> out = new ArrayList<>(4);
        switch (input) {
            case Input.Start s -> onStart(s, nowNanos, out);
            case Input.Shutdown s -> onShutdown(out);
            case Input.AdvertReceived a -> onAdvert(a, nowNanos, out);
            case Input.PacketRejected r -> drop(r.reason(), r.source(), out);
            case Input.TimerFired t -> onTimer(t.kind(), nowNanos, out);
            case Input.LinkChanged l -> {
                linkUp = l.up();
                reevaluate(nowNanos, out);
            }
            case Input.TrackerChanged t -> {
                if (trackerUp.containsKey(t.tracker())) {
                    trackerUp.put(t.tracker(), t.up());
                    reevaluate(nowNanos, out);
                }
            }
            case Input.PriorityChanged p -> {
                basePriority = p.basePriority();
                reevaluate(nowNanos, out);
            }
            case Input.PrimaryAddressChanged p -> {
                primaryAddress = p.primaryAddress();
                rebuildAdverts();
            }
            case Input.SyncGroupTransition g -> onSyncGroup(g.target(), nowNanos, out);
            case Input.Reconfigured r -> onReconfigured(r.config(), nowNanos, out);
        }
        return Collections.unmodifiableList(out);
    }

    // ---- inputs ---------------------------------------------------------------------------------

    private void onStart(Input.Start s, long now, List<Action> out) {
        if (state != State.INITIALIZE) {
            return;
        }
        primaryAddress = s.primaryAddress();
        effectivePriority = computeEffectivePriority();
        rebuildAdverts();
        startupHoldUntil = s.startupDelay().isZero() ? NONE : now + s.startupDelay().toNanos();
        if (faultCondition()) {
            transition(State.FAULT, faultReason(), out);
        } else if (effectivePriority == 255 && !holding(now)) {
            becomeMaster(TransitionReason.STARTUP_OWNER, now, out);
        } else {
            enterBackup(TransitionReason.STARTUP, now, out);
        }
    }

    private void onShutdown(List<Action> out) {
        switch (state) {
            case MASTER -> {
                leaveMaster(true, out);
                transition(State.INITIALIZE, TransitionReason.SHUTDOWN, out);
            }
            case BACKUP -> {
                cancel(TimerKind.MASTER_DOWN, out);
                transition(State.INITIALIZE, TransitionReason.SHUTDOWN, out);
            }
            case FAULT -> transition(State.INITIALIZE, TransitionReason.SHUTDOWN, out);
            case INITIALIZE -> { }
        }
        masterAddress = null;
        syncGroupFault = false; // a stopped member is outside its group; the group re-imposes FAULT on Start
    }

    private void onAdvert(Input.AdvertReceived in, long now, List<Action> out) {
        if (state == State.INITIALIZE) {
            return; // not running: the shell should not deliver; nothing to count against
        }
        VrrpPacket p = in.packet();
        InetAddress src = in.source();
        DropReason reason = check.validate(config, addressList, addressSet, advertSource(), p, src, out);
        if (reason != null) {
            drop(reason, src, out);
            return;
        }
        advertsReceived++;
        if (in.checksumForm() == ChecksumForm.IPV4_PSEUDO_HEADER) {
            pseudoHeaderChecksums++;
        } else if (in.checksumForm() == ChecksumForm.MESSAGE_ONLY && config.version() == VrrpVersion.V3) {
            messageOnlyChecksums++;
        }
        if (p.priority() == 0) {
            priorityZeroReceived++;
        }
        switch (state) {
            case BACKUP -> backupReceives(p, src, now, out);
            case MASTER -> masterReceives(p, src, now, out);
            case FAULT, INITIALIZE -> { } // counted, otherwise ignored: FAULT sends and takes nothing
        }
    }

    private void backupReceives(VrrpPacket p, InetAddress src, long now, List<Action> out) {
        if (p.priority() == 0) {
            // RFC 9568 §6.4.2: the master resigned; take over after Skew_Time only
            arm(TimerKind.MASTER_DOWN, downTimerBase(now) + Timings.skewNanos(config.version(), effectivePriority,
                    masterAdverIntervalCentis), out);
            return;
        }
        boolean preempting = config.preempt() || effectivePriority == 255;
        boolean delayingPreemption = now < preemptAllowedAt;
        if (!preempting || p.priority() >= effectivePriority || delayingPreemption) {
            masterAdverIntervalCentis = p.intervalCentis();
            masterAddress = src;
            masterPriority = p.priority();
            arm(TimerKind.MASTER_DOWN, downTimerBase(now) + masterDownNanos(), out);
        }
        // else: Preempt_Mode and a lower priority: discard without resetting the timer (§6.4.2)
    }

    private void masterReceives(VrrpPacket p, InetAddress src, long now, List<Action> out) {
        if (p.priority() == 0) {
            // §6.4.3: another router resigned; advertise at once so backups keep us
            sendAdvert(advert, out);
            arm(TimerKind.ADVERT, now + Timings.centisToNanos(config.advertIntervalCentis()), out);
            return;
        }
        if (p.priority() > effectivePriority
                || (p.priority() == effectivePriority && compareUnsigned(src, advertSource()) > 0)) {
            cancel(TimerKind.ADVERT, out);
            out.add(new Action.RemoveAddresses(addresses));
            masterAdverIntervalCentis = p.intervalCentis();
            masterAddress = src;
            masterPriority = p.priority();
            arm(TimerKind.MASTER_DOWN, now + masterDownNanos(), out);
            transition(State.BACKUP, TransitionReason.HIGHER_PRIORITY_ADVERT, out);
            preemptAllowedAt = now;
            return;
        }
        // a lower-priority master: split brain. RFC 9568 re-advertises at once; keepalived too.
        lowerPriorityMasters++;
        if (config.advertOnLowerPriority()) {
            sendAdvert(advert, out);
            arm(TimerKind.ADVERT, now + Timings.centisToNanos(config.advertIntervalCentis()), out);
        }
        out.add(new Action.LowerPriorityMasterHeard(src, p.priority()));
    }

    private void onTimer(TimerKind kind, long now, List<Action> out) {
        long deadline = kind == TimerKind.ADVERT ? advertDeadline : masterDownDeadline;
        if (deadline == NONE || now < deadline) {
            return; // cancelled, re-armed or early: a stale firing changes nothing
        }
        setDeadline(kind, NONE);
        if (kind == TimerKind.ADVERT && state == State.MASTER) {
            sendAdvert(advert, out);
            long interval = Timings.centisToNanos(config.advertIntervalCentis());
            long next = deadline + interval; // keep the cadence when the loop fires late
            arm(TimerKind.ADVERT, next > now ? next : now + interval, out);
        } else if (kind == TimerKind.MASTER_DOWN && state == State.BACKUP) {
            becomeMaster(TransitionReason.MASTER_DOWN_TIMER, now, out);
        }
    }

    private void onSyncGroup(State target, long now, List<Action> out) {
        if (state == State.INITIALIZE) {
            return;
        }
        switch (target) {
            case FAULT -> {
                syncGroupFault = true;
                if (state != State.FAULT) {
                    enterFault(TransitionReason.SYNC_GROUP, out);
                }
            }
            case BACKUP -> {
                syncGroupFault = false;
                if (state == State.MASTER) {
                    // hand over quickly: the other side needs only Skew_Time (keepalived does the same)
                    leaveMaster(true, out);
                    enterBackup(TransitionReason.SYNC_GROUP, now, out);
                } else if (state == State.FAULT && !faultCondition()) {
                    enterBackup(TransitionReason.SYNC_GROUP, now, out);
                }
            }
            case MASTER -> {
                syncGroupFault = false;
                if (state == State.BACKUP || (state == State.FAULT && !faultCondition())) {
                    becomeMaster(TransitionReason.SYNC_GROUP, now, out);
                }
            }
            case INITIALIZE -> { }
        }
    }

    /** After a link, tracker or priority change: enter or leave FAULT, or advertise the new priority. */
    private void reevaluate(long now, List<Action> out) {
        int before = effectivePriority;
        effectivePriority = computeEffectivePriority();
        if (before != effectivePriority) {
            rebuildAdverts();
        }
        if (state == State.INITIALIZE) {
            return;
        }
        boolean fault = faultCondition();
        if (fault && state != State.FAULT) {
            enterFault(faultReason(), out);
        } else if (!fault && state == State.FAULT) {
            if (effectivePriority == 255 && !holding(now)) {
                becomeMaster(TransitionReason.FAULT_CLEARED, now, out);
            } else {
                enterBackup(TransitionReason.FAULT_CLEARED, now, out);
            }
        } else if (before != effectivePriority && state == State.MASTER) {
            // tell the backups now rather than at the next interval, so a lowered master hands over fast
            sendAdvert(advert, out);
            arm(TimerKind.ADVERT, now + Timings.centisToNanos(config.advertIntervalCentis()), out);
        }
    }

    /**
     * Whether a router running {@code now} can take {@code next} in place ({@link Input.Reconfigured}): only
     * the virtual addresses and the priority may differ, and the priority neither becomes nor stops being the
     * owner's 255 (an owner's addresses are the interface's own, a different kind of router). keepalived
     * keeps an instance's state across such a reload too.
     */
    public static boolean takesInPlace(VirtualRouterConfig now, VirtualRouterConfig next) {
        if ((now.priority() == 255) != (next.priority() == 255)) {
            return false;
        }
        return now.toBuilder().priority(next.priority()).virtualAddressesOf(next).build().equals(next);
    }

    private void onReconfigured(VirtualRouterConfig next, long now, List<Action> out) {
        if (!takesInPlace(config, next)) {
            return; // the caller checks first; ignoring keeps step total
        }
        List<VirtualAddress> gone = addresses.stream().filter(a -> !next.virtualAddresses().contains(a)).toList();
        List<VirtualAddress> fresh = next.virtualAddresses().stream().filter(a -> !addresses.contains(a)).toList();
        boolean addressesChanged = !addresses.equals(next.virtualAddresses());
        config = next;
        addresses = next.virtualAddresses();
        addressList = next.advertisedAddresses(); // with keepalived's repeated entries, as it sends them
        addressSet = Set.copyOf(addressList);
        rebuildAdverts();
        if (state == State.MASTER && addressesChanged) {
            if (!gone.isEmpty()) {
                out.add(new Action.RemoveAddresses(gone));
            }
            if (!fresh.isEmpty()) {
                out.add(new Action.AddAddresses(fresh));
            }
            out.add(new Action.Announce(addresses)); // the whole list: the refresh schedule covers all of them
        }
        if (basePriority != next.priority()) {
            basePriority = next.priority();
            reevaluate(now, out);
        }
    }

    // ---- transitions ----------------------------------------------------------------------------

    private void becomeMaster(TransitionReason reason, long now, List<Action> out) {
        cancel(TimerKind.MASTER_DOWN, out);
        masterAdverIntervalCentis = config.advertIntervalCentis();
        sendAdvert(advert, out);
        out.add(new Action.AddAddresses(addresses));
        out.add(new Action.Announce(addresses));
        arm(TimerKind.ADVERT, now + Timings.centisToNanos(config.advertIntervalCentis()), out);
        masterTransitions++;
        masterAddress = advertSource();
        masterPriority = effectivePriority;
        transition(State.MASTER, reason, out);
    }

    private void enterBackup(TransitionReason reason, long now, List<Action> out) {
        masterAdverIntervalCentis = config.advertIntervalCentis(); // never an uninitialised value
        masterAddress = null;
        preemptAllowedAt = now + config.preemptDelay().toNanos();
        long down = effectivePriority == 255 && holding(now) ? 0 : masterDownNanos(); // a held owner: see downTimerBase
        arm(TimerKind.MASTER_DOWN, downTimerBase(now) + down, out);
        transition(State.BACKUP, reason, out);
    }

    private void enterFault(TransitionReason reason, List<Action> out) {
        if (state == State.MASTER) {
            leaveMaster(true, out); // keepalived: priority 0 on MASTER→FAULT so the backup takes over fast
        } else {
            cancel(TimerKind.MASTER_DOWN, out);
        }
        masterAddress = null;
        transition(State.FAULT, reason, out);
    }

    private void leaveMaster(boolean resign, List<Action> out) {
        cancel(TimerKind.ADVERT, out);
        if (resign) {
            sendAdvert(resignAdvert, out);
        }
        out.add(new Action.RemoveAddresses(addresses));
        masterAdverIntervalCentis = config.advertIntervalCentis();
    }

    private void transition(State to, TransitionReason reason, List<Action> out) {
        State from = state;
        state = to;
        out.add(new Action.StateChanged(from, to, reason));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private void sendAdvert(VrrpPacket packet, List<Action> out) {
        advertsSent++;
        if (packet.priority() == 0) {
            priorityZeroSent++;
        }
        out.add(new Action.SendAdvert(packet, advertSource()));
    }

    private void drop(DropReason reason, InetAddress source, List<Action> out) {
        drops[reason.ordinal()]++;
        out.add(new Action.PacketDiscarded(reason, source));
    }

    private void arm(TimerKind kind, long deadline, List<Action> out) {
        setDeadline(kind, deadline);
        out.add(new Action.ArmTimer(kind, deadline));
    }

    private void cancel(TimerKind kind, List<Action> out) {
        long deadline = kind == TimerKind.ADVERT ? advertDeadline : masterDownDeadline;
        if (deadline != NONE) {
            setDeadline(kind, NONE);
            out.add(new Action.CancelTimer(kind));
        }
    }

    private void setDeadline(TimerKind kind, long deadline) {
        if (kind == TimerKind.ADVERT) {
            advertDeadline = deadline;
        } else {
            masterDownDeadline = deadline;
        }
    }

    /** Whether the startup delay still holds this router back from becoming master. */
    private boolean holding(long now) {
        return startupHoldUntil != NONE && now < startupHoldUntil;
    }

    /**
     * When a Master_Down_Timer armed now starts counting: the end of the startup delay while it lasts (a held
     * owner's whole timer, as keepalived's 1 µs down timer).
     */
    private long downTimerBase(long now) {
        return holding(now) ? startupHoldUntil : now;
    }

    private long masterDownNanos() {
        return Timings.masterDownNanos(config.version(), effectivePriority, masterAdverIntervalCentis);
    }

    private InetAddress advertSource() {
        return config.unicastSource().orElse(primaryAddress);
    }

    private boolean faultCondition() {
        return !linkUp || syncGroupFault || weightZeroTrackerDown();
    }

    private TransitionReason faultReason() {
        if (!linkUp) {
            return TransitionReason.LINK_DOWN;
        }
        return weightZeroTrackerDown() ? TransitionReason.TRACKER_FAULT : TransitionReason.SYNC_GROUP;
    }

    private boolean weightZeroTrackerDown() {
        for (TrackerConfig t : trackers.values()) {
            if (t.weight() == 0 && !trackerUp.get(t.name())) {
                return true;
            }
        }
        return false;
    }

    /** keepalived's rule: positive weights add while up, negative while down; clamp 1..254; owner untouched. */
    private int computeEffectivePriority() {
        if (basePriority == 255) {
            return 255;
        }
        int p = basePriority;
        for (TrackerConfig t : trackers.values()) {
            boolean up = trackerUp.get(t.name());
            if (t.weight() > 0 && up) {
                p += t.weight();
            } else if (t.weight() < 0 && !up) {
                p += t.weight();
            }
        }
        return Math.clamp(p, 1, 254);
    }

    private void rebuildAdverts() {
        if (primaryAddress == null && config.unicastSource().isEmpty()) {
            return;
        }
        int interval = config.version() == VrrpVersion.V3
                ? config.advertIntervalCentis() : config.advertIntervalCentis() / 100;
        AuthType auth = config.authKey().isPresent() ? AuthType.SIMPLE_TEXT : AuthType.NONE;
        advert = new VrrpPacket(config.version(), config.family(), config.vrid(), effectivePriority, interval,
                addressList, auth, config.authKey().orElse(null));
        resignAdvert = new VrrpPacket(config.version(), config.family(), config.vrid(), 0, interval,
                addressList, auth, config.authKey().orElse(null));
    }

    /** Unsigned comparison in network byte order (RFC 9568 §6.4.3 tie-break). */
    static int compareUnsigned(InetAddress a, InetAddress b) {
        return Arrays.compareUnsigned(a.getAddress(), b.getAddress());
    }

    // ---- observation ----------------------------------------------------------------------------

    /** The configuration this router runs. */
    public VirtualRouterConfig config() {
        return config;
    }

    /**
     * Whether this router has a fault of its own (link down, or a weight-0 tracker down), as opposed to
     * a FAULT imposed by its sync group. A {@link SyncGroup} stays in FAULT while any member has one.
     */
    public boolean hasOwnFault() {
        return !linkUp || weightZeroTrackerDown();
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** The priority in use: base priority adjusted by trackers, clamped to 1..254 (255 for the owner). */
    public int effectivePriority() {
        return effectivePriority;
    }

    /** Master_Adver_Interval in centiseconds: the master's advertised interval as a backup, ours otherwise. */
    public int masterAdverIntervalCentis() {
        return masterAdverIntervalCentis;
    }

    /** The current master's address as last heard (ours while master); empty when unknown. */
    public Optional<InetAddress> masterAddress() {
        return Optional.ofNullable(masterAddress);
    }

    /** The current master's priority as last heard (ours while master); meaningful with {@link #masterAddress()}. */
    public int masterPriority() {
        return masterPriority;
    }

    /** The deadline of an armed timer. */
    public OptionalLong timerDeadline(TimerKind kind) {
        long d = kind == TimerKind.ADVERT ? advertDeadline : masterDownDeadline;
        return d == NONE ? OptionalLong.empty() : OptionalLong.of(d);
    }

    /** A snapshot of the counters. */
    public RouterCounters counters() {
        Map<DropReason, Long> d = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            d.put(r, drops[r.ordinal()]);
        }
        return new RouterCounters(advertsReceived, advertsSent, priorityZeroReceived, priorityZeroSent,
                masterTransitions, check.intervalMismatches, check.addressListMismatches, lowerPriorityMasters,
                pseudoHeaderChecksums, messageOnlyChecksums, check.ipv6GlobalFirstLists, d);
    }

    @Override
    public String toString() {
        return "VirtualRouter[" + config.name() + " vrid=" + config.vrid() + " " + state + " prio=" + effectivePriority + "]";
    }
}
