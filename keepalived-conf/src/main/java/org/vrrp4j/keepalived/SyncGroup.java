package org.vrrp4j.keepalived;

import java.util.List;
import java.util.Objects;

/**
 * A {@code vrrp_sync_group}: instances that change state together. Its line is in
 * {@link KeepalivedConfig#locations()}.
 *
 * @param name      the group's name
 * @param members   instance names, in file order; each names an instance of the file
 * @param providers the group's notify scripts as one {@code exec} block with {@code group=true}, if any
 */
public record SyncGroup(String name, List<String> members, List<ProviderBlock> providers) {
    public SyncGroup {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        providers = List.copyOf(providers);
    }
}
