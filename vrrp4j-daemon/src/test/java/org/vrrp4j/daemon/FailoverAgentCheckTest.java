package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vrrp4j failover-agent --check}: validates a failover.conf without running anything; exit 0 or 1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverAgentCheckTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(String failoverConf, String... more) throws Exception {
        Path f = dir.resolve("failover.conf");
        Files.writeString(f, failoverConf);
        String[] args = new String[4 + more.length];
        args[0] = "failover-agent";
        args[1] = "--check";
        args[2] = "-f";
        args[3] = f.toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return Vrrp4j.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void aValidFileExitsZeroAndListsItsBlocksWithSecretsMasked() throws Exception {
        assertThat(check("failover_provider exec {\n  instance VI_1\n  notify_master /bin/true\n}\n"
                + "failover_provider exec {\n  group G1\n  notify /bin/true\n}\n")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("failover.conf:1: instance VI_1: ProviderBlock[exec {notify_master=/bin/true}]",
                "failover.conf:5: group G1:");
    }

    @Test
    void anUnknownProviderOrKeyIsAnErrorAtItsBlocksLine() throws Exception {
        assertThat(check("\nfailover_provider nosuch {\n  instance VI_1\n}\n")).isEqualTo(1);
        assertThat(err.toString()).contains("error: " + dir.resolve("failover.conf") + ":2: failover_provider nosuch");
        err.getBuffer().setLength(0);
        assertThat(check("failover_provider exec {\n  instance VI_1\n  notify_mastr /bin/true\n}\n")).isEqualTo(1);
        assertThat(err.toString()).contains(":1: failover_provider exec", "notify_mastr");
    }

    @Test
    void aSyntaxErrorIsFileLine() throws Exception {
        assertThat(check("failover_provider exec {\n  notify /bin/true\n}\n")).isEqualTo(1);
        assertThat(err.toString()).contains("failover.conf:1: failover_provider exec: says neither 'instance NAME'");
    }

    @Test
    void withKeepalivedsConfigurationAnUnknownInstanceIsAnError() throws Exception {
        Path keepalived = dir.resolve("keepalived.conf");
        Files.writeString(keepalived, "vrrp_instance VI_1 {\n interface eth1\n virtual_router_id 51\n"
                + " virtual_ipaddress {\n  198.18.1.100/32\n }\n}\n");
        assertThat(check("failover_provider exec {\n  instance VI_1\n  notify /bin/true\n}\n", "--keepalived-conf", keepalived.toString()))
                .isZero();
        assertThat(check("failover_provider exec {\n  instance VI_2\n  notify /bin/true\n}\n", "--keepalived-conf", keepalived.toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("failover.conf:2: instance VI_2: no vrrp_instance of that name",
                "vrrp_instances there: VI_1");
    }
}
