package org.vrrp4j.netty;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vrrp4j.core.config.VirtualRouterConfig;

/**
 * What a {@link VrrpNode.Builder} checks before anything is opened: mistakes in what was asked for fail
 * with a message naming them, without root and before a socket exists.
 */
final class NodeConfigChecks {
    private NodeConfigChecks() {
    }

    /** A macvlan name Linux accepts: 1 to 15 characters without '/', ':' or white space. */
    static String deviceName(String deviceName) {
        Objects.requireNonNull(deviceName, "deviceName");
        if (deviceName.isEmpty() || deviceName.length() > 15 || deviceName.chars().anyMatch(c -> c == '/' || c == ':'
                || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("virtualMac deviceName: 1 to 15 characters without '/', ':' or"
                    + " white space, got '" + deviceName + "'");
        }
        return deviceName;
    }

    /**
     * At least one router; virtual MACs and sync groups name routers of the node; no two virtual MACs the
     * same interface; a router in one sync group at most.
     */
    static void check(List<VirtualRouterConfig> configs, Map<String, Optional<String>> virtualMacs,
            Map<String, List<String>> syncGroups) {
        if (configs.isEmpty()) {
            throw new IllegalStateException("a node needs at least one router");
        }
        Set<String> routers = new HashSet<>();
        configs.forEach(c -> routers.add(c.name()));
        for (String router : virtualMacs.keySet()) {
            if (!routers.contains(router)) {
                throw new IllegalArgumentException("virtualMac: no router named " + router);
            }
        }
        List<String> names = virtualMacs.values().stream().flatMap(Optional::stream).toList();
        if (names.size() != new HashSet<>(names).size()) {
            throw new IllegalArgumentException("virtualMac: two routers name the same interface " + names);
        }
        Map<String, String> groupOf = new HashMap<>();
        for (Map.Entry<String, List<String>> g : syncGroups.entrySet()) {
            if (g.getValue().isEmpty()) {
                throw new IllegalArgumentException("syncGroup " + g.getKey() + ": needs at least one router");
            }
            for (String member : g.getValue()) {
                if (!routers.contains(member)) {
                    throw new IllegalArgumentException("syncGroup " + g.getKey() + ": no router named " + member);
                }
                String other = groupOf.putIfAbsent(member, g.getKey());
                if (other != null) {
                    throw new IllegalArgumentException("syncGroup " + g.getKey() + ": " + member
                            + (other.equals(g.getKey()) ? " is named twice" : " is a member of " + other + " already"));
                }
            }
        }
    }
}
