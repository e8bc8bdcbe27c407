package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider block reader is generic: the Hetzner blocks of the README ({@code hcloud} for a Floating IP
 * and for an alias IP, {@code hetzner_robot}) are read as written, keys in order, no warning.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HetznerProviderBlocksTest {

    @Test
    void hcloudAndRobotBlocksAreReadAsWritten(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                vrrp_instance VI_FIP {
                    state MASTER
                    interface eth1
                    virtual_router_id 51
                    priority 150
                    virtual_ipaddress {
                        198.51.100.7/32
                    }
                    failover_provider hcloud {
                        floating_ip 198.51.100.7
                        server s1
                        token_file /etc/vrrp4j/hcloud-token
                        api_url https://api.hetzner.cloud/v1
                    }
                }
                vrrp_instance VI_ALIAS {
                    state BACKUP
                    interface eth1
                    virtual_router_id 52
                    priority 100
                    virtual_ipaddress {
                        198.18.0.100/32
                    }
                    failover_provider hcloud {
                        alias_ip 198.18.0.100
                        network 4711
                        server s1
                        token_env HCLOUD_TOKEN
                        retry fixed 10 3s
                    }
                }
                vrrp_instance VI_ROBOT {
                    state BACKUP
                    interface eth1
                    virtual_router_id 53
                    priority 100
                    virtual_ipaddress {
                        198.18.0.101/32
                    }
                    failover_provider hetzner_robot {
                        failover_ip 198.51.100.8
                        server_ip 203.0.113.10
                        user "#ws+robot-user"
                        password_file /etc/vrrp4j/robot-password
                    }
                }
                """);
        KeepalivedConfig c = KeepalivedConfigReader.read(conf);
        assertThat(c.warnings()).isEmpty();
        ProviderBlock fip = c.instance("VI_FIP").orElseThrow().providers().getFirst();
        assertThat(fip.type()).isEqualTo("hcloud");
        assertThat(fip.values()).containsExactly(Map.entry("floating_ip", "198.51.100.7"), Map.entry("server", "s1"),
                Map.entry("token_file", "/etc/vrrp4j/hcloud-token"), Map.entry("api_url", "https://api.hetzner.cloud/v1"));
        ProviderBlock alias = c.instance("VI_ALIAS").orElseThrow().providers().getFirst();
        assertThat(alias.type()).isEqualTo("hcloud");
        assertThat(alias.values()).containsExactly(Map.entry("alias_ip", "198.18.0.100"), Map.entry("network", "4711"),
                Map.entry("server", "s1"), Map.entry("token_env", "HCLOUD_TOKEN"), Map.entry("retry", "fixed 10 3s"));
        ProviderBlock robot = c.instance("VI_ROBOT").orElseThrow().providers().getFirst();
        assertThat(robot.type()).isEqualTo("hetzner_robot");
        assertThat(robot.values()).containsExactly(Map.entry("failover_ip", "198.51.100.8"), Map.entry("server_ip", "203.0.113.10"),
                Map.entry("user", "#ws+robot-user"), Map.entry("password_file", "/etc/vrrp4j/robot-password"));
        assertThat(c.locations().instanceProvider("VI_ROBOT", 0).orElseThrow().line()).as("the block's own line").isEqualTo(40);
    }
}
