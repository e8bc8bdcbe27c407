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
        State target = null;
        for (Action a : router.step(input, nowNanos)) {
            out.add(new MemberAction(router, a));
            if (a instanceof Action.StateChanged sc && sc.to() != State.INITIALIZE) {
                target = sc.to();
            }
        }
        if (target != null && !(input instanceof Input.SyncGroupTransition)) {
            for (VirtualRouter other : members.values()) {
                if (other != router && other.state() != target) {
                    for (Action a : other.step(new Input.SyncGroupTransition(target), nowNanos)) {
                        out.add(new MemberAction(other, a));
                    }
                }
            }
        }
        return Collections.unmodifiableList(out);
    }
}
