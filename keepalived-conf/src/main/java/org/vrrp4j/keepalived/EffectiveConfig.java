package org.vrrp4j.keepalived;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vrrp4j.core.config.TrackerConfig;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * Prints a {@link KeepalivedConfig} as the configuration vrrp4j will run (for {@code vrrp4j check}, like
 * {@code keepalived -t}): keepalived.conf syntax with every default written out, so it can be read back
 * with {@link KeepalivedConfigReader}. Notify scripts appear as the {@code exec} provider block they became.
 * Secrets never appear: {@code auth_pass} and secret-looking provider values print as {@code ****}.
 */
public final class EffectiveConfig {
    /** What a secret prints as. */
    public static final String MASK = "****";

    private EffectiveConfig() {
    }

    /** The effective configuration as text. */
    public static String render(KeepalivedConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append("# vrrp4j effective configuration (keepalived.conf syntax, defaults written out)\n");
        for (ConfigWarning w : c.warnings()) {
            sb.append("# warning: ").append(w).append('\n');
        }
        GlobalDefs g = c.global();
        sb.append("\nglobal_defs {\n");
        kv(sb, 1, "router_id", quote(g.routerId()));
        kv(sb, 1, "vrrp_version", String.valueOf(g.vrrpVersion().wireValue()));
        if (g.vrrpV3Ipv4Checksum() != ChecksumForm.IPV4_PSEUDO_HEADER) {
            // vrrp4j's own keyword: written out only when used, so the printed file stays keepalived's otherwise
            kv(sb, 1, "vrrp_v3_ipv4_checksum", checksum(g.vrrpV3Ipv4Checksum()));
        }
        if (!g.vrrpStartupDelay().isZero()) {
            kv(sb, 1, "vrrp_startup_delay", secs(g.vrrpStartupDelay()));
        }
        g.scriptUser().ifPresent(u -> kv(sb, 1, "script_user", u.replace(':', ' ')));
        if (g.enableScriptSecurity()) {
            kv(sb, 1, "enable_script_security", null);
        }
        kv(sb, 1, "vrrp_garp_master_delay", secs(g.garp().masterDelay()));
        kv(sb, 1, "vrrp_garp_master_repeat", String.valueOf(g.garp().masterRepeat()));
        kv(sb, 1, "vrrp_garp_master_refresh", secs(g.garp().masterRefresh()));
        kv(sb, 1, "vrrp_garp_master_refresh_repeat", String.valueOf(g.garp().masterRefreshRepeat()));
        // printed only when given: unset, they follow the master values (keepalived's default)
        g.garp().lowerPrioDelay().ifPresent(d -> kv(sb, 1, "vrrp_garp_lower_prio_delay", secs(d)));
        g.garp().lowerPrioRepeat().ifPresent(n -> kv(sb, 1, "vrrp_garp_lower_prio_repeat", String.valueOf(n)));
        if (!g.garp().interval().isZero()) {
            kv(sb, 1, "vrrp_garp_interval", secs(g.garp().interval()));
        }
        sb.append("}\n");

        for (VrrpScript s : c.scripts().values()) {
            sb.append("\nvrrp_script ").append(s.name()).append(open(c.locations().script(s.name())));
            kv(sb, 1, "script", quoteEscaped(s.script()));
            kv(sb, 1, "interval", secs(s.interval()));
            kv(sb, 1, "timeout", secs(s.timeout()));
            kv(sb, 1, "weight", String.valueOf(s.weight()));
            kv(sb, 1, "rise", String.valueOf(s.rise()));
            kv(sb, 1, "fall", String.valueOf(s.fall()));
            s.user().ifPresent(u -> kv(sb, 1, "user", u.replace(':', ' ')));
            sb.append("}\n");
        }

        for (Instance i : c.instances()) {
            instance(sb, i, c.global().garp(), c.global().vrrpV3Ipv4Checksum(), c.locations());
        }

        for (SyncGroup sg : c.syncGroups()) {
            sb.append("\nvrrp_sync_group ").append(sg.name()).append(open(c.locations().syncGroup(sg.name())));
            indent(sb, 1).append("group {\n");
            for (String m : sg.members()) {
                indent(sb, 2).append(m).append('\n');
            }
            indent(sb, 1).append("}\n");
            for (ProviderBlock p : sg.providers()) {
                p.values().forEach((k, v) -> {
                    String user = p.values().get(userOf(k));
                    boolean userOfAnother = k.endsWith(NotifyScripts.USER_SUFFIX)
                            && p.values().containsKey(k.substring(0, k.length() - NotifyScripts.USER_SUFFIX.length()));
                    if (!k.equals("group") && !userOfAnother) {
                        // keepalived's own form: the command line, then USER [GROUP]
                        kv(sb, 1, k, quoteEscaped(v) + (user == null ? "" : " " + user.replace(':', ' ')));
                    }
                });
            }
            sb.append("}\n");
        }
        return sb.toString();
    }

    private static String userOf(String notifyKey) {
        return notifyKey + NotifyScripts.USER_SUFFIX;
    }

    private static String checksum(ChecksumForm form) {
        return form == ChecksumForm.MESSAGE_ONLY ? "message" : "pseudo_header";
    }

    private static void instance(StringBuilder sb, Instance i, GarpSettings global, ChecksumForm globalChecksum,
            SourceLocations where) {
        VirtualRouterConfig r = i.router();
        sb.append("\nvrrp_instance ").append(i.name()).append(open(where.instance(i.name())));
        kv(sb, 1, "state", i.initialState().name());
        kv(sb, 1, "interface", r.interfaceName());
        kv(sb, 1, "virtual_router_id", String.valueOf(r.vrid()));
        kv(sb, 1, "version", String.valueOf(r.version().wireValue()));
        kv(sb, 1, "priority", String.valueOf(r.priority()));
        kv(sb, 1, "advert_int", r.version() == VrrpVersion.V2 ? String.valueOf(r.advertIntervalCentis() / 100)
                : BigDecimal.valueOf(r.advertIntervalCentis(), 2).stripTrailingZeros().toPlainString());
        kv(sb, 1, r.preempt() ? "preempt" : "nopreempt", null);
        if (!r.preemptDelay().isZero()) {
            kv(sb, 1, "preempt_delay", secs(r.preemptDelay()));
        }
        kv(sb, 1, r.acceptMode() ? "accept" : "no_accept", null);
        if (!r.advertOnLowerPriority()) {
            kv(sb, 1, "lower_prio_no_advert", null);
        }
        if (r.version() == VrrpVersion.V3 && r.family() == IpFamily.IPV4 && r.ipv4ChecksumForm() != globalChecksum) {
            kv(sb, 1, "vrrp_v3_ipv4_checksum", checksum(r.ipv4ChecksumForm()));
        }
        if (r.authKey().isPresent()) {
            indent(sb, 1).append("authentication {\n");
            kv(sb, 2, "auth_type", "PASS");
            kv(sb, 2, "auth_pass", MASK);
            indent(sb, 1).append("}\n");
        }
        indent(sb, 1).append("virtual_ipaddress {\n");
        for (VirtualAddress va : r.virtualAddresses()) {
            StringBuilder line = new StringBuilder(va.address().getHostAddress()).append('/').append(va.prefixLength());
            va.device().ifPresent(d -> line.append(" dev ").append(d));
            va.label().ifPresent(l -> line.append(" label ").append(l));
            if (va.scope() != VirtualAddress.of(va.address()).scope()) {
                line.append(" scope ").append(va.scope().name().toLowerCase(Locale.ROOT));
            }
            indent(sb, 2).append(line).append('\n');
        }
        // keepalived's repeated lines: advertised again, added once (their place in the list is the advert's)
        java.util.List<InetAddress> repeated = new java.util.ArrayList<>(r.advertisedAddresses());
        r.virtualAddresses().forEach(va -> repeated.remove(va.address()));
        for (InetAddress a : repeated) {
            indent(sb, 2).append(a.getHostAddress()).append("    # listed again: advertised twice, added once\n");
        }
        indent(sb, 1).append("}\n");
        r.unicastSource().ifPresent(s -> kv(sb, 1, "unicast_src_ip", s.getHostAddress()));
        if (!r.unicastPeers().isEmpty()) {
            indent(sb, 1).append("unicast_peer {\n");
            for (InetAddress p : r.unicastPeers()) {
                indent(sb, 2).append(p.getHostAddress()).append('\n');
            }
            indent(sb, 1).append("}\n");
        }
        trackers(sb, r, "track_interface", Instance.INTERFACE_TRACKER_PREFIX);
        trackers(sb, r, "track_script", Instance.SCRIPT_TRACKER_PREFIX);
        if (i.useVmac()) {
            kv(sb, 1, "use_vmac", i.vmacName().orElse(null));
        }
        // an instance starts from global_defs' settings (printed above): print its own only where they differ
        if (!i.garp().equals(global)) {
            kv(sb, 1, "garp_master_delay", secs(i.garp().masterDelay()));
            kv(sb, 1, "garp_master_repeat", String.valueOf(i.garp().masterRepeat()));
            kv(sb, 1, "garp_master_refresh", secs(i.garp().masterRefresh()));
            kv(sb, 1, "garp_master_refresh_repeat", String.valueOf(i.garp().masterRefreshRepeat()));
            i.garp().lowerPrioDelay().ifPresent(d -> kv(sb, 1, "garp_lower_prio_delay", secs(d)));
            i.garp().lowerPrioRepeat().ifPresent(n -> kv(sb, 1, "garp_lower_prio_repeat", String.valueOf(n)));
        }
        for (int k = 0; k < i.providers().size(); k++) {
            ProviderBlock p = i.providers().get(k);
            indent(sb, 1).append("failover_provider ").append(p.type()).append(open(where.instanceProvider(i.name(), k)));
            for (Map.Entry<String, String> e : p.values().entrySet()) {
                kv(sb, 2, e.getKey(), ProviderBlock.isSecretKey(e.getKey()) ? MASK : quoteEscaped(e.getValue()));
            }
            indent(sb, 1).append("}\n");
        }
        sb.append("}\n");
    }

    private static void trackers(StringBuilder sb, VirtualRouterConfig r, String keyword, String prefix) {
        var list = r.trackers().stream().filter(t -> t.name().startsWith(prefix)).toList();
        if (list.isEmpty()) {
            return;
        }
        indent(sb, 1).append(keyword).append(" {\n");
        for (TrackerConfig t : list) {
            indent(sb, 2).append(t.name().substring(prefix.length())).append(" weight ").append(t.weight()).append('\n');
        }
        indent(sb, 1).append("}\n");
    }

    /** A block's opening brace, with where it was configured as a comment when that is known. */
    private static String open(Optional<SourceLocation> where) {
        return where.map(w -> " {    # " + w + "\n").orElse(" {\n");
    }

    private static void kv(StringBuilder sb, int level, String key, String value) {
        indent(sb, level).append(key);
        if (value != null) {
            sb.append(' ').append(value);
        }
        sb.append('\n');
    }

    private static StringBuilder indent(StringBuilder sb, int level) {
        return sb.append("    ".repeat(level));
    }

    /** Double-quotes a value when it needs it to stay one word (keepalived has no escapes there). */
    private static String quote(String v) {
        if (v.isEmpty()) {
            return "\"\"";
        }
        boolean plain = v.chars().noneMatch(ch -> Character.isWhitespace(ch) || ch == '"' || ch == '\'' || ch == '\\'
                || ch == '#' || ch == '!' || ch == '{' || ch == '}');
        return plain ? v : "\"" + v + "\"";
    }

    /**
     * Quotes a script command line or a provider value for keepalived's quoted-and-escaped reading:
     * inside double quotes, {@code "} and {@code \} are escaped.
     */
    private static String quoteEscaped(String v) {
        boolean plain = !v.isEmpty() && v.chars().noneMatch(ch -> Character.isWhitespace(ch) || ch == '"'
                || ch == '\'' || ch == '\\' || ch == '#' || ch == '!' || ch == '{' || ch == '}');
        if (plain) {
            return v;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    private static String secs(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }
}
