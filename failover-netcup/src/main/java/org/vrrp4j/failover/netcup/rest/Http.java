package org.vrrp4j.failover.netcup.rest;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.netcup.NetcupException;

/** One HTTP exchange that a {@link Cancellation} abandons at once, with transport errors mapped to kinds. */
final class Http {
    private Http() {
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request, Cancellation cancellation, String what)
            throws NetcupException, InterruptedException {
        cancellation.throwIfCancelled();
        CompletableFuture<HttpResponse<String>> f = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try (Cancellation.Registration r = cancellation.onCancel(() -> f.cancel(true))) {
            return f.get();
        } catch (CancellationException e) {
            throw new Cancellation.CancelledException();
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (cancellation.isCancelled()) {
                throw new Cancellation.CancelledException();
            }
            throw failure(e.getCause(), request, what);
        }
    }

    /**
     * One exchange that is not abandoned when the calling thread is interrupted: it ends with its answer or
     * its timeout, and the interrupt is kept for the caller. For requests whose answer must not be lost.
     */
    static HttpResponse<String> sendToTheEnd(HttpClient client, HttpRequest request, String what) throws NetcupException {
        CompletableFuture<HttpResponse<String>> f = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw failure(e.getCause(), request, what);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static NetcupException failure(Throwable c, HttpRequest request, String what) {
        if (c instanceof HttpTimeoutException) {
            return NetcupException.retryable(what + ": no answer within the request timeout");
        }
        if (c instanceof ConnectException) {
            return NetcupException.retryable(what + ": cannot connect to " + request.uri().getHost());
        }
        if (c instanceof javax.net.ssl.SSLException && untrusted(c)) {
            return NetcupException.permanent(what + ": TLS certificate of " + request.uri().getHost()
                    + " not trusted (" + c.getMessage() + ")");
        }
        if (c instanceof javax.net.ssl.SSLException) {
            // a handshake the peer dropped, a reset mid-record: the network, not the configuration
            return NetcupException.retryable(what + ": TLS connection to " + request.uri().getHost()
                    + " broke off (" + c.getMessage() + ")");
        }
        if (c instanceof IOException) {
            return NetcupException.retryable(what + ": " + c.getClass().getSimpleName() + " " + c.getMessage());
        }
        return NetcupException.retryable(what + ": " + c);
    }

    /** Whether a TLS failure is about the peer's certificate (retrying cannot help) rather than the connection. */
    static boolean untrusted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.security.cert.CertificateException || c instanceof java.security.cert.CertPathValidatorException
                    || c instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return true;
            }
        }
        return false;
    }

    /** A Retry-After header: seconds or an HTTP date. */
    static Optional<Instant> retryAfter(HttpResponse<?> response, Instant now) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(now.plusSeconds(Long.parseLong(v.strip())));
            } catch (NumberFormatException e) {
                try {
                    return Optional.of(ZonedDateTime.parse(v.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                } catch (RuntimeException e2) {
                    return Optional.empty();
                }
            }
        });
    }
}
