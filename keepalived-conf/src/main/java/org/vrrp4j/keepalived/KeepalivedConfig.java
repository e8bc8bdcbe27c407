package org.vrrp4j.keepalived;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole keepalived.conf (includes resolved), as {@link KeepalivedConfigReader} read it.
 *
 * @param global     {@code global_defs}, with defaults
 * @param instances  {@code vrrp_instance} blocks in file order; names are unique
 * @param scripts    {@code vrrp_script} blocks by name, in file order
 * @param syncGroups {@code vrrp_sync_group} blocks in file order
 * @param locations  where each instance, script, sync group, provider block (and instance keyword) was
 *                   configured: beside the values, so that the values compare with {@code equals}
 * @param warnings   what was ignored or adjusted, in the order the reader found it
 */
public record KeepalivedConfig(GlobalDefs global, List<Instance> instances, Map<String, VrrpScript> scripts,
        List<SyncGroup> syncGroups, SourceLocations locations, List<ConfigWarning> warnings) {
    public KeepalivedConfig {
        Objects.requireNonNull(global, "global");
        instances = List.copyOf(instances);
        scripts = Collections.unmodifiableMap(new LinkedHashMap<>(scripts));
        syncGroups = List.copyOf(syncGroups);
        Objects.requireNonNull(locations, "locations");
        warnings = List.copyOf(warnings);
    }

    /** The instance with this name, if any. */
    public Optional<Instance> instance(String name) {
        return instances.stream().filter(i -> i.name().equals(name)).findFirst();
    }
}
