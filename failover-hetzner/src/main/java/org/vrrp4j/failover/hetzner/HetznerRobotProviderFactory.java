package org.vrrp4j.failover.hetzner;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.FailoverProviderFactory;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.ProviderConfigException;

/**
 * The {@code hetzner_robot} provider: a dedicated server's failover IP through the Robot webservice. Keys:
 * <ul>
 * <li>{@code failover_ip}: the failover IP (or IPv6 net) as Robot names it;</li>
 * <li>{@code server_ip}: this server's main IP, which Robot calls {@code active_server_ip} (for an IPv6 failover
 *     net: this server's main IPv6 net);</li>
 * <li>{@code user}: the Robot webservice user (not the Robot login); {@code password_file} or
 *     {@code password_env};</li>
 * <li>optional {@code api_url} (default {@value #DEFAULT_API_URL}), {@code connect_timeout} (5s),
 *     {@code request_timeout} (180s: a switch takes 40 to 60 s and the call returns when it is done).</li>
 * </ul>
 * Hetzner wants the failover IP configured on every server it can be switched to, whatever its routing.
 */
public final class HetznerRobotProviderFactory implements FailoverProviderFactory {
    /** The Robot webservice's base URL. */
    public static final String DEFAULT_API_URL = "https://robot-ws.your-server.de";
    static final Set<String> KEYS = Set.of("failover_ip", "server_ip", "user", "password", "password_file", "password_env", "api_url",
            "connect_timeout", "request_timeout");

    /** The password file's first line now, as {@link ProviderConfig#secret} reads it; empty when unreadable or empty. */
    static java.util.Optional<org.vrrp4j.failover.spi.Secret> firstLine(java.nio.file.Path file) {
        try {
            String first = java.nio.file.Files.readString(file).lines().findFirst().orElse("").strip();
            return first.isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(org.vrrp4j.failover.spi.Secret.of(first, "file " + file));
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public String name() {
        return "hetzner_robot";
    }

    @Override
    public FailoverProvider create(ProviderConfig config) {
        config.requireOnly(KEYS);
        String fip = config.string("failover_ip");
        Addresses.parse("failover_ip", fip);
        String serverIp = config.string("server_ip");
        Addresses.parse("server_ip", serverIp);
        String user = config.string("user");
        if (user.contains(":")) {
            throw new ProviderConfigException("user", "must not contain ':' (HTTP Basic) (provider " + config.name() + ")");
        }
        Duration connect = config.duration("connect_timeout", Duration.ofSeconds(5));
        Duration request = config.duration("request_timeout", Duration.ofSeconds(180));
        if (request.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new ProviderConfigException("request_timeout", "must be at least 10s: a switch takes 40 to 60 s and the"
                    + " call returns when it is done, got " + request + " (provider " + config.name() + ")");
        }
        URI api = HcloudProviderFactory.url(config, "api_url", DEFAULT_API_URL);
        var password = config.secret("password");
        String text = fip.contains("/") ? fip.substring(0, fip.indexOf('/')) : fip;
        // reads answer at once; only the switch is slow
        Duration read = request.compareTo(Duration.ofSeconds(30)) < 0 ? request : Duration.ofSeconds(30);
        RobotApi robot = new RobotApi(api, user, password, new Http("hetzner-robot", connect), read);
        java.util.Optional<java.nio.file.Path> file = config.path("password_file");
        return new RobotProvider(robot, text.strip(), serverIp, request, () -> file.flatMap(HetznerRobotProviderFactory::firstLine),
                "Hetzner Robot failover IP " + fip + " → " + serverIp);
    }
}
