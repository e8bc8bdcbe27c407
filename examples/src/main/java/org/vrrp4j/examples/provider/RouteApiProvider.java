package org.vrrp4j.examples.provider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.Secret;

/**
 * Routes one address to this node through the route API: look first, change only when needed, verify.
 * Retries, backoff, cancellation on role loss and re-verification are the coordinator's; this class only
 * says what each call found, typed.
 */
final class RouteApiProvider implements FailoverProvider {
    private final HttpClient http;
    private final URI route;
    private final String node;
    private final Secret token;
    private final Duration timeout;
    private final String resource;

    RouteApiProvider(HttpClient http, URI route, String node, Secret token, Duration timeout, String resource) {
        this.http = http;
        this.route = route;
        this.node = node;
        this.token = token;
        this.timeout = timeout;
        this.resource = resource;
    }

    @Override
    public String resource() {
        return resource; // names the address and the node, never the token
    }

    @Override
    public FailoverOutcome acquire(FailoverContext context) throws InterruptedException {
        Location before = locate(context);
        if (before instanceof Location.Here here) {
            return new FailoverOutcome.AlreadyInPlace(here.detail());
        }
        if (before instanceof Location.Unknown unknown) {
            return unknown.failure();
        }
        context.cancellation().throwIfCancelled(); // superseded while looking: change nothing
        HttpResponse<String> put;
        try {
            put = send(context, request().PUT(HttpRequest.BodyPublishers.ofString(node)));
        } catch (IOException e) {
            return new FailoverOutcome.RetryableFailure("PUT " + route + ": " + e.getMessage());
        }
        if (put == null) {
            return new FailoverOutcome.Cancelled("PUT " + route + " cancelled");
        }
        FailoverOutcome refused = failure("PUT", put, context);
        if (refused != null) {
            return refused;
        }
        return switch (locate(context)) {
            case Location.Here here -> new FailoverOutcome.Done("routed to " + node);
            case Location.Elsewhere e -> new FailoverOutcome.RetryableFailure("PUT accepted, but " + e.detail());
            case Location.Unknown u -> u.failure();
        };
    }

    @Override
    public boolean supportsLocate() {
        return true; // lets the coordinator re-verify while master and re-acquire on drift
    }

    @Override
    public Location locate(FailoverContext context) throws InterruptedException {
        HttpResponse<String> get;
        try {
            get = send(context, request().GET());
        } catch (IOException e) {
            return new Location.Unknown(new FailoverOutcome.RetryableFailure("GET " + route + ": " + e.getMessage()));
        }
        if (get == null) {
            return new Location.Unknown(new FailoverOutcome.Cancelled("GET " + route + " cancelled"));
        }
        if (get.statusCode() == 404) {
            return new Location.Elsewhere("not routed anywhere");
        }
        FailoverOutcome failed = failure("GET", get, context);
        if (failed != null) {
            return new Location.Unknown(failed);
        }
        String owner = get.body().strip();
        return owner.equals(node) ? new Location.Here("routed to " + node) : new Location.Elsewhere("routed to " + owner);
    }

    private HttpRequest.Builder request() {
        return HttpRequest.newBuilder(route).timeout(timeout).header("Authorization", "Bearer " + token.reveal());
    }

    /**
     * Sends, and aborts the exchange the moment the call is cancelled; null when it was. A transport error
     * (refused, reset, timed out) is an {@link IOException}: worth retrying.
     */
    private HttpResponse<String> send(FailoverContext context, HttpRequest.Builder request)
            throws InterruptedException, IOException {
        CompletableFuture<HttpResponse<String>> exchange =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        try (Cancellation.Registration abort = context.cancellation().onCancel(() -> exchange.cancel(true))) {
            return exchange.get();
        } catch (CancellationException e) {
            return null;
        } catch (ExecutionException e) {
            if (context.cancellation().isCancelled()) {
                return null;
            }
            Throwable cause = e.getCause();
            throw new IOException(cause.getClass().getSimpleName() + (cause.getMessage() == null ? ""
                    : " " + cause.getMessage()), cause);
        }
    }

    /** Null for a 2xx; otherwise what it means: retry (5xx, 429 with Retry-After) or give up (4xx). */
    private static FailoverOutcome failure(String what, HttpResponse<String> r, FailoverContext context) {
        int status = r.statusCode();
        if (status / 100 == 2) {
            return null;
        }
        String message = what + " " + r.uri() + ": HTTP " + status;
        if (status == 429 || status / 100 == 5) {
            Optional<Instant> notBefore = r.headers().firstValue("Retry-After")
                    .flatMap(RouteApiProvider::seconds).map(s -> context.now().plusSeconds(s));
            return new FailoverOutcome.RetryableFailure(message, notBefore);
        }
        return new FailoverOutcome.PermanentFailure(message); // 401, 403, 400: retrying cannot help
    }

    private static Optional<Long> seconds(String retryAfter) {
        try {
            return Optional.of(Long.parseLong(retryAfter.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty(); // the HTTP-date form: let the retry policy decide
        }
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "RouteApiProvider[" + resource + "]";
    }
}
