package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.FailoverPairLab;
import org.vrrp4j.testkit.lab.FailoverPairLab.Node;

/**
 * global_defs keywords end to end: daemons started as operators start them, in namespaces, reading a
 * keepalived.conf. {@code vrrp_v3_ipv4_checksum message} reaches the wire (the backup counts every advert
 * it accepted as message-only, none with the pseudo-header); {@code vrrp_startup_delay} holds even the
 * owner back for the delay.
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GlobalDefsLabTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private FailoverPairLab lab;

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String conf(String globals, String state, int priority) {
        return """
                global_defs {
                %s
                }
                vrrp_instance VI_1 {
                    state %s
                    interface eth1
                    virtual_router_id 73
                    %s
                    advert_int 1
                    virtual_ipaddress {
                        198.18.1.100/24
                    }
                }
                """.formatted(globals, state, priority > 0 ? "priority " + priority : "");
    }

    private List<String> metrics(int host) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", lab.host(host), "curl", "-s", "http://127.0.0.1:9112/metrics")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().toList();
    }

    private static long checksumForm(List<String> metrics, String form) {
        Pattern p = Pattern.compile("vrrp4j_checksum_forms_total\\{router=\"VI_1\".*form=\"" + form + "\"\\} (\\d+)");
        List<Long> found = new ArrayList<>();
        for (String l : metrics) {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                found.add(Long.parseLong(m.group(1)));
            }
        }
        assertThat(found).as(form + " in " + metrics).hasSize(1);
        return found.getFirst();
    }

    @Test
    void twoDaemonsConfiguredForTheMessageOnlyChecksumElectAndSendOnlyThatForm() throws Exception {
        lab = FailoverPairLab.create("v4jck", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
        String globals = "    vrrp_version 3\n    vrrp_v3_ipv4_checksum message";
        Node s1 = lab.startVrrp4j(1, conf(globals, "BACKUP", 150), null);
        Node s2 = lab.startVrrp4j(2, conf(globals, "BACKUP", 100), null);
        s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
        s2.awaitLine("VI_1: \\w+ -> BACKUP", 0, STEP);
        s2.awaitLine("serving /status and /metrics on http://127.0.0.1:9112", 0, STEP);
        // a few adverts (1 s apart) after s2 heard the master
        FailoverPairLab.await("s2 counted message-only adverts", STEP, () -> {
            try {
                return checksumForm(metrics(2), "message_only") >= 3;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> m = metrics(2);
        assertThat(checksumForm(m, "pseudo_header")).as("keepalived's form never sent").isZero();
        assertThat(m).anySatisfy(l -> assertThat(l).matches("vrrp4j_router_state\\{router=\"VI_1\".*\\} 1"));
        assertThat(lab.holdsVip(1)).isTrue();
        assertThat(lab.holdsVip(2)).isFalse();
        assertThat(s1.lines()).noneMatch(l -> l.text().contains("vrrp_v3_ipv4_checksum"));
    }

    @Test
    void vrrpStartupDelayHoldsTheOwnerBackUntilTheDelayEnds() throws Exception {
        lab = FailoverPairLab.create("v4jsd", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
        // state MASTER without a priority: the owner (255), master at once without the delay
        Node s1 = lab.startVrrp4j(1, conf("    vrrp_startup_delay 3", "MASTER", 0), null);
        s1.awaitLine("vrrp_startup_delay: no instance becomes master for 3.0 s", 0, STEP);
        Node.Line backup = s1.awaitLine("VI_1: \\w+ -> BACKUP", 0, STEP);
        Node.Line master = s1.awaitLine("VI_1: BACKUP -> MASTER", 0, STEP);
        // the delay counts from the node's start, a moment before the BACKUP line is logged: allow 0.5 s for that
        assertThat(Duration.ofNanos(master.atNanos() - backup.atNanos())).isGreaterThan(Duration.ofMillis(2500));
        assertThat(lab.holdsVip(1)).isTrue();
    }
}
