package org.vrrp4j.daemon;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.VirtualRouter;
import org.vrrp4j.daemon.ProviderBindings.Prepared;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.keepalived.Instance;
import org.vrrp4j.keepalived.KeepalivedConfig;
import org.vrrp4j.keepalived.SyncGroup;

/**
 * A {@link Daemon}'s reload (SIGHUP), in two steps: {@link #prepare} classifies every instance and sync
 * group of the new configuration against the running one and makes every new provider, changing nothing
 * (any thread); {@link #apply} makes the change (the control thread). See {@link Daemon#reload}.
 */
final class DaemonReload {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class); // the daemon's lines, as before

    private final Daemon d;

    DaemonReload(Daemon d) {
        this.d = d;
    }

    /** A reload prepared against {@link #old}: the classification and every provider made. */
    record Plan(KeepalivedConfig old, KeepalivedConfig next, List<String> kept, List<String> changedInPlace,
            List<String> rebound,
            List<String> removed, List<String> added, Map<String, List<Prepared>> prepared,
            ScriptUsers.Resolution users, List<String> groupsRebound) {
        void discard() {
            ProviderBindings.closeAll(prepared);
        }
    }

    /** Step 1 of a reload, on any thread: reads the running configuration only, changes nothing. */
    Plan prepare(KeepalivedConfig next) throws LaunchException {
        KeepalivedConfig old = d.config;
        Map<String, Instance> before = byName(old.instances());
        Map<String, Instance> after = byName(next.instances());
        List<String> kept = new ArrayList<>();
        List<String> rebound = new ArrayList<>();
        List<String> changedInPlace = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        ScriptUsers.Resolution users = ScriptUsers.resolve(next);
        ScriptUsers.Resolution usersBefore = d.scriptUsers;
        // a new script_user (or a user a notify keyword names) reaches notify scripts by rebinding their exec
        // provider (no restart, no failover)
        for (Instance i : before.values()) {
            Instance n = after.get(i.name());
            boolean exec = n != null && usersBefore != null && users.runsAsOthers(n.providers(), usersBefore);
            if (i.equals(n) && sameGroup(old, next, i.name()) && !exec) {
                kept.add(i.name());
            } else if (n != null && withoutProviders(i).equals(withoutProviders(n)) && sameGroup(old, next, i.name())) {
                rebound.add(i.name());
            } else if (n != null && changesInPlace(i, n) && sameGroup(old, next, i.name())) {
                changedInPlace.add(i.name()); // keepalived keeps the instance's state across such a reload too
                if (!i.providers().equals(n.providers()) || exec) {
                    rebound.add(i.name());
                }
            } else {
                removed.add(i.name());
            }
        }
        for (Instance n : after.values()) {
            if (!kept.contains(n.name()) && !rebound.contains(n.name()) && !changedInPlace.contains(n.name())) {
                added.add(n.name());
            }
        }
        Map<String, SyncGroup> groupsBefore = groupsByName(old);
        Map<String, SyncGroup> groupsAfter = groupsByName(next);

        // 1. everything that can fail, before anything changes
        Map<String, List<Prepared>> prepared = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        users.warnings().forEach(w -> LOG.warn("{}", w));
        problems.addAll(users.problems());
        for (String name : added) {
            Instance n = after.get(name);
            String ifname = n.router().interfaceName();
            if (!interfaceExists(ifname)) {
                problems.add(name + " (" + Daemon.where(next.locations().instance(name)) + "): interface " + ifname
                        + " does not exist");
            }
        }
        for (String name : changedInPlace) {
            for (VirtualAddress va : after.get(name).router().virtualAddresses()) {
                if (va.device().isPresent() && !interfaceExists(va.device().get())) {
                    problems.add(name + " (" + Daemon.where(next.locations().instance(name)) + "): " + va + ": interface "
                            + va.device().get() + " does not exist");
                }
            }
        }
        for (String name : concat(added, rebound)) {
            d.prepare(next, users, name, after.get(name).providers(), k -> next.locations().instanceProvider(name, k), prepared, problems);
        }
        List<String> groupsRebound = new ArrayList<>(); // same group, its notify scripts run as other users now
        for (SyncGroup g : groupsAfter.values()) {
            if (sameGroupBlock(groupsBefore.get(g.name()), g) && usersBefore != null
                    && users.runsAsOthers(g.providers(), usersBefore)) {
                groupsRebound.add(g.name());
                d.prepare(next, users, g.name(), g.providers(), k -> next.locations().syncGroupProvider(g.name(), k), prepared, problems);
            } else if (!sameGroupBlock(groupsBefore.get(g.name()), g)) {
                for (String member : g.members()) {
                    if (!after.containsKey(member)) {
                        problems.add("sync group " + g.name() + ": no instance " + member);
                    }
                }
                d.prepare(next, users, g.name(), g.providers(), k -> next.locations().syncGroupProvider(g.name(), k), prepared, problems);
            }
        }
        if (!problems.isEmpty()) {
            ProviderBindings.closeAll(prepared);
            String why = String.join("; ", problems);
            d.lastReload = new Daemon.ReloadOutcome(Instant.now(), false, why);
            throw new LaunchException(why);
        }
        return new Plan(old, next, kept, changedInPlace, rebound, removed, added, prepared, users, groupsRebound);
    }

    /** Step 2 of a reload, on the control thread: applies a plan prepared against the running configuration. */
    String apply(Plan plan) throws LaunchException {
        if (d.config != plan.old()) {
            plan.discard();
            throw new LaunchException("the configuration changed while the reload was prepared; reload again");
        }
        KeepalivedConfig old = plan.old();
        KeepalivedConfig next = plan.next();
        List<String> kept = plan.kept();
        List<String> changedInPlace = plan.changedInPlace();
        List<String> rebound = plan.rebound();
        List<String> removed = plan.removed();
        List<String> added = plan.added();
        Map<String, List<Prepared>> prepared = plan.prepared();
        Map<String, Instance> after = byName(next.instances());
        Map<String, SyncGroup> groupsBefore = groupsByName(old);
        Map<String, SyncGroup> groupsAfter = groupsByName(next);

        // 2. apply
        if (!old.global().garp().equals(next.global().garp())) {
            LOG.warn("global_defs vrrp_garp_* changes take effect at the next restart");
        }
        for (String name : removed) {
            d.coordinator.unbind(name);
            d.node.removeRouter(name);
            d.states.remove(name);
        }
        for (SyncGroup g : groupsBefore.values()) {
            if (!sameGroupBlock(g, groupsAfter.get(g.name()))) {
                d.coordinator.unbind(g.name());
                d.groupStates.remove(g.name());
                d.node.removeSyncGroup(g.name());
            }
        }
        d.config = next;
        d.scriptUsers = plan.users();
        for (String name : changedInPlace) {
            try {
                d.node.reconfigureRouter(after.get(name).router());
            } catch (IllegalArgumentException e) { // checked above; the interface went away meanwhile
                LOG.error("{} ({}): the new addresses were not applied: {}", name, Daemon.where(next.locations().instance(name)),
                        Daemon.describe(e));
            }
        }
        for (String name : rebound) {
            d.coordinator.unbind(name);
            d.bind(name, prepared.getOrDefault(name, List.of()));
            State now = d.states.get(name);
            if (now != null) {
                d.coordinator.update(new RoleChange(name, false, Daemon.role(now), d.priority(name)));
            }
        }
        List<String> failed = new ArrayList<>();
        for (String name : added) {
            Instance n = after.get(name);
            try {
                d.bind(name, prepared.getOrDefault(name, List.of()));
                Daemon.warnUnsupported(n, d.config.global().garp(), next.locations());
                d.addToNode(n);
            } catch (RuntimeException e) {
                d.coordinator.unbind(name);
                failed.add(name);
                LOG.error("{} ({}): not started: {}", name, Daemon.where(next.locations().instance(name)), Daemon.describe(e));
            }
        }
        for (String name : plan.groupsRebound()) { // the node's group is untouched: only its providers change
            d.coordinator.unbind(name);
            d.bind(name, prepared.getOrDefault(name, List.of()));
            State now = d.groupStates.get(name);
            if (now != null) {
                d.coordinator.update(new RoleChange(name, true, Daemon.role(now), d.priority(groupsAfter.get(name).members().get(0))));
            }
        }
        for (SyncGroup g : groupsAfter.values()) {
            if (!sameGroupBlock(groupsBefore.get(g.name()), g)) {
                try {
                    d.node.syncGroup(g.name(), g.members());
                } catch (IllegalArgumentException e) {
                    LOG.error("sync group {}: {}", g.name(), e.getMessage());
                }
                d.bind(g.name(), prepared.getOrDefault(g.name(), List.of()));
                State now = d.groupStates.get(g.name());
                if (now != null) {
                    d.coordinator.update(new RoleChange(g.name(), true, Daemon.role(now), d.priority(g.members().get(0))));
                }
            }
        }
        d.trackers.apply(next, plan.users());
        String summary = "reloaded " + d.file + ": kept " + kept + ", changed in place " + changedInPlace
                + ", new providers " + rebound + (plan.groupsRebound().isEmpty() ? "" : ", groups' new providers "
                        + plan.groupsRebound()) + ", stopped " + removed
                + ", started " + added.stream().filter(a -> !failed.contains(a)).toList()
                + (failed.isEmpty() ? "" : ", failed " + failed);
        LOG.info(summary);
        d.lastReload = new Daemon.ReloadOutcome(Instant.now(), failed.isEmpty(), summary);
        return summary;
    }

    /**
     * Whether a running instance takes {@code n} without a restart: only its virtual addresses or its
     * non-owner priority changed (and perhaps its providers); see {@link VirtualRouter#takesInPlace}.
     */
    private static boolean changesInPlace(Instance i, Instance n) {
        Instance sameRouter = new Instance(n.name(), i.router(), n.initialState(), n.trackInterfaces(), n.trackScripts(),
                n.useVmac(), n.vmacName(), n.garp(), List.of());
        return sameRouter.equals(withoutProviders(i)) && VirtualRouter.takesInPlace(i.router(), n.router());
    }

    private static Instance withoutProviders(Instance i) {
        return new Instance(i.name(), i.router(), i.initialState(), i.trackInterfaces(), i.trackScripts(), i.useVmac(),
                i.vmacName(), i.garp(), List.of());
    }

    private static boolean interfaceExists(String name) {
        try {
            return java.net.NetworkInterface.getByName(name) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, Instance> byName(List<Instance> list) {
        Map<String, Instance> m = new LinkedHashMap<>();
        list.forEach(i -> m.put(i.name(), i));
        return m;
    }

    private static Map<String, SyncGroup> groupsByName(KeepalivedConfig c) {
        Map<String, SyncGroup> m = new LinkedHashMap<>();
        c.syncGroups().forEach(g -> m.put(g.name(), g));
        return m;
    }

    /** Whether an instance belongs to the same sync group (or none) in both configurations. */
    private static boolean sameGroup(KeepalivedConfig a, KeepalivedConfig b, String instance) {
        return Objects.equals(groupOf(a, instance), groupOf(b, instance));
    }

    private static String groupOf(KeepalivedConfig c, String instance) {
        return c.syncGroups().stream().filter(g -> g.members().contains(instance)).map(SyncGroup::name).findFirst()
                .orElse(null);
    }

    /** Values carry no source locations, so a group that only moved in the file is equal. */
    private static boolean sameGroupBlock(SyncGroup a, SyncGroup b) {
        return a != null && a.equals(b);
    }
}
