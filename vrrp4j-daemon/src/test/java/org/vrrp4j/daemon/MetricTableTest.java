package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.daemon.KeepalivedExporterMetrics.Names;

/** One table drives /status and /metrics: every metric is in both, with the same values. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricTableTest {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Daemon.Snapshot snapshot = Snapshots.full();

    /** Prometheus text parsed strictly: every line a comment or a well-formed sample; sample key to value. */
    static Map<String, String> parse(String text) {
        Map<String, String> samples = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            Double.parseDouble(m.group(4).replace("+Inf", "Infinity"));
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                assertThat(LABEL.matcher(m.group(3)).replaceAll("").replace(",", "")).as("labels of %s", line).isEmpty();
            }
            assertThat(samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), m.group(4)))
                    .as("duplicate series %s", line).isNull();
        }
        return samples;
    }

    static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        List<String> l = new ArrayList<>();
        labels.forEach((k, v) -> l.add(k + "=\"" + MetricFormats.escape(v) + "\""));
        return name + "{" + String.join(",", l) + "}";
    }

    /** The JSON object a sample's scope labels name in /status. */
    private static JsonNode scopeNode(JsonNode root, Metric m, Map<String, String> labels) {
        return switch (m.scope()) {
            case DAEMON -> root;
            case ROUTER -> find(root.path("routers"), "name", labels.get("router"));
            case SYNC_GROUP -> root.path("syncGroups").path(labels.get("group"));
            case INTERFACE -> root.path("interfaces").path(labels.get("interface"));
            case BINDING -> {
                JsonNode owner = find(root.path("routers"), "name", labels.get("router"));
                if (owner.isMissingNode()) {
                    owner = root.path("syncGroups").path(labels.get("router"));
                }
                yield find(owner.path("failover"), "resource", labels.get("resource"));
            }
            case NONE -> throw new AssertionError("not in /status: " + m.name());
        };
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void aCheckedBindingShowsWhatItsCredentialChecksFoundInStatusAndMetrics() throws Exception {
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(HttpEndpoint.status(snapshot)));
        JsonNode check = find(find(json.path("routers"), "name", "VI_1").path("failover"), "resource", "netcup:198.18.200.7")
                .path("check");
        assertThat(check.path("lastSuccess").asText()).isEqualTo(Snapshots.T0.plusSeconds(7).toString());
        assertThat(check.path("lastSuccessDetail").asText()).isEqualTo("token refreshed; 198.18.200.7 is routed here");
        assertThat(check.path("lastFailureMessage").asText()).isEqualTo("HTTP 503 maintenance");
        assertThat(check.path("expires").asText()).isEqualTo(Snapshots.T0.plus(java.time.Duration.ofDays(30)).toString());
        assertThat(check.path("ok").asBoolean()).isTrue();
        assertThat(check.path("failures").asLong()).isEqualTo(2);
        Map<String, String> prom = parse(HttpEndpoint.metrics(snapshot));
        String labels = "{router=\"VI_1\",resource=\"netcup:198.18.200.7\",provider=\"netcup\"}";
        assertThat(prom).containsEntry("vrrp4j_provider_check_ok" + labels, "1")
                .containsEntry("vrrp4j_provider_check_failures_total" + labels, "2")
                .containsKey("vrrp4j_provider_credentials_expiry_timestamp_seconds" + labels);
        assertThat(prom.keySet()).as("the exec binding runs no checks").noneMatch(k -> k.startsWith("vrrp4j_provider_check")
                && k.contains("exec:notify"));
    }

    @Test
    void everyMetricOfTheTableIsInBothOutputsWithTheSameValues() throws Exception {
        Map<String, String> prom = parse(HttpEndpoint.metrics(snapshot));
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(HttpEndpoint.status(snapshot)));
        String text = HttpEndpoint.metrics(snapshot);
        for (Metric m : MetricTable.VRRP4J) {
            List<Metric.Sample> samples = m.samples().apply(snapshot);
            assertThat(samples).as("the fixture gives %s samples", m.name()).isNotEmpty();
            assertThat(text).contains("# TYPE " + m.name() + " " + m.type().text() + "\n", "# HELP " + m.name() + " ");
            for (Metric.Sample x : samples) {
                JsonNode at = scopeNode(json, m, x.labels());
                assertThat(at.isMissingNode()).as("%s's scope object in /status", m.name()).isFalse();
                for (String step : m.jsonPath().split("\\.")) {
                    at = at.path(step);
                }
                Map<String, String> extra = new LinkedHashMap<>(x.labels());
                m.scope().labels.forEach(extra::remove);
                switch (x.value()) {
                    case Metric.Info i -> {
                        extra.forEach((k, v) -> assertThat(json.path("build").path(k).asText()).isEqualTo(v));
                        assertThat(prom.get(key(m.name(), x.labels()))).isEqualTo("1");
                    }
                    case Metric.Buckets h -> {
                        for (String v : extra.values()) {
                            at = at.path(v);
                        }
                        assertThat(at.path("count").asLong()).isEqualTo(h.count());
                        assertThat(prom.get(key(m.name() + "_count", x.labels()))).isEqualTo(Long.toString(h.count()));
                        assertThat(at.path("buckets").path("+Inf").asLong()).isEqualTo(h.count());
                        assertThat(prom.get(key(m.name() + "_bucket", Metric.labels(x.labels(), "le", "+Inf"))))
                                .isEqualTo(Long.toString(h.count()));
                        assertThat(Double.parseDouble(prom.get(key(m.name() + "_sum", x.labels()))))
                                .isEqualTo(at.path("sum").asDouble());
                    }
                    default -> {
                        for (String v : extra.values()) {
                            at = at.path(v);
                        }
                        assertThat(at.isMissingNode()).as("%s %s in /status", m.name(), x.labels()).isFalse();
                        String p = prom.get(key(m.name(), x.labels()));
                        assertThat(p).as("%s %s in /metrics", m.name(), x.labels()).isNotNull();
                        double expected = switch (x.value()) {
                            case Metric.Num n -> n.value();
                            case Metric.Flag f -> f.value() ? 1 : 0;
                            case Metric.Named n -> n.number();
                            default -> throw new AssertionError();
                        };
                        assertThat(Double.parseDouble(p)).isEqualTo(expected);
                        switch (x.value()) {
                            case Metric.Named n -> assertThat(at.asText()).isEqualTo(n.name());
                            case Metric.Flag f -> assertThat(at.asBoolean()).isEqualTo(f.value());
                            default -> assertThat(at.asDouble()).isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theTableCoversWhatTheIssueAsksForAndNamesAreUnique() {
        Set<String> names = new HashSet<>();
        for (Names n : Names.values()) {
            names.clear();
            for (Metric m : n.table()) {
                assertThat(names.add(m.name())).as("%s twice in %s", m.name(), n).isTrue();
            }
        }
        String text = HttpEndpoint.metrics(snapshot);
        assertThat(text).contains("vrrp4j_build_info{version=\"1.2.3\",java=\"" + Runtime.version() + "\"} 1");
        assertThat(text).contains("vrrp4j_failover_calls_total{router=\"VI_1\",resource=\"netcup:198.18.200.7\","
                + "provider=\"netcup\",step=\"acquire\",outcome=\"retryable_failure\"} 1");
        assertThat(text).contains("vrrp4j_failover_calls_total{router=\"VI_1\",resource=\"netcup:198.18.200.7\","
                + "provider=\"netcup\",step=\"acquire\",outcome=\"done\"} 1");
        // 0.3 s and 1.5 s: one in le=0.5, both in le=2.5
        assertThat(text).contains("vrrp4j_failover_call_duration_seconds_bucket{router=\"VI_1\",resource=\"netcup:198.18.200.7\","
                + "provider=\"netcup\",step=\"acquire\",le=\"0.5\"} 1");
        assertThat(text).contains("vrrp4j_failover_call_duration_seconds_bucket{router=\"VI_1\",resource=\"netcup:198.18.200.7\","
                + "provider=\"netcup\",step=\"acquire\",le=\"2.5\"} 2");
        assertThat(text).contains("vrrp4j_failover_call_duration_seconds_sum{router=\"VI_1\",resource=\"netcup:198.18.200.7\","
                + "provider=\"netcup\",step=\"acquire\"} 1.8");
        long success = Snapshots.T0.plusSeconds(3).toEpochMilli();
        assertThat(text).contains("vrrp4j_failover_last_success_timestamp_seconds{router=\"VI_1\",resource=\"netcup:198.18.200.7\","
                + "provider=\"netcup\"} " + MetricFormats.number(success / 1000.0));
        assertThat(text).contains("vrrp4j_failover_gave_up_total{router=\"G1\",resource=\"exec:notify\",provider=\"exec\"} 1");
        assertThat(text).contains("vrrp4j_master_releases_total{router=\"VI_1\",vrid=\"51\",interface=\"eth1\"} 3");
        assertThat(text).contains("vrrp4j_sync_group_state{group=\"G1\"} 2");
    }

    @Test
    void keepalivedNamesCarryTheExportersLabelsAndEncodings() {
        Map<String, String> both = parse(MetricFormats.prometheus(Names.KEEPALIVED.table(), snapshot));
        // mehdy/keepalived-exporter: one state sample per virtual address, the address as keepalived writes it
        assertThat(both).containsEntry("keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth1\",vrid=\"51\",ip_address=\"198.18.1.100\"}", "2");
        assertThat(both).containsEntry("keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth2\",vrid=\"51\",ip_address=\"198.18.2.100/24\"}", "2");
        assertThat(both).containsEntry("keepalived_vrrp_state{iname=\"VI_2\",intf=\"eth1\",vrid=\"52\",ip_address=\"\"}", "1");
        assertThat(both).containsEntry("keepalived_advertisements_sent_total{iname=\"VI_1\",intf=\"eth1\",vrid=\"51\"}", "12");
        assertThat(both).containsEntry("keepalived_release_master_total{iname=\"VI_1\",intf=\"eth1\",vrid=\"51\"}", "3");
        assertThat(both).containsEntry("keepalived_gratuitous_arp_delay_total{iname=\"VI_1\",intf=\"eth1\",vrid=\"51\"}", "5");
        assertThat(both).containsEntry("keepalived_up", "1");
        // gen2brain/keepalived_exporter: the state is a label
        String g = "{name=\"VI_1\",intf=\"eth1\",vrid=\"51\",state=\"MASTER\"}";
        assertThat(both).containsEntry("keepalived_vrrp_advert_rcvd" + g, "11");
        assertThat(both).containsEntry("keepalived_vrrp_advert_sent" + g, "12");
        assertThat(both).containsEntry("keepalived_vrrp_become_master" + g, "15");
        assertThat(both).containsEntry("keepalived_vrrp_release_master" + g, "3");
        assertThat(both).containsEntry("keepalived_vrrp_pri_zero_rcvd" + g, "13");
        assertThat(both).containsEntry("keepalived_vrrp_pri_zero_sent" + g, "14");
        assertThat(both).containsEntry("keepalived_vrrp_addr_list_err" + g, "17");
        var c = snapshot.routers().getFirst().counters();
        assertThat(both).containsEntry("keepalived_vrrp_invalid_authtype" + g,
                Long.toString(c.dropped(org.vrrp4j.core.packet.DropReason.AUTH_TYPE_INVALID)));
        assertThat(both).containsEntry("keepalived_vrrp_authtype_mismatch" + g,
                Long.toString(c.dropped(org.vrrp4j.core.packet.DropReason.AUTH_TYPE_MISMATCH)
                        + c.dropped(org.vrrp4j.core.packet.DropReason.AUTH_TYPE_AH_UNSUPPORTED)));
        assertThat(both).containsEntry("keepalived_vrrp_ip_ttl_err" + g,
                Long.toString(c.dropped(org.vrrp4j.core.packet.DropReason.TTL_INVALID)));
        assertThat(both).containsEntry("keepalived_vrrp_auth_failure" + g,
                Long.toString(c.dropped(org.vrrp4j.core.packet.DropReason.AUTH_FAILURE)));
        assertThat(both).containsEntry("keepalived_vrrp_advert_interval_err" + g,
                Long.toString(16 + c.dropped(org.vrrp4j.core.packet.DropReason.INTERVAL_MISMATCH)));
        for (String n : List.of("advert_rcvd", "advert_sent", "become_master", "release_master", "packet_len_err",
                "advert_interval_err", "ip_ttl_err", "invalid_type_rcvd", "addr_list_err", "invalid_authtype",
                "authtype_mismatch", "auth_failure", "pri_zero_rcvd", "pri_zero_sent")) {
            assertThat(both).containsKey("keepalived_vrrp_" + n + "{name=\"VI_2\",intf=\"eth1\",vrid=\"52\",state=\"BACKUP\"}");
        }
        // vrrp4j's own names stay; the default has no keepalived names
        assertThat(both).containsKey("vrrp4j_router_state{router=\"VI_1\",vrid=\"51\",interface=\"eth1\"}");
        assertThat(parse(MetricFormats.prometheus(Names.VRRP4J.table(), snapshot)).keySet())
                .noneMatch(k -> k.startsWith("keepalived_"));
        assertThat(parse(MetricFormats.prometheus(Names.KEEPALIVED_EXPORTER.table(), snapshot)).keySet())
                .noneMatch(k -> k.startsWith("keepalived_vrrp_advert")).anyMatch(k -> k.startsWith("keepalived_vrrp_state"));
        assertThat(parse(MetricFormats.prometheus(Names.KEEPALIVED_UNDERSCORE_EXPORTER.table(), snapshot)).keySet())
                .noneMatch(k -> k.startsWith("keepalived_vrrp_state")).contains("keepalived_up");
    }

    @Test
    void metricsNamesAreParsedOrRefusedSayingWhatIsAccepted() {
        for (Names n : Names.values()) {
            assertThat(Names.parse(n.spelling())).isEqualTo(n);
        }
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> Names.parse("prometheus"))
                .withMessageContaining("keepalived-exporter").withMessageContaining("'prometheus'");
    }

    @Test
    void statusKeepsWhatVrrp4jStatusReads() throws Exception {
        JsonNode r = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(HttpEndpoint.status(snapshot)))
                .path("routers").get(0);
        assertThat(r.path("name").asText()).isEqualTo("VI_1");
        assertThat(r.path("state").asText()).isEqualTo("MASTER");
        assertThat(r.path("priority").asInt()).isEqualTo(254);
        assertThat(r.path("master").asText()).isEqualTo("198.18.1.1");
        assertThat(r.path("failover").get(0).path("acquired").isBoolean()).isTrue();
        assertThat(r.path("failover").get(0).path("last").path("outcomeKind").asText()).isEqualTo("done");
    }
}
