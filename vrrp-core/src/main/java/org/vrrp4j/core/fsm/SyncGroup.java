package org.vrrp4j.core.fsm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * keepalived's {@code vrrp_sync_group}: routers that move to MASTER, BACKUP and FAULT together.
 * Step members through the group; when a member changes state on its own (a timer, an advert, a
 * fault) the group moves the other members after it, and returns all their actions.
 */
public final class SyncGroup {
    private final String name;
    private final Map<String, VirtualRouter> members = new LinkedHashMap<>();

    /** @param members routers with unique names; each belongs to one group only */
    public SyncGroup(String name, List<VirtualRouter> members) {
        this.name = Objects.requireNonNull(name, "name");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("sync group " + name + " needs at least one member");
        }
        for (VirtualRouter r : members) {
            if (this.members.putIfAbsent(r.config().name(), r) != null) {
                throw new IllegalArgumentException("sync group " + name + ": duplicate member " + r.config().name());
            }
        }
    }

    /** An action of one member. */
    public record MemberAction(VirtualRouter router, Action action) {
    }

    /** The group's name. */
    public String name() {
        return name;
    }

    /** The members, in the order given. */
    public List<VirtualRouter> members() {
        return List.copyOf(members.values());
    }

    /** Steps one member and propagates its own state change to the others. */
    public List<MemberAction> step(String member, Input input, long nowNanos) {
        VirtualRouter router = members.get(member);
        if (router == null) {
            throw new IllegalArgumentException("sync group " + name + " has no member " + member);
        }
        List<MemberAction> out = new ArrayList<>();
        boolean faultBefore = anyOwnFault();
        if (!(input instanceof Input.SyncGroupTransition) && router.state() == State.FAULT && ownFaultBesides(router)) {
            // another member is still faulty: mark this member's FAULT as the group's too, so that clearing
            // its own fault keeps it in FAULT (no actions: it is in FAULT already)
            out.addAll(router.step(new Input.SyncGroupTransition(State.FAULT), nowNanos).stream()
                    .map(a -> new MemberAction(router, a)).toList());
        }
        State target = null;
        for (Action a : router.step(input, nowNanos)) {
            out.add(new MemberAction(router, a));
            if (a instanceof Action.StateChanged sc && sc.to() != State.INITIALIZE) {
                target = sc.to();
            }
        }
        if (input instanceof Input.SyncGroupTransition) {
            return Collections.unmodifiableList(out);
        }
        boolean faultAfter = anyOwnFault();
        if (faultAfter) {
            // keepalived counts faulty members: the group stays in FAULT until the last one clears, so a
            // member whose own fault cleared, or that never had one, is held in FAULT
            target = State.FAULT;
        } else if (faultBefore) {
            target = State.BACKUP; // the last fault cleared: every member leaves FAULT together
        }
        if (target != null) {
            for (VirtualRouter m : members.values()) {
                boolean follows = m != router || faultBefore || faultAfter;
                if (follows && m.state() != target && m.state() != State.INITIALIZE) {
                    for (Action a : m.step(new Input.SyncGroupTransition(target), nowNanos)) {
                        out.add(new MemberAction(m, a));
                    }
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    private boolean anyOwnFault() {
        return ownFaultBesides(null);
    }

    private boolean ownFaultBesides(VirtualRouter except) {
        for (VirtualRouter m : members.values()) {
            if (m != except && m.state() != State.INITIALIZE && m.hasOwnFault()) {
                return true;
            }
        }
        return false;
    }
}
