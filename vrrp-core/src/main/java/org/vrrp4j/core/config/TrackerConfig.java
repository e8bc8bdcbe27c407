package org.vrrp4j.core.config;

import java.util.Objects;

/**
 * A tracked object (interface, script, ...) and its weight, with keepalived's meaning:
 * weight &gt; 0 adds the weight to the priority while the tracker is up; weight &lt; 0 adds the (negative)
 * weight while it is down; weight 0 puts the router in FAULT while it is down.
 *
 * @param name   unique among the router's trackers
 * @param weight -254..254
 */
public record TrackerConfig(String name, int weight) {
    public TrackerConfig {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new ConfigException(VirtualRouterConfig.Field.TRACKERS, "tracker", "name must not be blank");
        }
        if (weight < -254 || weight > 254) {
            throw new ConfigException(VirtualRouterConfig.Field.TRACKERS, "tracker " + name, "weight must be -254..254, got " + weight);
        }
    }
}
