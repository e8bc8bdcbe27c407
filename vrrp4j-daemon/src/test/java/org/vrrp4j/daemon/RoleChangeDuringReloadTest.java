package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.FailoverPairLab;

/**
 * A role change reaches the failover coordinator while a reload is still preparing: a new instance's
 * provider that takes its time to construct ({@link SlowCreateProviderFactory}) holds the reload, the
 * running master's tracked script fails meanwhile, and its {@code notify_fault} runs before the reload
 * is let go. Awaited as events (files the scripts and the provider write), no timed assertion.
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RoleChangeDuringReloadTest {
    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    void aRoleChangeDoesNotQueueBehindASlowReload() throws Exception {
        try (FailoverPairLab lab = FailoverPairLab.create("v4jrcr", FailoverPairLab.javaCommand(Vrrp4j.class.getName()))) {
            Path healthy = lab.dir().resolve("healthy");
            Path faulted = lab.dir().resolve("faulted");
            Path entered = lab.dir().resolve("entered");
            Path release = lab.dir().resolve("release");
            Path onFault = lab.dir().resolve("on-fault.sh");
            Files.writeString(healthy, "");
            Files.writeString(onFault, "#!/bin/sh\ntouch " + faulted + "\n");
            Files.setPosixFilePermissions(onFault, PosixFilePermissions.fromString("rwx------"));
            String v1 = """
                    vrrp_script chk {
                        script "test -f %s"
                        interval 1
                        fall 1
                        rise 1
                    }
                    vrrp_instance VI_1 {
                        interface eth1
                        virtual_router_id 61
                        priority 150
                        advert_int 1
                        virtual_ipaddress {
                            198.18.1.100/24
                        }
                        track_script {
                            chk
                        }
                        notify_fault %s
                    }
                    """.formatted(healthy, onFault);
            String v2 = v1 + """
                    vrrp_instance VI_2 {
                        interface eth1
                        virtual_router_id 62
                        priority 150
                        advert_int 1
                        virtual_ipaddress {
                            198.18.1.101/24
                        }
                        failover_provider test-slow-create {
                            entered_file %s
                            proceed_file %s
                        }
                    }
                    """.formatted(entered, release);
            FailoverPairLab.Node s1 = lab.startVrrp4j(1, v1, null);
            s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);

            int mark = s1.mark();
            Files.writeString(lab.configFile(1), v2);
            s1.signal("HUP");
            FailoverPairLab.await("the reload is preparing VI_2's provider", STEP, () -> Files.exists(entered));

            Files.delete(healthy); // VI_1's tracked script fails: FAULT, and notify_fault through the coordinator
            FailoverPairLab.await("notify_fault ran while the reload was held", STEP, () -> Files.exists(faulted));
            assertThat(s1.lines().subList(mark, s1.mark())).as("the reload was still preparing")
                    .noneSatisfy(l -> assertThat(l.text()).contains("reloaded "));

            Files.writeString(release, "");
            s1.awaitLine("reloaded .*started \\[VI_2\\]", mark, STEP);
            assertThat(s1.terminate(Duration.ofSeconds(25))).isZero();
        }
    }
}
