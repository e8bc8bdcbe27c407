package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The failover.conf of {@code vrrp4j failover-agent}: blocks, what they follow, errors with file:line. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FailoverAgentConfigReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private ConfigFileException refused(String text) throws Exception {
        Path f = write("failover.conf", text);
        ConfigFileException e = catchThrowableOfType(ConfigFileException.class, () -> FailoverAgentConfigReader.read(f));
        assertThat(e).as("refused: " + text).isNotNull();
        assertThat(e.file()).isEqualTo(f);
        return e;
    }

    @Test
    void readsInstanceAndGroupBlocksWithTheProvidersKeys() throws Exception {
        Path f = write("failover.conf", """
                # the netcup provider for keepalived's VI_1
                failover_provider netcup {
                    instance VI_1
                    api rest
                    failover_ip 198.18.200.7
                    token_file "/var/lib/vrrp4j/netcup token"
                }
                ! a script for a sync group
                failover_provider exec {
                    group G1
                    notify_master /etc/vrrp4j/up.sh
                }
                """);
        FailoverAgentConfig c = FailoverAgentConfigReader.read(f);
        assertThat(c.bindings()).hasSize(2);
        FailoverAgentConfig.Binding netcup = c.bindings().get(0);
        assertThat(netcup.router()).isEqualTo("VI_1");
        assertThat(netcup.group()).isFalse();
        assertThat(netcup.block()).isEqualTo(new ProviderBlock("netcup", Map.of("api", "rest",
                "failover_ip", "198.18.200.7", "token_file", "/var/lib/vrrp4j/netcup token")));
        assertThat(netcup.where()).isEqualTo(new SourceLocation(f, 2));
        assertThat(netcup.routerWhere()).isEqualTo(new SourceLocation(f, 3));
        FailoverAgentConfig.Binding exec = c.bindings().get(1);
        assertThat(exec.group()).isTrue();
        assertThat(exec.router()).isEqualTo("G1");
        assertThat(exec.block().values()).containsOnlyKeys("notify_master");
        assertThat(c.blocksByRouter()).containsOnlyKeys("VI_1", "G1");
    }

    @Test
    void followsIncludes() throws Exception {
        write("vi1.conf", "failover_provider exec {\n    instance VI_1\n    notify /bin/true\n}\n");
        Path f = write("failover.conf", "include vi1.conf\n");
        FailoverAgentConfig c = FailoverAgentConfigReader.read(f);
        assertThat(c.bindings()).singleElement().satisfies(b -> {
            assertThat(b.router()).isEqualTo("VI_1");
            assertThat(b.where()).isEqualTo(new SourceLocation(dir.resolve("vi1.conf"), 1));
        });
    }

    @Test
    void refusesABlockFollowingNothing() throws Exception {
        ConfigFileException e = refused("\nfailover_provider netcup {\n    api rest\n}\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.rule()).contains("neither 'instance NAME' nor 'group NAME'");
    }

    @Test
    void refusesInstanceAndGroupTogetherAtTheGroupLine() throws Exception {
        ConfigFileException e = refused("failover_provider netcup {\n    instance VI_1\n    group G1\n}\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.rule()).contains("both 'instance' (line 2) and 'group'");
    }

    @Test
    void refusesAnEmptyOrMultiWordName() throws Exception {
        assertThat(refused("failover_provider netcup {\n    instance\n}\n").line()).isEqualTo(2);
        ConfigFileException e = refused("failover_provider netcup {\n  api rest\n  instance VI_1 VI_2\n}\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.rule()).contains("'instance' needs exactly one name");
    }

    @Test
    void refusesAnythingButProviderBlocksSayingWhenItIsAKeepalivedConf() throws Exception {
        ConfigFileException e = refused("failover_provider exec {\n instance VI_1\n}\nvrrp_instance VI_1 {\n}\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.rule()).contains("unknown keyword 'vrrp_instance'", "looks like a keepalived.conf");
        assertThat(refused("notify_fifo /run/x\n").rule()).doesNotContain("keepalived.conf");
    }

    @Test
    void refusesBrokenBlocks() throws Exception {
        assertThat(refused("failover_provider {\n instance VI_1\n}\n").rule()).contains("exactly one provider type");
        assertThat(refused("failover_provider exec {\n instance VI_1\n notify a\n notify b\n}\n").line()).isEqualTo(4);
        assertThat(refused("failover_provider exec {\n instance VI_1\n").rule()).contains("not closed");
        assertThat(refused("failover_provider exec {\n instance VI_1\n}\n}\n").line()).isEqualTo(4);
    }

    @Test
    void checksTheNamesAgainstKeepalivedsConfiguration() throws Exception {
        Path keepalived = write("keepalived.conf", """
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 51
                    virtual_ipaddress {
                        198.18.1.100/32
                    }
                }
                vrrp_sync_group G1 {
                    group {
                        VI_1
                    }
                }
                """);
        KeepalivedConfig k = KeepalivedConfigReader.read(keepalived, n -> null);
        FailoverAgentConfigReader.read(write("ok.conf", "failover_provider exec {\n instance VI_1\n}\n"
                + "failover_provider exec {\n group G1\n}\n")).requireRoutersIn(k);
        Path bad = write("bad.conf", "failover_provider exec {\n instance VI_1\n}\nfailover_provider exec {\n instance VI_9\n}\n");
        ConfigFileException e = catchThrowableOfType(ConfigFileException.class,
                () -> FailoverAgentConfigReader.read(bad).requireRoutersIn(k));
        assertThat(e.getMessage()).startsWith(bad + ":5: instance VI_9: no vrrp_instance of that name")
                .contains("vrrp_instances there: VI_1");
        Path badGroup = write("bad-group.conf", "failover_provider exec {\n group VI_1\n}\n");
        assertThat(catchThrowableOfType(ConfigFileException.class,
                () -> FailoverAgentConfigReader.read(badGroup).requireRoutersIn(k)).getMessage())
                .contains(":2: group VI_1: no vrrp_sync_group", "vrrp_sync_groups there: G1");
    }
}
