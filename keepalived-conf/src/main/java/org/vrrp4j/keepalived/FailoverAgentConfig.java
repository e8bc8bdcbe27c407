package org.vrrp4j.keepalived;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A failover.conf of {@code vrrp4j failover-agent}: top-level {@code failover_provider TYPE { ... }}
 * blocks, each naming the keepalived instance ({@code instance VI_1}) or sync group ({@code group G1})
 * whose role it follows, as {@link FailoverAgentConfigReader} read them.
 *
 * @param bindings the blocks in file order
 * @param warnings what the lexer warned about (an include matching nothing, ...)
 */
public record FailoverAgentConfig(List<Binding> bindings, List<ConfigWarning> warnings) {
    public FailoverAgentConfig {
        bindings = List.copyOf(bindings);
        warnings = List.copyOf(warnings);
    }

    /**
     * One block: the provider's configuration ({@code instance}/{@code group} taken out) and what it follows.
     *
     * @param router      the keepalived instance or sync group name
     * @param group       true for {@code group NAME}, false for {@code instance NAME}
     * @param block       the provider's type and keys, as a {@code failover_provider} block inside a
     *                    {@code vrrp_instance} would have them
     * @param where       the block's {@code failover_provider} line
     * @param routerWhere the {@code instance} or {@code group} line
     */
    public record Binding(String router, boolean group, ProviderBlock block, SourceLocation where,
            SourceLocation routerWhere) {
        public Binding {
            Objects.requireNonNull(router, "router");
            Objects.requireNonNull(block, "block");
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(routerWhere, "routerWhere");
        }
    }

    /**
     * Checks that every block names an instance or sync group {@code keepalived} (the keepalived.conf the
     * agent follows) has.
     *
     * @throws ConfigFileException at the first {@code instance} / {@code group} line naming none, listing
     *                             the names there are
     */
    public void requireRoutersIn(KeepalivedConfig keepalived) throws ConfigFileException {
        Set<String> instances = new TreeSet<>();
        keepalived.instances().forEach(i -> instances.add(i.name()));
        Set<String> groups = new TreeSet<>();
        keepalived.syncGroups().forEach(g -> groups.add(g.name()));
        for (Binding b : bindings) {
            Set<String> known = b.group() ? groups : instances;
            if (!known.contains(b.router())) {
                String kind = b.group() ? "vrrp_sync_group" : "vrrp_instance";
                throw new ConfigFileException(b.routerWhere(), (b.group() ? "group " : "instance ") + b.router()
                        + ": no " + kind + " of that name in the keepalived configuration (" + kind + "s there: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            }
        }
    }

    /** The blocks per instance or group name, in file order. */
    public Map<String, List<ProviderBlock>> blocksByRouter() {
        Map<String, List<ProviderBlock>> m = new java.util.LinkedHashMap<>();
        bindings.forEach(b -> m.computeIfAbsent(b.router(), r -> new java.util.ArrayList<>()).add(b.block()));
        return m;
    }
}
