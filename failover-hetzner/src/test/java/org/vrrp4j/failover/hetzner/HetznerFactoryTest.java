package org.vrrp4j.failover.hetzner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.ProviderConfigException;

/** The two factories: found by ServiceLoader, and every wrong block refused with the key named. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HetznerFactoryTest {

    @Test
    void serviceLoaderFindsBothProviders() {
        assertThat(FailoverProviders.discover().names()).contains("hcloud", "hetzner_robot");
    }

    private static void refused(String type, Map<String, String> block, String key, String... words) {
        assertThatThrownBy(() -> Configs.create(type, block)).isInstanceOfSatisfying(ProviderConfigException.class, e -> {
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.getMessage()).contains(words).doesNotContain("SECRET");
        });
    }

    @Test
    void hcloudBlocksAreChecked() {
        Map<String, String> ok = Configs.map("floating_ip", "198.51.100.7", "server", "s1", "token_env", "HCLOUD_TOKEN");
        try (FailoverProvider p = Configs.create("hcloud", ok)) {
            assertThat(p.resource()).isEqualTo("hcloud Floating IP 198.51.100.7 → s1");
        }
        refused("hcloud", with(ok, "alias_ip", "198.18.0.100"), "alias_ip", "not both");
        refused("hcloud", with(ok, "network", "4711"), "network", "needs no Network");
        refused("hcloud", Configs.map("server", "s1", "token_env", "HCLOUD_TOKEN"), "floating_ip", "is required");
        refused("hcloud", without(ok, "server"), "server", "is required");
        refused("hcloud", without(ok, "token_env"), "token", "token_file");
        refused("hcloud", with(without(ok, "token_env"), "token", "hcloud-read-write-token-SECRET"), "token", "not written inline");
        refused("hcloud", with(ok, "floating_ip", "not-an-ip"), "floating_ip", "not an IP address");
        refused("hcloud", with(ok, "api_url", "ftp://x"), "api_url", "https://");
        refused("hcloud", with(ok, "action_poll", "10ms"), "action_poll", "at least 50ms");
        refused("hcloud", with(ok, "flaoting_ip", "x"), "flaoting_ip", "unknown key");
        Map<String, String> alias = Configs.map("alias_ip", "198.18.0.100", "network", "4711", "server", "s1",
                "token_env", "HCLOUD_TOKEN");
        try (FailoverProvider p = Configs.create("hcloud", alias)) {
            assertThat(p.resource()).isEqualTo("hcloud alias IP 198.18.0.100 in Network 4711 → s1");
        }
        refused("hcloud", with(alias, "alias_ip", "2001:db8::5"), "alias_ip", "IPv4");
        refused("hcloud", without(alias, "network"), "network", "is required");
        refused("hcloud", with(without(alias, "token_env"), "token_file", "/nonexistent/hcloud-token"), "token_file", "cannot read");
    }

    @Test
    void robotBlocksAreChecked() {
        Map<String, String> ok = Configs.map("failover_ip", "198.51.100.8", "server_ip", "203.0.113.10", "user", "robot-user",
                "password_env", "ROBOT_PASSWORD");
        try (FailoverProvider p = Configs.create("hetzner_robot", ok)) {
            assertThat(p.resource()).isEqualTo("Hetzner Robot failover IP 198.51.100.8 → 203.0.113.10");
            assertThat(p.supportsCheck()).isTrue();
            assertThat(p.supportsLocate()).isTrue();
        }
        refused("hetzner_robot", without(ok, "server_ip"), "server_ip", "is required");
        refused("hetzner_robot", with(ok, "server_ip", "s1"), "server_ip", "not an IP address");
        refused("hetzner_robot", without(ok, "user"), "user", "is required");
        refused("hetzner_robot", without(ok, "password_env"), "password", "password_file");
        refused("hetzner_robot", with(ok, "password_env", "NO_SUCH_VARIABLE_HERE"), "password_env", "not set");
        refused("hetzner_robot", with(ok, "request_timeout", "5s"), "request_timeout", "at least 10s");
        refused("hetzner_robot", with(ok, "token_env", "HCLOUD_TOKEN"), "token_env", "unknown key");
        refused("hetzner_robot", with(without(ok, "password_env"), "password", "robot-webservice-PASSWORD-SECRET"), "password",
                "not written inline");
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> c = new java.util.LinkedHashMap<>(m);
        if (v.isEmpty()) {
            c.remove(k);
        } else {
            c.put(k, v);
        }
        return c;
    }

    private static Map<String, String> without(Map<String, String> m, String k) {
        return with(m, k, "");
    }
}
