package org.vrrp4j.keepalived;

import java.util.Objects;
import java.util.Optional;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * The {@code global_defs} block, with keepalived's defaults for what is absent.
 *
 * @param routerId             {@code router_id}; default the host's name
 * @param vrrpVersion          {@code vrrp_version}; default 2 as in keepalived (IPv6 instances use 3 regardless)
 * @param scriptUser           {@code script_user} (user, or {@code user:group}); empty means keepalived's default
 * @param enableScriptSecurity {@code enable_script_security}
 * @param garp                 the {@code vrrp_garp_*} defaults that instances start from
 */
public record GlobalDefs(String routerId, VrrpVersion vrrpVersion, Optional<String> scriptUser,
        boolean enableScriptSecurity, GarpSettings garp) {
    public GlobalDefs {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(vrrpVersion, "vrrpVersion");
        Objects.requireNonNull(scriptUser, "scriptUser");
        Objects.requireNonNull(garp, "garp");
    }
}
