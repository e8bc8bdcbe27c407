package org.vrrp4j.examples.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.FailoverProviderFactory;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.spi.Secret;

/**
 * The {@code routeapi} provider of docs/writing-a-provider.md: routes an address to this node through a
 * tiny HTTP API ({@code GET/PUT API_URL/routes/ADDRESS}, the body is the node's name, a bearer token).
 * Keys: {@code api_url}, {@code address}, {@code node}, {@code token_env} or {@code token_file},
 * optional {@code request_timeout} (default 10s).
 */
public final class RouteApiProviderFactory implements FailoverProviderFactory {
    /** "token" itself is listed so that an inline token is refused as such, not as an unknown key. */
    private static final Set<String> KEYS = Set.of("api_url", "address", "node", "token", "token_env", "token_file",
            "request_timeout");

    @Override
    public String name() {
        return "routeapi";
    }

    @Override
    public FailoverProvider create(ProviderConfig config) {
        config.requireOnly(KEYS); // a typo is an error naming the key, not a silently ignored setting
        URI api = apiUrl(config);
        String address = config.string("address");
        String node = config.string("node");
        Secret token = config.secret("token"); // from token_env or token_file; inline "token" is refused
        Duration timeout = config.duration("request_timeout", Duration.ofSeconds(10));
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        return new RouteApiProvider(http, api.resolve("routes/" + address), node, token, timeout,
                "routeapi " + address + " → " + node);
    }

    /** {@code api_url} with one trailing slash, so that {@code routes/ADDRESS} resolves below it. */
    private static URI apiUrl(ProviderConfig config) {
        String text = config.string("api_url");
        try {
            URI api = new URI(text.replaceAll("/+$", "") + "/");
            if ("https".equals(api.getScheme()) || "http".equals(api.getScheme())) {
                return api;
            }
        } catch (URISyntaxException e) {
            // the same message as a wrong scheme
        }
        throw new ProviderConfigException("api_url", "must be an http(s) URL, got '" + text + "' (provider "
                + config.name() + ")");
    }
}
