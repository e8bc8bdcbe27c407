package org.vrrp4j.failover.hetzner;

import java.net.Inet4Address;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.FailoverProviderFactory;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.spi.Secret;

/**
 * The {@code hcloud} provider: Hetzner Cloud, in one of two modes. Keys:
 * <ul>
 * <li>{@code floating_ip}: a Floating IP, by address (IPv4, or any address of an IPv6 Floating IP's /64) or
 *     numeric id; or</li>
 * <li>{@code alias_ip} (IPv4) and {@code network} (id or name): an alias IP of this server's attachment to
 *     a private Network;</li>
 * <li>{@code server}: this server, by name or numeric id;</li>
 * <li>{@code token_file} or {@code token_env}: a read-write API token of the project;</li>
 * <li>optional {@code api_url} (default {@value #DEFAULT_API_URL}), {@code action_poll} (500ms),
 *     {@code connect_timeout} (5s), {@code request_timeout} (30s).</li>
 * </ul>
 * The address itself must also be configured on the server (the API only routes it): as a
 * {@code virtual_ipaddress} of the instance, or on the interface.
 */
public final class HcloudProviderFactory implements FailoverProviderFactory {
    /** The Cloud API's base URL. */
    public static final String DEFAULT_API_URL = "https://api.hetzner.cloud/v1";
    /** Keys; an inline {@code token} is listed only so that it gets the "not inline" error, not "unknown key". */
    static final Set<String> KEYS = Set.of("floating_ip", "alias_ip", "network", "server", "token", "token_file", "token_env",
            "api_url", "action_poll", "connect_timeout", "request_timeout");

    @Override
    public String name() {
        return "hcloud";
    }

    @Override
    public FailoverProvider create(ProviderConfig config) {
        config.requireOnly(KEYS);
        String where = " (provider " + config.name() + ")";
        boolean floating = config.optionalString("floating_ip").isPresent();
        boolean alias = config.optionalString("alias_ip").isPresent();
        if (floating && alias) {
            throw new ProviderConfigException("alias_ip", "give floating_ip (a Floating IP) or alias_ip (an alias IP in a"
                    + " Network), not both" + where);
        }
        if (!floating && !alias) {
            throw new ProviderConfigException("floating_ip", "is required, or alias_ip with network" + where);
        }
        if (floating && config.optionalString("network").isPresent()) {
            throw new ProviderConfigException("network", "belongs to alias_ip; a Floating IP needs no Network" + where);
        }
        String server = config.string("server");
        Duration connect = config.duration("connect_timeout", Duration.ofSeconds(5));
        Duration request = config.duration("request_timeout", Duration.ofSeconds(30));
        Duration poll = config.duration("action_poll", Duration.ofMillis(500));
        if (poll.toMillis() < 50) {
            throw new ProviderConfigException("action_poll", "must be at least 50ms (each poll costs a request of the"
                    + " project's hourly budget), got " + poll + where);
        }
        URI api = url(config, "api_url", DEFAULT_API_URL);
        Secret token = config.secret("token");
        if (floating) {
            String fip = config.string("floating_ip");
            if (!HcloudApi.isId(fip)) {
                Addresses.parse("floating_ip", fip);
            }
            String resource = "hcloud Floating IP " + fip + " → " + server;
            return new FloatingIpProvider(newApi(api, token, connect, request, poll), fip, server, resource);
        }
        String ip = config.string("alias_ip");
        if (!(Addresses.parse("alias_ip", ip) instanceof Inet4Address)) {
            throw new ProviderConfigException("alias_ip", "must be an IPv4 address (Cloud Networks are IPv4 only), got '"
                    + ip + "'" + where);
        }
        String network = config.string("network");
        String resource = "hcloud alias IP " + ip + " in Network " + network + " → " + server;
        return new AliasIpProvider(newApi(api, token, connect, request, poll), ip, network, server, resource);
    }

    private static HcloudApi newApi(URI api, Secret token, Duration connect, Duration request, Duration poll) {
        return new HcloudApi(api, token, new Http("hcloud", connect), request, poll, Clock.systemUTC());
    }

    /** A URL from the configuration: https, or http when written so (test servers). */
    static URI url(ProviderConfig config, String key, String defaultValue) {
        String text = config.string(key, defaultValue);
        URI u;
        try {
            u = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new ProviderConfigException(key, "not a URL: " + text + " (provider " + config.name() + ")");
        }
        if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
            throw new ProviderConfigException(key, "must be an https:// (or, for tests, http://) URL: " + text
                    + " (provider " + config.name() + ")");
        }
        return u;
    }
}
