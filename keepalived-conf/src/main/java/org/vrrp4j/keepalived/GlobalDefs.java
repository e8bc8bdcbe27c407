package org.vrrp4j.keepalived;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * The {@code global_defs} block, with keepalived's defaults for what is absent.
 *
 * @param routerId             {@code router_id}; default the host's name
 * @param vrrpVersion          {@code vrrp_version}; default 2 as in keepalived (IPv6 instances use 3 regardless)
 * @param scriptUser           {@code script_user} (user, or {@code user:group}); empty means keepalived's default
 * @param enableScriptSecurity {@code enable_script_security}
 * @param garp                 the {@code vrrp_garp_*} defaults that instances start from
 * @param vrrpV3Ipv4Checksum   vrrp4j's {@code vrrp_v3_ipv4_checksum}: the checksum form VRRPv3 adverts over IPv4
 *                             carry unless an instance says otherwise; default {@link ChecksumForm#IPV4_PSEUDO_HEADER}
 *                             (keepalived's), {@link ChecksumForm#MESSAGE_ONLY} is RFC 9568's (Cisco, Juniper, Arista)
 * @param vrrpStartupDelay     {@code vrrp_startup_delay}: for this long after the daemon starts no router becomes
 *                             master (they start as backups and follow a master they hear); zero for none (the default)
 */
public record GlobalDefs(String routerId, VrrpVersion vrrpVersion, Optional<String> scriptUser,
        boolean enableScriptSecurity, GarpSettings garp, ChecksumForm vrrpV3Ipv4Checksum, Duration vrrpStartupDelay) {
    public GlobalDefs {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(vrrpVersion, "vrrpVersion");
        Objects.requireNonNull(scriptUser, "scriptUser");
        Objects.requireNonNull(garp, "garp");
        Objects.requireNonNull(vrrpV3Ipv4Checksum, "vrrpV3Ipv4Checksum");
        if (vrrpV3Ipv4Checksum == ChecksumForm.IPV6_PSEUDO_HEADER) {
            throw new IllegalArgumentException("vrrpV3Ipv4Checksum must be MESSAGE_ONLY or IPV4_PSEUDO_HEADER");
        }
        Objects.requireNonNull(vrrpStartupDelay, "vrrpStartupDelay");
        if (vrrpStartupDelay.isNegative()) {
            throw new IllegalArgumentException("vrrpStartupDelay must not be negative: " + vrrpStartupDelay);
        }
    }

    /** The global settings with keepalived's checksum form ({@link ChecksumForm#IPV4_PSEUDO_HEADER}) and no startup delay. */
    public GlobalDefs(String routerId, VrrpVersion vrrpVersion, Optional<String> scriptUser,
            boolean enableScriptSecurity, GarpSettings garp) {
        this(routerId, vrrpVersion, scriptUser, enableScriptSecurity, garp, ChecksumForm.IPV4_PSEUDO_HEADER,
                Duration.ZERO);
    }
}
