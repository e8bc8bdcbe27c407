package org.vrrp4j.keepalived;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.vrrp4j.core.config.AddressScope;
import org.vrrp4j.core.config.ConfigException;
import org.vrrp4j.core.config.TrackerConfig;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;
import org.vrrp4j.keepalived.ConfigLexer.Line;

/**
 * The keyword level of the reader: keepalived 2.2.7's {@code global_parser.c} and {@code vrrp_parser.c}
 * semantics (defaults, ranges, what is adjusted with a warning) for the keywords vrrp4j supports; the
 * rest of keepalived's keywords are recognised and ignored with a warning, unknown ones likewise.
 * Where keepalived merely logs a bad value and carries on with a default, vrrp4j refuses the file: a
 * configuration that does not mean what it says is not started.
 */
final class ConfigParser {
    private static final Pattern UNSIGNED = Pattern.compile("\\d{1,9}");
    private static final Pattern SIGNED = Pattern.compile("[-+]?\\d{1,9}");
    private static final Pattern DECIMAL = Pattern.compile("(\\d{1,9})(?:\\.(\\d*))?|\\.(\\d+)");
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final long MICROS = 1_000_000L;

    /** keepalived's top-level keywords that vrrp4j does not implement (LVS, BFD, static addresses...). */
    private static final Set<String> UNSUPPORTED_TOP = Set.of("virtual_server", "virtual_server_group",
            "real_server", "static_ipaddress", "static_routes", "static_rules", "track_group", "garp_group",
            "linkbeat_interfaces", "vrrp_track_file", "track_file", "vrrp_track_process", "bfd_instance",
            "interface_up_down_delays", "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets",
            "use_pid_dir", "instance", "child_wait_time", "linkbeat_use_polling", "vrrp_track_bfd");

    /** keepalived's global_defs keywords that vrrp4j reads but does not act on. */
    private static final Set<String> UNSUPPORTED_GLOBAL = Set.of("process_names", "process_name",
            "vrrp_process_name", "checker_process_name", "lvs_process_name", "bfd_process_name",
            "notification_email_from", "smtp_server", "smtp_helo_name", "smtp_connect_timeout",
            "notification_email", "smtp_alert", "startup_script", "startup_script_timeout", "shutdown_script",
            "shutdown_script_timeout", "max_auto_priority", "min_auto_priority_delay", "smtp_alert_vrrp",
            "smtp_alert_checker", "checker_log_all_failures", "dynamic_interfaces", "no_email_faults",
            "default_interface", "disable_local_igmp", "lvs_timeouts", "lvs_flush", "lvs_flush_on_stop",
            "lvs_flush_onstop", "lvs_sync_daemon", "vrrp_mcast_group4", "vrrp_mcast_group6",
            "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat", "vrrp_down_timer_adverts",
            "vrrp_gna_interval", "vrrp_min_garp", "vrrp_garp_extra_if", "vrrp_vmac_garp_intvl",
            "vrrp_lower_prio_no_advert", "vrrp_higher_prio_send_advert", "vrrp_iptables", "vrrp_ipsets",
            "nftables", "nftables_priority", "nftables_ifindex", "nftables_ipvs", "nftables_ipvs_priority",
            "nftables_ipvs_start_fwmark", "nftables_counters", "vrrp_check_unicast_src",
            "vrrp_skip_check_adv_addr", "vrrp_strict", "vrrp_priority", "vrrp_no_swap", "vrrp_rt_priority",
            "vrrp_cpu_affinity", "vrrp_rlimit_rttime", "vrrp_rlimit_rtime", "notify_fifo", "notify_fifo_script",
            "vrrp_notify_fifo", "vrrp_notify_fifo_script", "vrrp_notify_priority_changes",
            "fifo_write_vrrp_states_on_reload", "lvs_notify_fifo", "lvs_notify_fifo_script", "checker_priority",
            "checker_no_swap", "checker_rt_priority", "checker_cpu_affinity", "checker_rlimit_rttime",
            "checker_rlimit_rtime", "bfd_priority", "bfd_no_swap", "bfd_rt_priority", "bfd_cpu_affinity",
            "bfd_rlimit_rttime", "bfd_rlimit_rtime", "snmp_socket", "enable_traps", "enable_snmp_vrrp",
            "enable_snmp_keepalived", "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3",
            "enable_snmp_checker", "enable_dbus", "dbus_service_name", "vrrp_netlink_cmd_rcv_bufs",
            "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
            "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force",
            "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs",
            "lvs_netlink_monitor_rcv_bufs_force", "rs_init_notifies", "no_checker_emails", "vrrp_rx_bufs_policy",
            "vrrp_rx_bufs_multiplier", "vrrp_startup_delay", "log_unknown_vrids", "vmac_prefix",
            "vmac_addr_prefix", "umask", "random_seed", "reload_check_config", "reload_time_file",
            "reload_repeat", "reload_file", "include_check", "config_save_dir", "tmp_config_directory",
            "data_use_instance", "linkbeat_use_polling", "net_namespace", "net_namespace_ipvs",
            "namespace_with_ipsets", "use_pid_dir", "instance", "child_wait_time");

    /** keepalived's vrrp_instance keywords that vrrp4j reads but does not act on. */
    private static final Set<String> UNSUPPORTED_INSTANCE = Set.of("use_vmac_addr", "vmac_xmit_base", "use_ipvlan",
            "unicast_fault_no_peer", "check_unicast_src", "old_unicast_checksum", "native_ipv6", "vrf",
            "dont_track_primary", "track_file", "track_process", "track_bfd", "mcast_dst_ip", "track_src_ip",
            "unicast_ttl", "promote_secondaries", "linkbeat_use_polling", "virtual_routes", "virtual_rules",
            "skip_check_adv_addr", "strict_mode", "debug", "notify_deleted", "notify_master_rx_lower_pri",
            "smtp_alert", "notify_priority_changes", "lvs_sync_daemon_interface", "garp_lower_prio_delay",
            "garp_lower_prio_repeat", "down_timer_adverts", "garp_extra_if", "vmac_garp_intvl",
            "higher_prio_send_advert", "kernel_rx_buf_size");

    private static final Set<String> UNSUPPORTED_SCRIPT = Set.of("init_fail");

    private static final Set<String> UNSUPPORTED_SYNC_GROUP = Set.of("track_interface", "track_script",
            "track_file", "track_process", "track_bfd", "smtp_alert", "global_tracking",
            "sync_group_tracking_weight", "notify_priority_changes");

    private static final List<String> NOTIFY_KEYS = List.of("notify_master", "notify_backup", "notify_fault",
            "notify_stop", "notify");

    private static final Set<String> BLOCK_KEYWORDS = Set.of("global_defs", "vrrp_instance", "vrrp_script",
            "vrrp_sync_group");

    private final Path file;
    private final Function<String, String> env;
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private List<Line> lines;
    private int pos;

    private String routerId;
    private VrrpVersion globalVersion = VrrpVersion.V2;
    private String scriptUser;
    private boolean scriptSecurity;
    private GarpSettings globalGarp = GarpSettings.KEEPALIVED_DEFAULTS;

    private final List<InstanceDraft> instances = new ArrayList<>();
    private final Map<String, VrrpScript> scripts = new LinkedHashMap<>();
    private final List<SyncDraft> groups = new ArrayList<>();

    ConfigParser(Path file, Function<String, String> env) {
        this.file = file;
        this.env = env;
    }

    KeepalivedConfig parse() throws ConfigFileException {
        lines = ConfigLexer.lex(file, warnings);
        while (pos < lines.size()) {
            Line l = lines.get(pos++);
            if (l.isOpen()) {
                throw error(l, "unbalanced braces: '{' without a keyword before it");
            }
            if (l.isClose()) {
                throw error(l, "unbalanced braces: '}' without a matching '{'");
            }
            switch (l.keyword()) {
                case "global_defs" -> globalDefs(l);
                case "vrrp_instance" -> instance(l);
                case "vrrp_script" -> script(l);
                case "vrrp_sync_group" -> syncGroup(l);
                default -> {
                    if (UNSUPPORTED_TOP.contains(l.keyword())) {
                        warn(l, "'" + l.keyword() + "' is not supported by vrrp4j; ignored");
                    } else {
                        warn(l, "unknown keyword '" + l.keyword() + "'; ignored");
                    }
                    skipBlockIfPresent();
                }
            }
        }
        return finish();
    }

    // ---------------------------------------------------------------- block structure

    private void openBlock(Line kw) throws ConfigFileException {
        if (pos >= lines.size() || !lines.get(pos).isOpen()) {
            throw error(kw, "'" + kw.keyword() + "' needs a block: expected '{'");
        }
        pos++;
    }

    /** The next line of the block {@code opener} opened, or null at its closing brace. */
    private Line nextInBlock(Line opener) throws ConfigFileException {
        if (pos >= lines.size()) {
            throw error(opener, "unbalanced braces: the block of '" + opener.text()
                    + "' is not closed ('}' missing) before the end of the file");
        }
        Line l = lines.get(pos++);
        if (l.isClose()) {
            return null;
        }
        if (l.isOpen()) {
            throw error(l, "unexpected '{' (a block needs a keyword before it)");
        }
        return l;
    }

    /** A top-level keyword inside a block means the block's '}' is missing: say so where it is. */
    private void checkNotTopLevel(Line l, Line opener) throws ConfigFileException {
        if (BLOCK_KEYWORDS.contains(l.keyword())) {
            throw error(opener, "unbalanced braces: the block of '" + opener.text() + "' is not closed before '"
                    + l.text() + "' at " + l.where());
        }
    }

    private void skipBlockIfPresent() throws ConfigFileException {
        if (pos >= lines.size() || !lines.get(pos).isOpen()) {
            return;
        }
        Line opener = lines.get(pos++);
        int depth = 1;
        while (depth > 0) {
            if (pos >= lines.size()) {
                throw error(opener, "unbalanced braces: a block opened here is not closed before the end of the file");
            }
            Line l = lines.get(pos++);
            if (l.isOpen()) {
                depth++;
            } else if (l.isClose()) {
                depth--;
            }
        }
    }

    /** The lines of a value block ({@code virtual_ipaddress { ... }}); nested blocks are an error. */
    private List<Line> valueBlock(Line kw) throws ConfigFileException {
        openBlock(kw);
        List<Line> out = new ArrayList<>();
        Line l;
        while ((l = nextInBlock(kw)) != null) {
            checkNotTopLevel(l, kw);
            out.add(l);
        }
        return out;
    }

    private void unknownInBlock(Line l, Line opener, String blockName, Set<String> unsupported)
            throws ConfigFileException {
        checkNotTopLevel(l, opener);
        if (unsupported.contains(l.keyword())) {
            warn(l, "'" + l.keyword() + "' in " + blockName + " is not supported by vrrp4j; ignored");
        } else {
            warn(l, "unknown keyword '" + l.keyword() + "' in " + blockName + "; ignored");
        }
        skipBlockIfPresent();
    }

    // ---------------------------------------------------------------- global_defs

    private void globalDefs(Line opener) throws ConfigFileException {
        openBlock(opener);
        Line l;
        while ((l = nextInBlock(opener)) != null) {
            switch (l.keyword()) {
                case "router_id" -> routerId = arg(l, 1);
                case "vrrp_version" -> globalVersion = version(l);
                case "script_user" -> scriptUser = arg(l, 1) + (l.size() > 2 ? ":" + l.words().get(2) : "");
                case "enable_script_security" -> scriptSecurity = true;
                case "vrrp_garp_master_delay" -> globalGarp = globalGarp.withMasterDelay(seconds(l, 0));
                case "vrrp_garp_master_repeat" -> globalGarp = globalGarp.withMasterRepeat(repeat(l));
                case "vrrp_garp_master_refresh" -> globalGarp = globalGarp.withMasterRefresh(seconds(l, 0));
                case "vrrp_garp_master_refresh_repeat" -> globalGarp = globalGarp.withMasterRefreshRepeat(repeat(l));
                case "vrrp_garp_interval" -> globalGarp = globalGarp.withInterval(
                        Duration.ofNanos(decimalMicros(l, 1, 1, Integer.MAX_VALUE) * 1000));
                default -> unknownInBlock(l, opener, "global_defs", UNSUPPORTED_GLOBAL);
            }
        }
    }

    // ---------------------------------------------------------------- vrrp_instance

    /** What an instance block said, before the core validates it. */
    private static final class InstanceDraft {
        final String name;
        final SourceLocation where;
        final Map<String, SourceLocation> seen = new HashMap<>();
        InitialState state;
        String iface;
        Integer vrid;
        Integer priority;
        long advertMicros = MICROS;
        VrrpVersion version;
        String authType;
        String authPass;
        final List<VirtualAddress> vips = new ArrayList<>();
        boolean nopreempt;
        long preemptDelayMicros;
        Boolean accept;
        boolean lowerPrioNoAdvert;
        InetAddress source;
        final List<InetAddress> peers = new ArrayList<>();
        final List<Tracked> trackInterfaces = new ArrayList<>();
        final List<Tracked> trackScripts = new ArrayList<>();
        final Map<String, String> notify = new LinkedHashMap<>();
        SourceLocation notifyWhere;
        GarpSettings garp;
        boolean useVmac;
        String vmacName;
        final List<ProviderBlock> providers = new ArrayList<>();

        InstanceDraft(String name, SourceLocation where, GarpSettings garp) {
            this.name = name;
            this.where = where;
            this.garp = garp;
        }
    }

    private record Tracked(String name, Integer weight, SourceLocation where) {
    }

    private void instance(Line opener) throws ConfigFileException {
        if (opener.size() != 2) {
            throw error(opener, "vrrp_instance needs exactly one name");
        }
        String name = opener.words().get(1);
        for (InstanceDraft other : instances) {
            if (other.name.equals(name)) {
                throw error(opener, "vrrp_instance " + name + " is already defined at " + other.where);
            }
        }
        // keepalived copies the global garp settings when the instance starts (alloc_vrrp)
        InstanceDraft d = new InstanceDraft(name, opener.where(), globalGarp);
        openBlock(opener);
        Line l;
        while ((l = nextInBlock(opener)) != null) {
            String kw = l.keyword();
            d.seen.put(kw, l.where());
            switch (kw) {
                case "state" -> d.state = switch (arg(l, 1)) {
                    case "MASTER" -> InitialState.MASTER;
                    case "BACKUP" -> InitialState.BACKUP;
                    default -> throw error(l, "state must be MASTER or BACKUP, got '" + l.words().get(1) + "'");
                };
                case "interface" -> {
                    String ifname = arg(l, 1);
                    if (ifname.length() >= 16) {
                        throw error(l, "interface name '" + ifname + "' is longer than 15 characters");
                    }
                    d.iface = ifname;
                }
                case "virtual_router_id" -> d.vrid = unsigned(l, 1, 1, 255);
                case "priority" -> d.priority = unsigned(l, 1, 1, 255);
                case "advert_int" -> d.advertMicros = decimalMicros(l, 1, MICROS / 100, 255 * MICROS);
                case "version" -> d.version = version(l);
                case "authentication" -> authentication(l, d);
                case "virtual_ipaddress" -> {
                    for (Line v : valueBlock(l)) {
                        d.vips.add(virtualAddress(v, d));
                    }
                }
                case "virtual_ipaddress_excluded" -> {
                    valueBlock(l);
                    warn(l, "virtual_ipaddress_excluded is not supported by vrrp4j; these addresses are not added");
                }
                case "nopreempt" -> d.nopreempt = true;
                case "preempt" -> d.nopreempt = false;
                case "preempt_delay" -> d.preemptDelayMicros = decimalMicros(l, 1, 0, 1000 * MICROS);
                case "accept" -> d.accept = true;
                case "no_accept" -> d.accept = false;
                case "lower_prio_no_advert" -> d.lowerPrioNoAdvert = l.size() < 2 || bool(l, 1);
                case "unicast_src_ip", "mcast_src_ip" -> d.source = address(l, arg(l, 1), "source address");
                case "unicast_peer" -> {
                    for (Line v : valueBlock(l)) {
                        d.peers.add(address(v, v.keyword(), "unicast peer"));
                        if (v.size() > 1) {
                            warn(v, "unicast_peer options (" + String.join(" ", v.words().subList(1, v.size()))
                                    + ") are not supported by vrrp4j; ignored");
                        }
                    }
                }
                case "track_interface" -> {
                    for (Line v : valueBlock(l)) {
                        tracked(v, d.trackInterfaces, "track_interface");
                    }
                }
                case "track_script" -> {
                    for (Line v : valueBlock(l)) {
                        tracked(v, d.trackScripts, "track_script");
                    }
                }
                case "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify" -> {
                    String script = notifyScript(l);
                    if (d.notify.containsKey(kw)) {
                        warn(l, kw + " is already set for vrrp_instance " + name + "; this one is ignored (as keepalived does)");
                    } else {
                        d.notify.put(kw, script);
                        if (d.notifyWhere == null) {
                            d.notifyWhere = l.where();
                        }
                    }
                }
                case "garp_master_delay" -> d.garp = d.garp.withMasterDelay(seconds(l, 0));
                case "garp_master_repeat" -> d.garp = d.garp.withMasterRepeat(repeat(l));
                case "garp_master_refresh" -> d.garp = d.garp.withMasterRefresh(seconds(l, 0));
                case "garp_master_refresh_repeat" -> d.garp = d.garp.withMasterRefreshRepeat(repeat(l));
                case "use_vmac" -> {
                    d.useVmac = true;
                    for (String w : l.words().subList(1, Math.min(l.size(), 3))) {
                        if (w.contains(":")) {
                            warn(l, "use_vmac with a MAC address is not supported by vrrp4j; the MAC is ignored");
                        } else if (w.isEmpty() || w.length() >= 16 || w.contains("/") || w.equals(".") || w.equals("..")) {
                            throw error(l, "use_vmac: '" + w + "' is not a valid interface name");
                        } else {
                            d.vmacName = w;
                        }
                    }
                }
                case "failover_provider" -> d.providers.add(providerBlock(l));
                default -> unknownInBlock(l, opener, "vrrp_instance", UNSUPPORTED_INSTANCE);
            }
        }
        instances.add(d);
    }

    private void authentication(Line kw, InstanceDraft d) throws ConfigFileException {
        openBlock(kw);
        Line l;
        while ((l = nextInBlock(kw)) != null) {
            switch (l.keyword()) {
                case "auth_type" -> {
                    d.seen.put("auth_type", l.where());
                    String type = arg(l, 1);
                    switch (type) {
                        case "PASS" -> d.authType = type;
                        case "AH" -> throw error(l, "auth_type AH (IPsec authentication header) is not supported by "
                                + "vrrp4j; use auth_type PASS or no authentication");
                        default -> throw error(l, "auth_type must be PASS or AH, got '" + type + "'");
                    }
                }
                case "auth_pass" -> {
                    d.seen.put("auth_pass", l.where());
                    if (l.size() < 2 || l.words().get(1).isEmpty()) {
                        throw error(l, "auth_pass needs a password");
                    }
                    d.authPass = l.words().get(1);
                    if (VrrpAuthKey.isTruncated(d.authPass)) {
                        warn(l, "auth_pass is longer than " + VrrpAuthKey.LENGTH
                                + " bytes; only the first " + VrrpAuthKey.LENGTH + " are used (as keepalived does)");
                    }
                }
                default -> unknownInBlock(l, kw, "authentication", Set.of());
            }
        }
    }

    /** {@code ADDR[/len] [dev X] [label L] [scope S] ...} (keepalived's {@code alloc_ipaddress}). */
    private VirtualAddress virtualAddress(Line l, InstanceDraft d) throws ConfigFileException {
        String spec = l.keyword();
        int slash = spec.indexOf('/');
        String addrText = slash < 0 ? spec : spec.substring(0, slash);
        InetAddress addr = address(l, addrText, "virtual address");
        int max = addr instanceof Inet4Address ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            String len = spec.substring(slash + 1);
            if (!UNSIGNED.matcher(len).matches() || Integer.parseInt(len) > max) {
                throw error(l, "virtual address " + spec + ": prefix length must be 0.." + max + ", got '" + len + "'");
            }
            prefix = Integer.parseInt(len);
        }
        IpFamily family = IpFamily.of(addr);
        if (!d.vips.isEmpty() && d.vips.getFirst().family() != family) {
            throw error(l, "virtual address " + addrText + " is " + family + " but the instance's first address "
                    + d.vips.getFirst().address().getHostAddress() + " is " + d.vips.getFirst().family()
                    + "; one address family per vrrp_instance (as keepalived requires)");
        }
        Optional<String> dev = Optional.empty();
        Optional<String> label = Optional.empty();
        AddressScope scope = VirtualAddress.of(addr).scope();
        List<String> w = l.words();
        for (int i = 1; i < w.size(); i++) {
            String opt = w.get(i);
            boolean hasValue = i + 1 < w.size();
            switch (opt) {
                case "dev", "label", "scope", "brd", "broadcast", "peer", "preferred_lft", "track_group" -> {
                    if (!hasValue) {
                        throw error(l, "virtual address " + spec + ": '" + opt + "' needs a value");
                    }
                    String v = w.get(++i);
                    switch (opt) {
                        case "dev" -> dev = Optional.of(v);
                        case "label" -> {
                            if (v.length() >= 16) {
                                throw error(l, "virtual address " + spec + ": label '" + v + "' is longer than 15 characters");
                            }
                            label = Optional.of(v);
                        }
                        case "scope" -> {
                            AddressScope s = scope(v);
                            if (s == null) {
                                throw error(l, "virtual address " + spec + ": scope must be global, site, link, host "
                                        + "or nowhere (or 0, 200, 253, 254, 255), got '" + v + "'");
                            }
                            if (family == IpFamily.IPV6) {
                                warn(l, "a scope cannot be given for an IPv6 address (" + spec + "); ignored as keepalived does");
                            } else {
                                scope = s;
                            }
                        }
                        default -> warn(l, "virtual_ipaddress option '" + opt + "' is not supported by vrrp4j; ignored");
                    }
                }
                case "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin", "no_track" ->
                        warn(l, "virtual_ipaddress option '" + opt + "' is not supported by vrrp4j; ignored");
                default -> throw error(l, "virtual address " + spec + ": unknown option '" + opt + "'");
            }
        }
        try {
            return new VirtualAddress(addr, prefix, dev, label, scope);
        } catch (ConfigException e) {
            throw error(l, e.getMessage());
        }
    }

    private static AddressScope scope(String v) {
        for (AddressScope s : AddressScope.values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(v) || String.valueOf(s.rtScope()).equals(v)) {
                return s;
            }
        }
        return null;
    }

    private void tracked(Line v, List<Tracked> into, String what) throws ConfigFileException {
        String name = v.keyword();
        for (Tracked t : into) {
            if (t.name().equals(name)) {
                warn(v, "duplicate " + what + " " + name + "; ignored (as keepalived does)");
                return;
            }
        }
        Integer weight = null;
        if (v.size() >= 2) {
            if (!v.words().get(1).equals("weight")) {
                throw error(v, what + " " + name + ": unknown option '" + v.words().get(1) + "' (only 'weight W')");
            }
            if (v.size() < 3) {
                throw error(v, what + " " + name + ": 'weight' needs a value");
            }
            weight = signed(v, 2, -254, 254, what + " " + name + ": weight");
            if (weight == 254 || weight == -254) {
                warn(v, what + " " + name + ": weight cannot be +/-254; using +/-253 (as keepalived does)");
                weight = weight > 0 ? 253 : -253;
            }
            if (v.size() >= 4) {
                String opt = v.words().get(3);
                if (opt.equals("reverse")) {
                    throw error(v, what + " " + name + ": 'weight ... reverse' is not supported by vrrp4j");
                } else if (!opt.equals("noreverse")) {
                    throw error(v, what + " " + name + ": unknown weight option '" + opt + "'");
                }
            }
        }
        into.add(new Tracked(name, weight, v.where()));
    }

    /**
     * A notify keyword's command line, as keepalived's {@code notify_script_init} reads it: the line is
     * re-split with quotes and escapes, the first argument is the command line (quote it to pass
     * arguments), optional second and third arguments are the user and group to run it as.
     */
    private String notifyScript(Line l) throws ConfigFileException {
        List<String> w = ConfigLexer.quotedEscapedWords(l.text(), l.where());
        if (w.size() < 2 || w.get(1).isBlank()) {
            throw error(l, l.keyword() + " needs a script");
        }
        if (w.size() > 2) {
            warn(l, l.keyword() + ": running the script as another user (" + String.join(" ", w.subList(2, w.size()))
                    + ") is not supported by vrrp4j; it runs as vrrp4j's user. Quote the command line to pass arguments");
        }
        return w.get(1);
    }

    /** {@code failover_provider TYPE { key value... }}: raw strings, validated later by the provider. */
    private ProviderBlock providerBlock(Line l) throws ConfigFileException {
        if (l.size() != 2) {
            throw error(l, "failover_provider needs exactly one provider type, e.g. 'failover_provider netcup { ... }'");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Line v : valueBlock(l)) {
            // vrrp4j's own block: values may be quoted with ' or " and use backslash escapes, like scripts
            List<String> w = ConfigLexer.quotedEscapedWords(v.text(), v.where());
            String key = w.getFirst();
            if (values.containsKey(key)) {
                throw error(v, "failover_provider " + l.words().get(1) + ": duplicate key '" + key + "'");
            }
            values.put(key, String.join(" ", w.subList(1, w.size())));
        }
        return new ProviderBlock(l.words().get(1), values, l.where());
    }

    // ---------------------------------------------------------------- vrrp_script

    private void script(Line opener) throws ConfigFileException {
        if (opener.size() != 2) {
            throw error(opener, "vrrp_script needs exactly one name");
        }
        String name = opener.words().get(1);
        if (scripts.containsKey(name)) {
            throw error(opener, "vrrp_script " + name + " is already defined at " + scripts.get(name).where());
        }
        String script = null;
        long interval = 1;
        Long timeout = null;
        int weight = 0;
        int rise = 1;
        int fall = 1;
        String user = null;
        openBlock(opener);
        Line l;
        while ((l = nextInBlock(opener)) != null) {
            switch (l.keyword()) {
                case "script" -> {
                    List<String> w = ConfigLexer.quotedEscapedWords(l.text(), l.where());
                    if (w.size() < 2 || w.get(1).isBlank()) {
                        throw error(l, "script needs a command");
                    }
                    if (w.size() > 2) {
                        warn(l, "script: words after the command are ignored (as keepalived does); "
                                + "quote the whole command line to pass arguments");
                    }
                    script = w.get(1);
                }
                case "interval" -> interval = atLeastOne(l, "interval");
                case "timeout" -> timeout = atLeastOne(l, "timeout");
                case "weight" -> {
                    weight = signed(l, 1, -253, 253, "'weight'");
                    if (l.size() > 2) {
                        throw error(l, "weight option '" + l.words().get(2) + "' is not supported by vrrp4j");
                    }
                }
                case "rise" -> rise = unsigned(l, 1, 1, Integer.MAX_VALUE);
                case "fall" -> fall = unsigned(l, 1, 1, Integer.MAX_VALUE);
                case "user" -> user = arg(l, 1) + (l.size() > 2 ? ":" + l.words().get(2) : "");
                default -> unknownInBlock(l, opener, "vrrp_script", UNSUPPORTED_SCRIPT);
            }
        }
        if (script == null) {
            throw error(opener, "vrrp_script " + name + " has no 'script' (required)");
        }
        scripts.put(name, new VrrpScript(name, opener.where(), script, Duration.ofSeconds(interval),
                Duration.ofSeconds(timeout == null ? interval : timeout), weight, rise, fall, Optional.ofNullable(user)));
    }

    /** keepalived: 0 means 1 (with a warning), for backward compatibility. */
    private long atLeastOne(Line l, String what) throws ConfigFileException {
        int v = unsigned(l, 1, 0, Integer.MAX_VALUE);
        if (v == 0) {
            warn(l, what + " must be greater than 0; using 1 (as keepalived does)");
            return 1;
        }
        return v;
    }

    // ---------------------------------------------------------------- vrrp_sync_group

    private record SyncDraft(String name, SourceLocation where, List<Tracked> members, Map<String, String> notifyScripts,
            SourceLocation[] notifyWhere) {
    }

    private void syncGroup(Line opener) throws ConfigFileException {
        if (opener.size() != 2) {
            throw error(opener, "vrrp_sync_group needs exactly one name");
        }
        String name = opener.words().get(1);
        for (SyncDraft g : groups) {
            if (g.name().equals(name)) {
                throw error(opener, "vrrp_sync_group " + name + " is already defined at " + g.where());
            }
        }
        SyncDraft g = new SyncDraft(name, opener.where(), new ArrayList<>(), new LinkedHashMap<>(), new SourceLocation[1]);
        boolean haveGroup = false;
        openBlock(opener);
        Line l;
        while ((l = nextInBlock(opener)) != null) {
            String kw = l.keyword();
            switch (kw) {
                case "group" -> {
                    if (haveGroup) {
                        throw error(l, "vrrp_sync_group " + name + ": 'group' is given twice");
                    }
                    haveGroup = true;
                    for (Line v : valueBlock(l)) {
                        for (String member : v.words()) {
                            g.members().add(new Tracked(member, null, v.where()));
                        }
                    }
                }
                case "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify" -> {
                    String script = notifyScript(l);
                    if (g.notifyScripts().containsKey(kw)) {
                        warn(l, kw + " is already set for vrrp_sync_group " + name + "; this one is ignored");
                    } else {
                        g.notifyScripts().put(kw, script);
                        if (g.notifyWhere()[0] == null) {
                            g.notifyWhere()[0] = l.where();
                        }
                    }
                }
                default -> unknownInBlock(l, opener, "vrrp_sync_group", UNSUPPORTED_SYNC_GROUP);
            }
        }
        if (g.members().isEmpty()) {
            throw error(opener, "vrrp_sync_group " + name + " has no members ('group { INSTANCE ... }' is required)");
        }
        groups.add(g);
    }

    // ---------------------------------------------------------------- completion

    private KeepalivedConfig finish() throws ConfigFileException {
        GlobalDefs global = new GlobalDefs(routerId != null ? routerId : hostname(), globalVersion,
                Optional.ofNullable(scriptUser), scriptSecurity, globalGarp);
        List<Instance> built = new ArrayList<>();
        for (InstanceDraft d : instances) {
            built.add(build(d));
        }
        List<SyncGroup> syncGroups = new ArrayList<>();
        Map<String, String> groupOf = new HashMap<>();
        for (SyncDraft g : groups) {
            List<String> members = new ArrayList<>();
            for (Tracked m : g.members()) {
                if (instances.stream().noneMatch(i -> i.name.equals(m.name()))) {
                    throw new ConfigFileException(m.where(), "vrrp_sync_group " + g.name() + ": unknown vrrp_instance '"
                            + m.name() + "'");
                }
                String other = groupOf.putIfAbsent(m.name(), g.name());
                if (other != null) {
                    throw new ConfigFileException(m.where(), "vrrp_sync_group " + g.name() + ": vrrp_instance "
                            + m.name() + " is already in vrrp_sync_group " + other);
                }
                members.add(m.name());
            }
            List<ProviderBlock> providers = new ArrayList<>();
            if (!g.notifyScripts().isEmpty()) {
                Map<String, String> values = new LinkedHashMap<>(g.notifyScripts());
                values.put("group", "true");
                providers.add(new ProviderBlock(ProviderBlock.EXEC, values, g.notifyWhere()[0]));
            }
            syncGroups.add(new SyncGroup(g.name(), g.where(), members, providers));
        }
        return new KeepalivedConfig(global, built, scripts, syncGroups, warnings);
    }

    private Instance build(InstanceDraft d) throws ConfigFileException {
        if (d.iface == null) {
            throw new ConfigFileException(d.where, "vrrp_instance " + d.name + ": 'interface' is required");
        }
        if (d.vrid == null) {
            throw new ConfigFileException(d.where, "vrrp_instance " + d.name + ": 'virtual_router_id' is required (1..255)");
        }
        if (d.vips.isEmpty()) {
            throw new ConfigFileException(d.where, "vrrp_instance " + d.name
                    + ": 'virtual_ipaddress' with at least one address is required");
        }
        IpFamily family = d.vips.getFirst().family();
        // keepalived: an IPv6 instance runs VRRPv3; else the instance's version, else vrrp_version (default 2)
        VrrpVersion version = d.version != null ? d.version : family == IpFamily.IPV6 ? VrrpVersion.V3 : globalVersion;
        // keepalived: no priority means 255 for state MASTER, else 100; no state means MASTER for 255
        int priority = d.priority != null ? d.priority : d.state == InitialState.MASTER ? 255 : 100;
        InitialState state = d.state != null ? d.state : priority == 255 ? InitialState.MASTER : InitialState.BACKUP;
        if (d.nopreempt && priority == 255) {
            warnAt(d.seen.get("nopreempt"), "nopreempt is incompatible with priority 255; preempting (as keepalived does)");
            d.nopreempt = false;
        }
        if (state == InitialState.MASTER) {
            if (d.nopreempt) {
                warnAt(d.seen.get("nopreempt"), "nopreempt does not work with state MASTER; cleared (as keepalived does)");
                d.nopreempt = false;
            }
            if (d.preemptDelayMicros > 0) {
                warnAt(d.seen.get("preempt_delay"), "preempt_delay does not work with state MASTER; cleared (as keepalived does)");
                d.preemptDelayMicros = 0;
            }
        }
        if (d.preemptDelayMicros > 0 && d.nopreempt) {
            warnAt(d.seen.get("preempt_delay"), "preempt_delay is incompatible with nopreempt; cleared (as keepalived does)");
            d.preemptDelayMicros = 0;
        }
        long advert = advertInterval(d, version);

        VirtualRouterConfig.Builder b = VirtualRouterConfig.builder()
                .name(d.name)
                .interfaceName(d.iface)
                .vrid(d.vrid)
                .version(version)
                .priority(priority)
                .advertInterval(Duration.ofNanos(advert * 1000))
                .preempt(!d.nopreempt)
                .preemptDelay(Duration.ofNanos(d.preemptDelayMicros * 1000))
                // keepalived without strict mode: accept mode on unless no_accept
                .acceptMode(d.accept == null || d.accept)
                .advertOnLowerPriority(!d.lowerPrioNoAdvert);
        d.vips.forEach(b::addVirtualAddress);
        for (InetAddress peer : d.peers) {
            b.addUnicastPeer(peer);
        }
        if (d.source != null) {
            b.unicastSource(d.source);
        }
        authKey(d, version).ifPresent(b::authKey);

        List<String> trackInterfaces = new ArrayList<>();
        for (Tracked t : d.trackInterfaces) {
            trackInterfaces.add(t.name());
            b.addTracker(tracker(Instance.INTERFACE_TRACKER_PREFIX + t.name(), t.weight() == null ? 0 : t.weight(), t));
        }
        List<String> trackScripts = new ArrayList<>();
        for (Tracked t : d.trackScripts) {
            VrrpScript s = scripts.get(t.name());
            if (s == null) {
                throw new ConfigFileException(t.where(), "vrrp_instance " + d.name + ": track_script '" + t.name()
                        + "' names no vrrp_script");
            }
            trackScripts.add(t.name());
            b.addTracker(tracker(Instance.SCRIPT_TRACKER_PREFIX + t.name(), t.weight() == null ? s.weight() : t.weight(), t));
        }

        VirtualRouterConfig router;
        try {
            router = b.build();
        } catch (ConfigException e) {
            throw new ConfigFileException(locationOf(d, e.field()), "vrrp_instance " + d.name + ": " + e.getMessage());
        }
        List<ProviderBlock> providers = new ArrayList<>(d.providers);
        if (!d.notify.isEmpty()) {
            providers.add(new ProviderBlock(ProviderBlock.EXEC, d.notify, d.notifyWhere));
        }
        return new Instance(d.name, d.where, router, state, trackInterfaces, trackScripts, d.useVmac,
                Optional.ofNullable(d.vmacName), d.garp, providers);
    }

    private static TrackerConfig tracker(String name, int weight, Tracked t) throws ConfigFileException {
        try {
            return new TrackerConfig(name, weight);
        } catch (ConfigException e) {
            throw new ConfigFileException(t.where(), e.getMessage());
        }
    }

    /** keepalived's {@code vrrp_complete_instance} rules: v2 rounds to whole seconds, v3 to 10 ms; clamps. */
    private long advertInterval(InstanceDraft d, VrrpVersion version) {
        long us = d.advertMicros;
        SourceLocation at = d.seen.get("advert_int");
        if (version == VrrpVersion.V2) {
            if (us >= 256 * MICROS) {
                warnAt(at, "a VRRPv2 advert_int must be less than 256 s; using 255 s (as keepalived does)");
                return 255 * MICROS;
            }
            if (us % MICROS != 0) {
                long rounded = Math.max(MICROS, (us + MICROS / 2) / MICROS * MICROS);
                warnAt(at, "a VRRPv2 advert_int is whole seconds; " + us / (double) MICROS + " s rounded to "
                        + rounded / MICROS + " s (as keepalived does)");
                return rounded;
            }
            return us;
        }
        long centi = MICROS / 100;
        if (us >= 4096 * centi) {
            warnAt(at, "a VRRPv3 advert_int must be less than 40.96 s; using 40.95 s (as keepalived does)");
            return 4095 * centi;
        }
        if (us % centi != 0) {
            long rounded = Math.max(centi, (us + centi / 2) / centi * centi);
            warnAt(at, "a VRRPv3 advert_int is in units of 10 ms; rounded to " + rounded / (double) MICROS + " s");
            return rounded;
        }
        return us;
    }

    /** keepalived's rules: v3 has no authentication, PASS needs a password; both ignored with a warning. */
    private Optional<VrrpAuthKey> authKey(InstanceDraft d, VrrpVersion version) {
        SourceLocation at = d.seen.getOrDefault("authentication", d.where);
        if (d.authType == null) {
            if (d.authPass != null) {
                warnAt(d.seen.get("auth_pass"), "auth_pass without auth_type PASS; no authentication is used");
            }
            return Optional.empty();
        }
        if (version == VrrpVersion.V3) {
            warnAt(at, "VRRP version 3 has no authentication; the authentication block is ignored (as keepalived does)");
            return Optional.empty();
        }
        if (d.authPass == null) {
            warnAt(at, "auth_type PASS without auth_pass; no authentication is used (as keepalived does)");
            return Optional.empty();
        }
        return Optional.of(VrrpAuthKey.ofPassword(d.authPass));
    }

    private static SourceLocation locationOf(InstanceDraft d, String field) {
        String kw = switch (field) {
            case "vrid" -> "virtual_router_id";
            case "priority" -> "priority";
            case "advertInterval" -> "advert_int";
            case "virtualAddresses" -> "virtual_ipaddress";
            case "version" -> d.seen.containsKey("version") ? "version" : "virtual_ipaddress";
            case "authKey" -> "authentication";
            case "unicastPeers" -> "unicast_peer";
            case "unicastSource" -> d.seen.containsKey("unicast_src_ip") ? "unicast_src_ip" : "mcast_src_ip";
            case "preemptDelay" -> "preempt_delay";
            case "trackers" -> d.seen.containsKey("track_interface") ? "track_interface" : "track_script";
            default -> null;
        };
        SourceLocation at = kw == null ? null : d.seen.get(kw);
        return at != null ? at : d.where;
    }

    // ---------------------------------------------------------------- values

    private String arg(Line l, int i) throws ConfigFileException {
        if (l.size() <= i || l.words().get(i).isEmpty()) {
            throw error(l, "'" + l.keyword() + "' needs a value");
        }
        return l.words().get(i);
    }

    private int unsigned(Line l, int i, int min, int max) throws ConfigFileException {
        String v = arg(l, i);
        if (!UNSIGNED.matcher(v).matches() || Long.parseLong(v) < min || Long.parseLong(v) > max) {
            throw error(l, "'" + l.keyword() + "' must be an integer " + min + ".." + max + ", got '" + v + "'");
        }
        return Integer.parseInt(v);
    }

    private int signed(Line l, int i, int min, int max, String what) throws ConfigFileException {
        String v = arg(l, i);
        if (!SIGNED.matcher(v).matches() || Long.parseLong(v) < min || Long.parseLong(v) > max) {
            throw error(l, what + " must be an integer " + min + ".." + max + ", got '" + v + "'");
        }
        return Integer.parseInt(v);
    }

    /** keepalived's decimal seconds (up to 6 decimal places), as microseconds. */
    private long decimalMicros(Line l, int i, long min, long max) throws ConfigFileException {
        String v = arg(l, i);
        var m = DECIMAL.matcher(v);
        String rule = "'" + l.keyword() + "' must be a number of seconds from " + fmtSeconds(min) + " to "
                + fmtSeconds(max) + " (at most 6 decimal places), got '" + v + "'";
        if (!m.matches()) {
            throw error(l, rule);
        }
        String whole = m.group(1) != null ? m.group(1) : "0";
        String frac = m.group(1) != null ? (m.group(2) == null ? "" : m.group(2)) : m.group(3);
        if (frac.length() > 6) {
            throw error(l, rule);
        }
        long us = Long.parseLong(whole) * MICROS + (frac.isEmpty() ? 0 : Long.parseLong((frac + "000000").substring(0, 6)));
        if (us < min || us > max) {
            throw error(l, rule);
        }
        return us;
    }

    private static String fmtSeconds(long micros) {
        return micros % MICROS == 0 ? String.valueOf(micros / MICROS)
                : java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }

    private Duration seconds(Line l, int min) throws ConfigFileException {
        return Duration.ofSeconds(unsigned(l, 1, min, Integer.MAX_VALUE));
    }

    private int repeat(Line l) throws ConfigFileException {
        int n = unsigned(l, 1, 0, Integer.MAX_VALUE);
        if (n == 0) {
            warn(l, "'" + l.keyword() + "' must be greater than 0; using 1 (as keepalived does)");
            return 1;
        }
        return n;
    }

    private VrrpVersion version(Line l) throws ConfigFileException {
        return switch (arg(l, 1)) {
            case "2" -> VrrpVersion.V2;
            case "3" -> VrrpVersion.V3;
            default -> throw error(l, "'" + l.keyword() + "' must be 2 or 3, got '" + l.words().get(1) + "'");
        };
    }

    private boolean bool(Line l, int i) throws ConfigFileException {
        return switch (arg(l, i)) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw error(l, "'" + l.keyword() + "' must be true/false, on/off or yes/no, got '"
                    + l.words().get(i) + "'");
        };
    }

    /** A literal IPv4 or IPv6 address, never a host name (no DNS lookups while reading configuration). */
    private InetAddress address(Line l, String text, String what) throws ConfigFileException {
        InetAddress a = null;
        try {
            if (IPV4.matcher(text).matches()) {
                boolean ok = true;
                for (String part : text.split("\\.")) {
                    ok &= Integer.parseInt(part) <= 255;
                }
                a = ok ? InetAddress.getByName(text) : null;
            } else if (text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches()) {
                a = InetAddress.getByName(text);
                if (!(a instanceof Inet6Address)) {
                    a = null; // an IPv4-mapped form: keepalived treats it as IPv6, the JDK as IPv4; refuse
                }
            }
        } catch (UnknownHostException | NumberFormatException e) {
            a = null;
        }
        if (a == null) {
            throw error(l, what + " '" + text + "' is not an IPv4 or IPv6 address");
        }
        return a;
    }

    private String hostname() {
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

    // ---------------------------------------------------------------- reporting

    private static ConfigFileException error(Line l, String rule) {
        return new ConfigFileException(l.where(), rule);
    }

    private void warn(Line l, String message) {
        warnAt(l.where(), message);
    }

    private void warnAt(SourceLocation at, String message) {
        SourceLocation where = at != null ? at : new SourceLocation(file, 0);
        warnings.add(new ConfigWarning(where.file(), where.line(), message));
    }
}
