package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.Values.arg;
import static org.vrrp4j.keepalived.Values.decimalMicros;
import static org.vrrp4j.keepalived.Values.repeat;
import static org.vrrp4j.keepalived.Values.seconds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.VrrpVersion;
import org.vrrp4j.keepalived.ConfigLexer.Line;
import org.vrrp4j.keepalived.Keyword.Block;

/** {@code global_defs} (keepalived's {@code global_parser.c}); several blocks add up, later values win. */
final class GlobalDefsReader {
    private final BlockCursor c;
    private String routerId;
    private VrrpVersion version = VrrpVersion.V2;
    private String scriptUser;
    private boolean scriptSecurity;
    private GarpSettings garp = GarpSettings.KEEPALIVED_DEFAULTS;
    private ChecksumForm ipv4Checksum = ChecksumForm.IPV4_PSEUDO_HEADER;
    private Duration startupDelay = Duration.ZERO;

    private final SourceLocations.Builder locations;

    GlobalDefsReader(BlockCursor c, SourceLocations.Builder locations) {
        this.c = c;
        this.locations = locations;
    }

    /** The global garp settings as read so far: keepalived copies them into an instance when it reads it. */
    GarpSettings garp() {
        return garp;
    }

    /** {@code vrrp_version}, default 2. */
    VrrpVersion version() {
        return version;
    }

    /** {@code vrrp_v3_ipv4_checksum}, default {@code pseudo_header} (keepalived's form); instances may override it. */
    ChecksumForm ipv4Checksum() {
        return ipv4Checksum;
    }

    void read(Line opener) throws ConfigFileException {
        c.openBlock(opener);
        Line l;
        while ((l = c.nextKeyword(opener, Block.GLOBAL_DEFS)) != null) {
            switch (l.keyword()) {
                case "router_id" -> routerId = arg(l, 1);
                case "vrrp_version" -> version = Values.version(l);
                case "script_user" -> {
                    scriptUser = arg(l, 1) + (l.size() > 2 ? ":" + l.words().get(2) : "");
                    locations.global("script_user", l.where());
                }
                case "enable_script_security" -> {
                    scriptSecurity = true;
                    locations.global("enable_script_security", l.where());
                }
                case "vrrp_v3_ipv4_checksum" -> ipv4Checksum = Values.ipv4ChecksumForm(l);
                case "vrrp_startup_delay" -> {
                    // keepalived: 1 ms up to UINT_MAX µs, decimal seconds; it logs a "very large" value from 60 s
                    startupDelay = Duration.ofNanos(decimalMicros(l, 1, 1000, 0xFFFF_FFFFL) * 1000);
                    if (startupDelay.compareTo(Duration.ofSeconds(60)) >= 0) {
                        c.warn(l, "the vrrp_startup_delay is very large - " + l.words().get(1)
                                + " seconds (as keepalived says); no router becomes master before it ends");
                    }
                }
                case "vrrp_garp_master_delay" -> garp = garp.withMasterDelay(seconds(l, 0));
                case "vrrp_garp_master_repeat" -> garp = garp.withMasterRepeat(repeat(l, c));
                case "vrrp_garp_master_refresh" -> garp = garp.withMasterRefresh(seconds(l, 0));
                case "vrrp_garp_master_refresh_repeat" -> garp = garp.withMasterRefreshRepeat(repeat(l, c));
                case "vrrp_garp_lower_prio_delay" -> garp = garp.withLowerPrioDelay(seconds(l, 0));
                case "vrrp_garp_lower_prio_repeat" -> garp = garp.withLowerPrioRepeat(Values.unsigned(l, 1, 0, Integer.MAX_VALUE));
                case "vrrp_garp_interval" -> garp = garp.withInterval(
                        Duration.ofNanos(decimalMicros(l, 1, 1, Integer.MAX_VALUE) * 1000));
                default -> throw BlockCursor.notInSwitch(l, Block.GLOBAL_DEFS);
            }
        }
    }

    /** The global settings with keepalived's defaults for what was not given. */
    GlobalDefs build(Function<String, String> env) {
        return new GlobalDefs(routerId != null ? routerId : hostname(env), version, Optional.ofNullable(scriptUser),
                scriptSecurity, garp, ipv4Checksum, startupDelay);
    }

    /** keepalived's default config_id (for {@code @ID} lines): the host's name up to its first dot. */
    static String configId(Function<String, String> env) {
        String h = hostname(env);
        int dot = h.indexOf('.');
        return dot < 0 ? h : h.substring(0, dot);
    }

    /** keepalived's default {@code router_id}: the host's name. */
    private static String hostname(Function<String, String> env) {
        String h = env.apply("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h.strip();
        }
        for (String f : List.of("/proc/sys/kernel/hostname", "/etc/hostname")) {
            try {
                String s = Files.readString(Path.of(f), StandardCharsets.UTF_8).strip();
                if (!s.isEmpty()) {
                    return s;
                }
            } catch (IOException | RuntimeException e) {
                // try the next source
            }
        }
        return "localhost";
    }
}
