package org.vrrp4j.failover.hetzner;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.testkit.hetzner.HcloudStandIn;
import org.vrrp4j.testkit.hetzner.HetznerRobotStandIn;

/** Provider blocks for the tests, secrets from a test environment; providers found by ServiceLoader as the daemon finds them. */
final class Configs {
    /** The environment the tests' secrets come from. */
    static final Map<String, String> ENV = Map.of("HCLOUD_TOKEN", HcloudStandIn.TOKEN,
            "HCLOUD_RO_TOKEN", HcloudStandIn.READONLY_TOKEN, "HCLOUD_BAD_TOKEN", "wrong-token-SECRET",
            "ROBOT_PASSWORD", HetznerRobotStandIn.PASSWORD, "ROBOT_BAD_PASSWORD", "wrong-password-SECRET");

    private Configs() {
    }

    static ProviderConfig config(Map<String, String> values) {
        return ProviderConfig.of("VI_1", values, ENV::get);
    }

    static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static FailoverProvider create(String type, Map<String, String> values) {
        return FailoverProviders.discover().create(type, config(values));
    }

    /** {@code hcloud} for a Floating IP, this server s{@code n}. */
    static FailoverProvider floatingIp(URI api, String fip, int n, String... more) {
        Map<String, String> m = map("floating_ip", fip, "server", "s" + n, "token_env", "HCLOUD_TOKEN",
                "api_url", api.toString(), "action_poll", "100ms");
        m.putAll(map(more));
        return create("hcloud", m);
    }

    /** {@code hcloud} for the stand-in's alias IP, this server s{@code n}. */
    static FailoverProvider aliasIp(URI api, int n, String... more) {
        Map<String, String> m = map("alias_ip", HcloudStandIn.ALIAS_IP, "network", HcloudStandIn.NETWORK_NAME,
                "server", "s" + n, "token_env", "HCLOUD_TOKEN", "api_url", api.toString(), "action_poll", "100ms");
        m.putAll(map(more));
        return create("hcloud", m);
    }

    /** {@code hetzner_robot} for the stand-in's failover IP, this server s{@code n}. */
    static FailoverProvider robot(URI api, int n, String... more) {
        Map<String, String> m = map("failover_ip", HetznerRobotStandIn.FAILOVER_IP,
                "server_ip", HetznerRobotStandIn.SERVER_IPS.get(n - 1), "user", HetznerRobotStandIn.USER,
                "password_env", "ROBOT_PASSWORD", "api_url", api.toString());
        m.putAll(map(more));
        m.values().removeIf(String::isEmpty); // "" drops a key
        return create("hetzner_robot", m);
    }
}
