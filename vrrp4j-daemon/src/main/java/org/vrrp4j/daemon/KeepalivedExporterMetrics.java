package org.vrrp4j.daemon;

import static org.vrrp4j.daemon.Metric.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.fsm.RouterCounters;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.daemon.Metric.Sample;
import org.vrrp4j.daemon.Metric.Scope;
import org.vrrp4j.daemon.Metric.Type;
import org.vrrp4j.netty.RouterStatus;

/**
 * The VRRP families of the two keepalived exporters in use, with their names, labels, help texts and
 * value encodings, so Grafana dashboards and alerts built on keepalived + an exporter keep working
 * ({@code vrrp4j run --metrics-names}). Both read keepalived's {@code vrrp_stats_t} counters
 * (keepalived/include/vrrp.h); vrrp4j's counters map onto them as keepalived 2.2.7's vrrp.c counts:
 *
 * <ul>
 *   <li><b>keepalived-exporter</b>: github.com/mehdy/keepalived-exporter (maintained, ships a Grafana
 *       dashboard), matched against {@code internal/collector/collector.go} ({@code fillMetrics} and
 *       {@code Collect}) at commit 5aedbfb6a6ca2f0bcea65ceb8711093d45363471: labels
 *       {@code iname,intf,vrid}; {@code keepalived_vrrp_state{iname,intf,vrid,ip_address}} one sample per
 *       virtual address (the address as keepalived's data dump writes it: {@code /prefix} unless /32 or
 *       /128; {@code intf} the address's device), value 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT
 *       ({@code VRRPStates} in {@code parser.go}); one sample with {@code ip_address=""} when there is none.</li>
 *   <li><b>keepalived_exporter</b>: github.com/gen2brain/keepalived_exporter, matched against
 *       {@code collector/collector.go} at commit 53a0c0aeda23f518a0da1de4d4d665c66694368e: labels
 *       {@code name,intf,vrid,state} with the state as text (INIT, BACKUP, MASTER, FAULT), counters named
 *       after keepalived's fields ({@code keepalived_vrrp_advert_rcvd}, ...). That exporter reports
 *       {@code advert_interval_err} as {@code ip_ttl_err} (a copy-paste slip); vrrp4j reports TTL errors.</li>
 * </ul>
 *
 * {@code invalid_authtype} is {@link DropReason#AUTH_TYPE_INVALID} (v2 auth type 3 and up, keepalived's
 * "Invalid auth type"); {@code authtype_mismatch} adds {@link DropReason#AUTH_TYPE_AH_UNSUPPORTED} to
 * {@link DropReason#AUTH_TYPE_MISMATCH}, as keepalived counts an AH packet at a router not configured for AH.
 */
final class KeepalivedExporterMetrics {
    private KeepalivedExporterMetrics() {
    }

    /** Which names {@code /metrics} carries. */
    enum Names {
        /** vrrp4j's own (the default). */
        VRRP4J,
        /** vrrp4j's, and mehdy/keepalived-exporter's VRRP families. */
        KEEPALIVED_EXPORTER,
        /** vrrp4j's, and gen2brain/keepalived_exporter's VRRP families. */
        KEEPALIVED_UNDERSCORE_EXPORTER,
        /** vrrp4j's and both exporters' (their names do not collide; keepalived_up once). */
        KEEPALIVED;

        /** The command-line spelling. */
        String spelling() {
            return switch (this) {
                case VRRP4J -> "vrrp4j";
                case KEEPALIVED_EXPORTER -> "keepalived-exporter";
                case KEEPALIVED_UNDERSCORE_EXPORTER -> "keepalived_exporter";
                case KEEPALIVED -> "keepalived";
            };
        }

        /** Parses the command-line spelling. */
        static Names parse(String s) {
            for (Names n : values()) {
                if (n.spelling().equals(s)) {
                    return n;
                }
            }
            throw new IllegalArgumentException("expected vrrp4j, keepalived, keepalived-exporter or keepalived_exporter, got '"
                    + s + "'");
        }

        /** The table {@code /metrics} renders. */
        List<Metric> table() {
            List<Metric> t = new ArrayList<>();
            if (this == KEEPALIVED_EXPORTER || this == KEEPALIVED) {
                t.addAll(MEHDY);
            }
            if (this == KEEPALIVED_UNDERSCORE_EXPORTER) {
                t.add(UP);
            }
            if (this == KEEPALIVED_UNDERSCORE_EXPORTER || this == KEEPALIVED) {
                t.addAll(GEN2BRAIN);
            }
            t.addAll(MetricTable.VRRP4J);
            return List.copyOf(t);
        }
    }

    /** keepalived's state names, in the order of its numbers. */
    static String stateName(State s) {
        return switch (s) {
            case INITIALIZE -> "INIT";
            case BACKUP -> "BACKUP";
            case MASTER -> "MASTER";
            case FAULT -> "FAULT";
        };
    }

    /** Both exporters: 1 when they could read keepalived; here, the daemon answering is the answer. */
    static final Metric UP = new Metric("keepalived_up", Type.GAUGE, "Status", Scope.NONE, "",
            s -> List.of(Sample.of(Map.of(), 1)));

    /** keepalived's counters (vrrp_stats_t), read from vrrp4j's. */
    private record Counter(String field, String mehdyName, String help, BiFunction<Daemon.Snapshot, RouterStatus, Long> value) {
    }

    private static long drops(RouterCounters c, DropReason... reasons) {
        long n = 0;
        for (DropReason r : reasons) {
            n += c.dropped(r);
        }
        return n;
    }

    private static final List<Counter> COUNTERS = List.of(
            new Counter("advert_rcvd", "keepalived_advertisements_received_total", "Advertisements received",
                    (s, r) -> r.counters().advertisementsReceived()),
            new Counter("advert_sent", "keepalived_advertisements_sent_total", "Advertisements sent",
                    (s, r) -> r.counters().advertisementsSent()),
            new Counter("become_master", "keepalived_become_master_total", "Became master",
                    (s, r) -> r.counters().masterTransitions()),
            new Counter("release_master", "keepalived_release_master_total", "Released master",
                    (s, r) -> s.masterReleases().getOrDefault(r.name(), 0L)),
            new Counter("packet_len_err", "keepalived_packet_length_errors_total", "Packet length errors",
                    (s, r) -> drops(r.counters(), DropReason.LENGTH_INVALID, DropReason.TRUNCATED, DropReason.IP_HEADER_INVALID)),
            new Counter("advert_interval_err", "keepalived_advertisements_interval_errors_total",
                    "Advertisement interval errors",
                    (s, r) -> r.counters().intervalMismatches() + drops(r.counters(), DropReason.INTERVAL_MISMATCH)),
            new Counter("ip_ttl_err", "keepalived_ip_ttl_errors_total", "TTL errors",
                    (s, r) -> drops(r.counters(), DropReason.TTL_INVALID)),
            new Counter("invalid_type_rcvd", "keepalived_invalid_type_received_total", "Invalid type errors",
                    (s, r) -> drops(r.counters(), DropReason.TYPE_INVALID)),
            new Counter("addr_list_err", "keepalived_address_list_errors_total", "Address list errors",
                    (s, r) -> r.counters().addressListMismatches()),
            new Counter("invalid_authtype", "keepalived_authentication_invalid_total", "Authentication invalid",
                    (s, r) -> drops(r.counters(), DropReason.AUTH_TYPE_INVALID)),
            new Counter("authtype_mismatch", "keepalived_authentication_mismatch_total", "Authentication mismatch",
                    (s, r) -> drops(r.counters(), DropReason.AUTH_TYPE_MISMATCH)
                            + drops(r.counters(), DropReason.AUTH_TYPE_AH_UNSUPPORTED)),
            new Counter("auth_failure", "keepalived_authentication_failure_total", "Authentication failure",
                    (s, r) -> drops(r.counters(), DropReason.AUTH_FAILURE)),
            new Counter("pri_zero_rcvd", "keepalived_priority_zero_received_total", "Priority zero received",
                    (s, r) -> r.counters().priorityZeroReceived()),
            new Counter("pri_zero_sent", "keepalived_priority_zero_sent_total", "Priority zero sent",
                    (s, r) -> r.counters().priorityZeroSent()));

    private static Metric perRouter(String name, String help, Function<RouterStatus, Map<String, String>> labels,
            BiFunction<Daemon.Snapshot, RouterStatus, Long> value) {
        return new Metric(name, Type.COUNTER, help, Scope.NONE, "",
                s -> s.routers().stream().map(r -> Sample.of(labels.apply(r), value.apply(s, r))).toList());
    }

    private static Map<String, String> mehdyLabels(RouterStatus r) {
        return labels("iname", r.name(), "intf", r.interfaceName(), "vrid", Integer.toString(r.vrid()));
    }

    private static Map<String, String> gen2brainLabels(RouterStatus r) {
        return labels("name", r.name(), "intf", r.interfaceName(), "vrid", Integer.toString(r.vrid()),
                "state", stateName(r.state()));
    }

    /** An address as keepalived's data dump writes it (ipaddresstos in vrrp_ipaddress.c). */
    static String keepalivedAddress(VirtualAddress a) {
        int full = a.family() == IpFamily.IPV4 ? 32 : 128;
        return a.address().getHostAddress() + (a.prefixLength() == full ? "" : "/" + a.prefixLength());
    }

    static final List<Metric> MEHDY;
    static final List<Metric> GEN2BRAIN;

    static {
        List<Metric> m = new ArrayList<>();
        m.add(UP);
        m.add(new Metric("keepalived_vrrp_state", Type.GAUGE, "State of vrrp", Scope.NONE, "", s -> {
            List<Sample> out = new ArrayList<>();
            for (RouterStatus r : s.routers()) {
                List<VirtualAddress> vips = s.virtualAddresses().getOrDefault(r.name(), List.of());
                int state = MetricTable.stateNumber(r.state());
                if (vips.isEmpty()) {
                    out.add(Sample.of(labels(mehdyLabels(r), "ip_address", ""), state));
                }
                for (VirtualAddress a : vips) {
                    out.add(Sample.of(labels("iname", r.name(), "intf", a.device().orElse(r.interfaceName()),
                            "vrid", Integer.toString(r.vrid()), "ip_address", keepalivedAddress(a)), state));
                }
            }
            return out;
        }));
        m.add(perRouter("keepalived_gratuitous_arp_delay_total", "Gratuitous ARP delay",
                KeepalivedExporterMetrics::mehdyLabels, (s, r) -> s.garpDelay().toSeconds()));
        for (Counter c : COUNTERS) {
            m.add(perRouter(c.mehdyName(), c.help(), KeepalivedExporterMetrics::mehdyLabels, c.value()));
        }
        MEHDY = List.copyOf(m);
        List<Metric> g = new ArrayList<>();
        for (Counter c : COUNTERS) {
            g.add(perRouter("keepalived_vrrp_" + c.field(), c.help(), KeepalivedExporterMetrics::gen2brainLabels, c.value()));
        }
        GEN2BRAIN = List.copyOf(g);
    }
}
