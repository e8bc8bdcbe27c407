package org.vrrp4j.failover.netcup;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.FailoverProviderFactory;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.netcup.rest.NetcupRestClient;
import org.vrrp4j.failover.netcup.rest.OidcTokens;
import org.vrrp4j.failover.netcup.soap.NetcupSoapClient;

/**
 * The {@code netcup} provider. Keys:
 * <ul>
 * <li>{@code api} {@code rest} (default; netcup's live API) or {@code soap} (WSEndUser, discontinued by
 *     netcup on 2026-05-01);</li>
 * <li>{@code failover_ip} an IPv4 address or an IPv6 /64; {@code server} this server (REST: id or name;
 *     SOAP: the vServer name);</li>
 * <li>REST: {@code token_file} (the offline refresh token that {@code vrrp4j netcup login} stores),
 *     {@code api_url}, {@code auth_url}, {@code task_poll};</li>
 * <li>SOAP: {@code login} (customer number), {@code password_env} or {@code password_file},
 *     {@code soap_url}, {@code mac} (else discovered), {@code verify_poll};</li>
 * <li>{@code connect_timeout}, {@code request_timeout}.</li>
 * </ul>
 * Plain {@code http://} URLs are used only when written so (tests); {@code https} is always verified.
 */
public final class NetcupProviderFactory implements FailoverProviderFactory {
    /** The REST API's base URL. */
    public static final String DEFAULT_API_URL = "https://www.servercontrolpanel.de/scp-core";
    /** The OpenID Connect realm. */
    public static final String DEFAULT_AUTH_URL = "https://www.servercontrolpanel.de/realms/scp";
    /** The SOAP endpoint. */
    public static final String DEFAULT_SOAP_URL = "https://www.servercontrolpanel.de/SCP/WSEndUser";

    /** Keys of both APIs. */
    static final Set<String> COMMON_KEYS = Set.of("api", "failover_ip", "server", "connect_timeout", "request_timeout");
    /** Keys of the REST API only. */
    static final Set<String> REST_KEYS = Set.of("token_file", "api_url", "auth_url", "task_poll");
    /** Keys of the SOAP API only. */
    static final Set<String> SOAP_KEYS = Set.of("login", "password_env", "password_file", "soap_url", "mac", "verify_poll");
    static final Set<String> KEYS = union(COMMON_KEYS, REST_KEYS, SOAP_KEYS);

    /** The API to speak. */
    public enum Api { REST, SOAP }

    @Override
    public String name() {
        return "netcup";
    }

    @Override
    public FailoverProvider create(ProviderConfig config) {
        config.requireOnly(KEYS);
        Api api = config.enumValue("api", Api.class, Api.REST);
        // a key of the other API is a mistake (a half-migrated block), not something to ignore
        Set<String> foreign = api == Api.REST ? SOAP_KEYS : REST_KEYS;
        for (String key : config.keys()) {
            if (foreign.contains(key)) {
                throw new ProviderConfigException(key, "is a key of api " + (api == Api.REST ? "soap" : "rest")
                        + ", but this provider uses api " + api.name().toLowerCase(Locale.ROOT)
                        + (api == Api.REST && !config.keys().contains("api") ? " (the default)" : "")
                        + " (provider " + config.name() + ")");
            }
        }
        FailoverIp ip = FailoverIp.parse(config.string("failover_ip"));
        String server = config.string("server");
        Duration connect = config.duration("connect_timeout", Duration.ofSeconds(5));
        Duration request = config.duration("request_timeout", Duration.ofSeconds(30));
        String resource = "netcup failover IP " + ip + " → " + server + " (" + api.name().toLowerCase(Locale.ROOT) + ")";
        return switch (api) {
            case REST -> {
                HttpClient http = HttpClient.newBuilder().connectTimeout(connect).build();
                Path tokenFile = config.path("token_file").orElseThrow(() -> new ProviderConfigException("token_file",
                        "is required for api rest: the file `vrrp4j netcup login` writes (provider " + config.name() + ")"));
                URI apiUrl = url(config, "api_url", DEFAULT_API_URL);
                URI authUrl = url(config, "auth_url", DEFAULT_AUTH_URL);
                Duration taskPoll = config.duration("task_poll", Duration.ofSeconds(2));
                // last: the holder is shared and counted, so nothing may fail after taking it
                OidcTokens tokens = OidcTokens.holderFor(authUrl, http, tokenFile, request, Clock.systemUTC());
                NetcupRestClient client = new NetcupRestClient(apiUrl, http, tokens, request, taskPoll, Clock.systemUTC());
                yield new NetcupProvider(new RestBackend(client, ip, server), resource);
            }
            case SOAP -> {
                NetcupSoapClient client = new NetcupSoapClient(url(config, "soap_url", DEFAULT_SOAP_URL),
                        config.string("login"), config.secret("password"), connect, request, Clock.systemUTC());
                yield new NetcupProvider(new SoapBackend(client, ip, server, config.optionalString("mac"),
                        config.duration("verify_poll", Duration.ofSeconds(3))), resource);
            }
        };
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new java.util.HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }

    /** A URL from the configuration: https, or http when written so (test servers). */
    static URI url(ProviderConfig config, String key, String defaultValue) {
        String text = config.string(key, defaultValue);
        URI u;
        try {
            u = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new ProviderConfigException(key, "not a URL: " + text);
        }
        if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
            throw new ProviderConfigException(key, "must be an https:// (or, for tests, http://) URL: " + text);
        }
        return u;
    }
}
