package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;
import org.vrrp4j.testkit.lab.FailoverPairLab;
import org.vrrp4j.testkit.netcup.NetcupSoapStandIn;

/**
 * The webservice password given to the daemon in its environment ({@code password_env}) reaches the
 * provider and never the scripts: neither notify scripts nor vrrp_script checks inherit it.
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ScriptEnvironmentTest {
    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    void scriptsDoNotInheritTheVariablesThatHoldProvidersSecrets() throws Exception {
        try (FailoverPairLab lab = FailoverPairLab.create("v4jenv", FailoverPairLab.javaCommand(Vrrp4j.class.getName()))) {
            Path notifyEnv = lab.dir().resolve("notify.env");
            Path checkEnv = lab.dir().resolve("check.env");
            Path notify = lab.dir().resolve("notify.sh");
            Files.writeString(notify, "#!/bin/sh\nenv > " + notifyEnv + "\n");
            Files.setPosixFilePermissions(notify, PosixFilePermissions.fromString("rwx------"));
            String conf = lab.fill("""
                    vrrp_script chk {
                        script "env > %s"
                        interval 1
                    }
                    vrrp_instance VI_1 {
                        interface eth1
                        virtual_router_id 81
                        priority 150
                        advert_int 1
                        virtual_ipaddress {
                            198.18.1.100/24
                        }
                        track_script {
                            chk
                        }
                        notify_master %s
                        failover_provider netcup {
                            api soap
                            failover_ip 198.18.200.7
                            server %s
                            login 123456
                            password_env NETCUP_WS_PASSWORD
                            soap_url ${SOAP}
                            verify_poll 100ms
                        }
                    }
                    """.formatted(checkEnv, notify, FailoverPairLab.soapServer(1)));
            FailoverPairLab.Node s1 = lab.startVrrp4j(1, conf,
                    Map.of("NETCUP_WS_PASSWORD", NetcupSoapStandIn.PASSWORD, "VRRP4J_PLAIN_VARIABLE", "seen"), null);
            s1.awaitLine("VI_1: \\w+ -> MASTER", 0, STEP);
            // the provider got the password from the environment: the failover IP moved
            FailoverPairLab.await("routed to s1", STEP, () -> FailoverPairLab.soapServer(1).equals(lab.soap().routedServer()));
            FailoverPairLab.await("notify_master ran", STEP, () -> Files.exists(notifyEnv) && size(notifyEnv) > 0);
            FailoverPairLab.await("the check ran", STEP, () -> Files.exists(checkEnv) && size(checkEnv) > 0);
            for (Path env : new Path[] {notifyEnv, checkEnv}) {
                String text = Files.readString(env);
                assertThat(text).as(env.toString()).contains("VRRP4J_PLAIN_VARIABLE=seen")
                        .doesNotContain("NETCUP_WS_PASSWORD").doesNotContain(NetcupSoapStandIn.PASSWORD);
            }
            assertThat(s1.terminate(Duration.ofSeconds(25))).isZero();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
