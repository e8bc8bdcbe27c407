package org.vrrp4j.failover.netcup;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.vrrp4j.failover.netcup.rest.OidcTokens;

/**
 * The one-time login for the REST API ({@code vrrp4j netcup login}): OpenID Connect device flow. Prints
 * a URL and a code to confirm in a browser, then stores the offline refresh token in {@code tokenFile},
 * readable by its owner only.
 */
public final class NetcupLogin {
    private NetcupLogin() {
    }

    /** Runs the device flow against {@code authUrl} (netcup's realm unless testing). */
    public static void login(URI authUrl, Path tokenFile, PrintStream out, Duration timeout)
            throws NetcupException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        new OidcTokens(authUrl, http, tokenFile, Duration.ofSeconds(30), Clock.systemUTC()).deviceLogin(out, timeout);
    }

    /** Runs the device flow against netcup's realm. */
    public static void login(Path tokenFile, PrintStream out) throws NetcupException, InterruptedException {
        login(URI.create(NetcupProviderFactory.DEFAULT_AUTH_URL), tokenFile, out, Duration.ofMinutes(10));
    }
}
