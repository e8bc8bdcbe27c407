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

    GlobalDefsReader(BlockCursor c) {
        this.c = c;
    }

    /** The global garp settings as read so far: keepalived copies them into an instance when it reads it. */
    GarpSettings garp() {
        return garp;
    }

    /** {@code vrrp_version}, default 2. */
    VrrpVersion version() {
        return version;
    }

    void read(Line opener) throws ConfigFileException {
        c.openBlock(opener);
        Line l;
        while ((l = c.nextKeyword(opener, Block.GLOBAL_DEFS)) != null) {
            switch (l.keyword()) {
                case "router_id" -> routerId = arg(l, 1);
                case "vrrp_version" -> version = Values.version(l);
                case "script_user" -> scriptUser = arg(l, 1) + (l.size() > 2 ? ":" + l.words().get(2) : "");
                case "enable_script_security" -> scriptSecurity = true;
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
                scriptSecurity, garp);
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
