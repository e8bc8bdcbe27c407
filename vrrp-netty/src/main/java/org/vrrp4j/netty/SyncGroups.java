package org.vrrp4j.netty;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.SyncGroup;
import org.vrrp4j.core.fsm.VirtualRouter;

/**
 * The node's sync groups (keepalived's {@code vrrp_sync_group}), run by the core's {@link SyncGroup}
 * synchronously on the loop: a member's input steps the group, and every member's actions are executed
 * in the order the group returns them. A group is declared by member names; it runs over the members the
 * node has (a member removed leaves it, one added with a declared name joins it). Loop only.
 */
final class SyncGroups {
    private static final Logger LOG = LoggerFactory.getLogger(SyncGroups.class);

    private final Map<String, RouterDriver> routers;
    private final Map<String, List<String>> declared = new LinkedHashMap<>();
    private final Map<String, String> groupOf = new HashMap<>();
    private final Map<String, SyncGroup> running = new HashMap<>();
    /** The state each group last reported to the listeners. */
    private final Map<String, State> reported = new HashMap<>();
    private final ListenerDispatch listeners;

    /** @param routers the node's routers by name (read, never changed here) */
    SyncGroups(Map<String, RouterDriver> routers, ListenerDispatch listeners) {
        this.routers = routers;
        this.listeners = listeners;
    }

    /**
     * Declares a group.
     *
     * @throws IllegalArgumentException for an empty or duplicate name, no or repeated members, or a member
     *                                  already in another group
     */
    void declare(String name, List<String> members) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || declared.containsKey(name)) {
            throw new IllegalArgumentException("sync group '" + name + "': " + (name.isBlank() ? "a name is required"
                    : "a sync group of that name exists already"));
        }
        if (members.isEmpty() || members.size() != members.stream().distinct().count()) {
            throw new IllegalArgumentException("sync group " + name + ": needs members, each once; got " + members);
        }
        for (String m : members) {
            String other = groupOf.get(Objects.requireNonNull(m, "member"));
            if (other != null) {
                throw new IllegalArgumentException("sync group " + name + ": " + m + " is a member of " + other
                        + " already (a router belongs to one group)");
            }
        }
        declared.put(name, List.copyOf(members));
        members.forEach(m -> groupOf.put(m, name));
        rebuild(name);
        LOG.info("sync group {}: {}", name, members);
    }

    /** Removes a group: its members run on their own again. */
    boolean remove(String name) {
        List<String> members = declared.remove(name);
        if (members == null) {
            return false;
        }
        members.forEach(groupOf::remove);
        running.remove(name);
        reported.remove(name);
        return true;
    }

    /** The declared groups. */
    Map<String, List<String>> declared() {
        return Map.copyOf(declared);
    }

    /** The group of {@code router}, if declared. */
    String groupOf(String router) {
        return groupOf.get(router);
    }

    /** Re-reads the members of {@code router}'s group after the router was added or removed. */
    void membershipChanged(String router) {
        String g = groupOf.get(router);
        if (g != null) {
            rebuild(g);
        }
    }

    private void rebuild(String group) {
        List<VirtualRouter> present = new ArrayList<>();
        for (String m : declared.get(group)) {
            RouterDriver d = routers.get(m);
            if (d != null) {
                present.add(d.router);
            }
        }
        if (present.isEmpty()) {
            running.remove(group);
        } else {
            running.put(group, new SyncGroup(group, present)); // the state is the routers'; the group holds none
        }
    }

    /** Steps {@code driver} with {@code input}: through its group when it has one, else alone. */
    void step(RouterDriver driver, Input input, long nowNanos) {
        String g = groupOf.get(driver.name());
        SyncGroup group = g == null ? null : running.get(g);
        if (group == null) {
            driver.execute(driver.router.step(input, nowNanos));
            return;
        }
        for (SyncGroup.MemberAction ma : group.step(driver.name(), input, nowNanos)) {
            RouterDriver member = ma.router() == driver.router ? driver : routers.get(ma.router().config().name());
            member.execute(ma.action());
        }
        report(g, group, driver.name());
    }

    /** Tells the listeners when the group's running members have come to agree on a new state. */
    private void report(String name, SyncGroup group, String member) {
        State common = null;
        for (VirtualRouter r : group.members()) {
            if (r.state() == State.INITIALIZE) {
                continue;
            }
            if (common != null && common != r.state()) {
                return; // not (yet) one state: nothing to report
            }
            common = r.state();
        }
        if (common != null && reported.put(name, common) != common) {
            State to = common;
            LOG.info("sync group {}: {} ({} moved)", name, to, member);
            listeners.dispatch(l -> l.syncGroupChanged(name, to, member));
        }
    }
}
