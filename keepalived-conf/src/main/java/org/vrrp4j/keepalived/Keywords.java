package org.vrrp4j.keepalived;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vrrp4j.keepalived.Keyword.Block;
import org.vrrp4j.keepalived.Keyword.Support;

/**
 * Every keyword the reader knows, by block, with what it does with it: the single source of truth the
 * readers consult before reading a line (an unlisted keyword is warned about as unknown, an
 * {@link Support#UNSUPPORTED} one as unsupported, an {@link Support#IGNORED} one as read but not acted
 * on), and from which documentation is generated.
 */
public final class Keywords {
    private static final List<String> NOTIFY = List.of("notify_master", "notify_backup", "notify_fault", "notify_stop",
            "notify");
    private static final String NOTIFY_USER = "SCRIPT [USER [GROUP]]: with USER the script runs as that user (and"
            + " GROUP, else the user's group), else as script_user";
    private static final String LOAD_BALANCER = "keepalived's load balancer (IPVS, health checkers): vrrp4j runs"
            + " none; keep keepalived for it (vrrp4j's systemd unit conflicts with keepalived.service)";

    private static final String V3_IPV4_CHECKSUM = "vrrp4j's extension: message|pseudo_header, the checksum"
            + " VRRPv3 adverts over IPv4 carry: pseudo_header (default) as keepalived, FRR and Wireshark, message as"
            + " RFC 9568 §5.2.8, Cisco, Juniper and Arista; received adverts are accepted in either form (keepalived"
            + " warns about the unknown keyword and goes on)";

    private static final List<Keyword> ALL;
    private static final Map<Block, Map<String, Keyword>> BY_BLOCK;

    static {
        Table t = new Table();
        t.supportedWithNote(Block.ANYWHERE, "include", "splices the files a glob pattern matches, relative to the including file");
        t.supported(Block.TOP_LEVEL, "global_defs", "vrrp_instance", "vrrp_script", "vrrp_sync_group");
        for (String lvs : List.of("virtual_server", "virtual_server_group", "real_server")) {
            t.unsupportedWithNote(Block.TOP_LEVEL, lvs, LOAD_BALANCER);
        }
        for (String st : List.of("static_ipaddress", "static_routes", "static_rules")) {
            t.unsupportedWithNote(Block.TOP_LEVEL, st, "keepalived's static addresses, routes and rules: vrrp4j does"
                    + " not configure them; use the system's network configuration");
        }
        for (String tr : List.of("vrrp_track_file", "track_file", "vrrp_track_process", "bfd_instance",
                "vrrp_track_bfd")) {
            t.unsupportedWithNote(Block.TOP_LEVEL, tr, "a tracker vrrp4j does not run: use a vrrp_script instead");
        }
        t.unsupported(Block.TOP_LEVEL, "track_group", "garp_group", "linkbeat_interfaces", "interface_up_down_delays",
                "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "use_pid_dir", "instance",
                "child_wait_time", "linkbeat_use_polling");

        t.supportedWithNote(Block.GLOBAL_DEFS, "vrrp_startup_delay", "no router becomes master until this long after"
                + " the daemon started (not on reload): routers start as backups, follow a master they hear, and"
                + " their master-down timers count from the end of the delay, as keepalived's");
        t.supported(Block.GLOBAL_DEFS, "router_id", "vrrp_version", "vrrp_garp_master_delay",
                "vrrp_garp_master_repeat", "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat",
                "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat");
        t.supportedWithNote(Block.GLOBAL_DEFS, "script_user", "scripts run as this user (setpriv); without it as"
                + " keepalived_script if that user exists, else as vrrp4j's user; a user vrrp4j cannot switch to is an error");
        t.supportedWithNote(Block.GLOBAL_DEFS, "enable_script_security", "a script run as root whose file or any"
                + " directory above it a non-root user may change is an error");
        t.supportedWithNote(Block.GLOBAL_DEFS, "vrrp_v3_ipv4_checksum", V3_IPV4_CHECKSUM);
        t.ignored(Block.GLOBAL_DEFS, "vrrp_garp_interval",
                "vrrp4j does not space the gratuitous ARP / NA messages of a burst by this interval");
        t.unsupported(Block.GLOBAL_DEFS, "process_names", "process_name", "vrrp_process_name",
                "checker_process_name", "lvs_process_name", "bfd_process_name", "notification_email_from",
                "smtp_server", "smtp_helo_name", "smtp_connect_timeout", "notification_email", "smtp_alert",
                "startup_script", "startup_script_timeout", "shutdown_script", "shutdown_script_timeout",
                "max_auto_priority", "min_auto_priority_delay", "smtp_alert_vrrp", "smtp_alert_checker",
                "checker_log_all_failures", "dynamic_interfaces", "no_email_faults", "default_interface",
                "disable_local_igmp", "lvs_timeouts", "lvs_flush", "lvs_flush_on_stop", "lvs_flush_onstop",
                "lvs_sync_daemon", "vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_down_timer_adverts", "vrrp_gna_interval", "vrrp_min_garp",
                "vrrp_garp_extra_if", "vrrp_vmac_garp_intvl", "vrrp_lower_prio_no_advert",
                "vrrp_higher_prio_send_advert", "vrrp_iptables", "vrrp_ipsets", "nftables", "nftables_priority",
                "nftables_ifindex", "nftables_ipvs", "nftables_ipvs_priority", "nftables_ipvs_start_fwmark",
                "nftables_counters", "vrrp_check_unicast_src", "vrrp_skip_check_adv_addr", "vrrp_strict",
                "vrrp_priority", "vrrp_no_swap", "vrrp_rt_priority", "vrrp_cpu_affinity", "vrrp_rlimit_rttime",
                "vrrp_rlimit_rtime", "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo",
                "vrrp_notify_fifo_script", "vrrp_notify_priority_changes", "fifo_write_vrrp_states_on_reload",
                "lvs_notify_fifo", "lvs_notify_fifo_script", "checker_priority", "checker_no_swap",
                "checker_rt_priority", "checker_cpu_affinity", "checker_rlimit_rttime", "checker_rlimit_rtime",
                "bfd_priority", "bfd_no_swap", "bfd_rt_priority", "bfd_cpu_affinity", "bfd_rlimit_rttime",
                "bfd_rlimit_rtime", "snmp_socket", "enable_traps", "enable_snmp_vrrp", "enable_snmp_keepalived",
                "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_snmp_checker", "enable_dbus",
                "dbus_service_name", "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force",
                "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs",
                "process_monitor_rcv_bufs_force", "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force",
                "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force", "rs_init_notifies",
                "no_checker_emails", "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier",
                "log_unknown_vrids", "vmac_prefix", "vmac_addr_prefix", "umask", "random_seed",
                "reload_check_config", "reload_time_file", "reload_repeat", "reload_file", "include_check",
                "config_save_dir", "tmp_config_directory", "data_use_instance", "linkbeat_use_polling",
                "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "use_pid_dir", "instance",
                "child_wait_time");

        t.supported(Block.VRRP_INSTANCE, "state", "interface", "virtual_router_id", "priority", "advert_int",
                "version", "authentication", "virtual_ipaddress", "nopreempt", "preempt", "preempt_delay");
        t.supportedWithNote(Block.VRRP_INSTANCE, "accept", "a master accepts packets to the virtual addresses"
                + " (keepalived's default without vrrp_strict)");
        t.supportedWithNote(Block.VRRP_INSTANCE, "no_accept", "a master that is not the owner drops packets to the"
                + " virtual addresses (IPv6 Neighbor Discovery excepted) through an nftables table of its own, as"
                + " keepalived's firewall table; needs the nft command");
        t.ignored(Block.VRRP_INSTANCE, "virtual_ipaddress_excluded", "vrrp4j does not add these addresses");
        t.supported(Block.VRRP_INSTANCE, "lower_prio_no_advert", "unicast_src_ip", "mcast_src_ip", "unicast_peer",
                "track_interface", "track_script");
        for (String notify : NOTIFY) {
            t.supportedWithNote(Block.VRRP_INSTANCE, notify, NOTIFY_USER);
        }
        for (String garp : List.of("garp_master_delay", "garp_master_repeat", "garp_master_refresh",
                "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat")) {
            t.ignored(Block.VRRP_INSTANCE, garp, "per-instance values are not supported; global_defs'"
                    + " vrrp_garp_master_* apply to every instance");
        }
        t.supported(Block.VRRP_INSTANCE, "use_vmac");
        t.supportedWithNote(Block.VRRP_INSTANCE, "vrrp_v3_ipv4_checksum", V3_IPV4_CHECKSUM
                + "; the instance's value overrides global_defs'");
        t.supportedWithNote(Block.VRRP_INSTANCE, "failover_provider", "vrrp4j's extension: a failover provider block; besides the provider's keys, the runtime's retry, reverify,"
                + " release and check_interval (README: Failover providers)");
        t.unsupported(Block.VRRP_INSTANCE, "use_vmac_addr", "vmac_xmit_base", "use_ipvlan", "unicast_fault_no_peer",
                "check_unicast_src", "old_unicast_checksum", "native_ipv6", "vrf", "dont_track_primary", "track_file",
                "track_process", "track_bfd", "mcast_dst_ip", "track_src_ip", "unicast_ttl", "promote_secondaries",
                "linkbeat_use_polling", "virtual_routes", "virtual_rules", "skip_check_adv_addr", "strict_mode",
                "debug", "notify_deleted", "notify_master_rx_lower_pri", "smtp_alert", "notify_priority_changes",
                "lvs_sync_daemon_interface", "down_timer_adverts",
                "garp_extra_if", "vmac_garp_intvl", "higher_prio_send_advert", "kernel_rx_buf_size");

        t.supported(Block.AUTHENTICATION, "auth_type", "auth_pass");

        t.supported(Block.VRRP_SCRIPT, "script", "interval", "timeout", "weight", "rise", "fall");
        t.supportedWithNote(Block.VRRP_SCRIPT, "user", "the check runs as this user (and group), as script_user");
        t.unsupported(Block.VRRP_SCRIPT, "init_fail");

        t.supported(Block.VRRP_SYNC_GROUP, "group");
        for (String notify : NOTIFY) {
            t.supportedWithNote(Block.VRRP_SYNC_GROUP, notify, NOTIFY_USER);
        }
        t.unsupported(Block.VRRP_SYNC_GROUP, "track_interface", "track_script", "track_file", "track_process",
                "track_bfd", "smtp_alert", "global_tracking", "sync_group_tracking_weight", "notify_priority_changes");

        ALL = List.copyOf(t.all);
        Map<Block, Map<String, Keyword>> byBlock = new EnumMap<>(Block.class);
        t.byBlock.forEach((b, m) -> byBlock.put(b, Collections.unmodifiableMap(m)));
        BY_BLOCK = Collections.unmodifiableMap(byBlock);
    }

    private Keywords() {
    }

    /** Every keyword the reader knows, grouped by block; unmodifiable. */
    public static List<Keyword> all() {
        return ALL;
    }

    /** The keyword {@code name} of {@code block}, if the reader knows it there. */
    public static Optional<Keyword> find(Block block, String name) {
        return Optional.ofNullable(BY_BLOCK.getOrDefault(block, Map.of()).get(name));
    }

    /** Collects entries; a keyword listed twice in one block is a mistake in the table. */
    private static final class Table {
        final List<Keyword> all = new ArrayList<>();
        final Map<Block, Map<String, Keyword>> byBlock = new EnumMap<>(Block.class);

        void add(Keyword k) {
            if (byBlock.computeIfAbsent(k.block(), b -> new LinkedHashMap<>()).putIfAbsent(k.name(), k) != null) {
                throw new IllegalStateException("keyword " + k.name() + " listed twice in " + k.block());
            }
            all.add(k);
        }

        void supported(Block block, String... names) {
            for (String n : names) {
                add(new Keyword(n, block, Support.SUPPORTED, ""));
            }
        }

        void supportedWithNote(Block block, String name, String note) {
            add(new Keyword(name, block, Support.SUPPORTED, note));
        }

        void unsupportedWithNote(Block block, String name, String note) {
            add(new Keyword(name, block, Support.UNSUPPORTED, note));
        }

        void ignored(Block block, String name, String note) {
            add(new Keyword(name, block, Support.IGNORED, note));
        }

        void unsupported(Block block, String... names) {
            for (String n : names) {
                add(new Keyword(n, block, Support.UNSUPPORTED, ""));
            }
        }
    }
}
