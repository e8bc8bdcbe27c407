package org.vrrp4j.failover.hetzner;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.vrrp4j.failover.spi.Cancellation;

/**
 * The HTTP side both providers share: a client with its own executor (never the common pool, which the
 * application may starve), and one exchange that a {@link Cancellation} abandons at once, with transport
 * errors mapped to kinds.
 */
final class Http implements AutoCloseable {
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final ExecutorService executor;
    private final HttpClient client;

    Http(String name, Duration connectTimeout) {
        int n = CLIENTS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-http-" + n + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).executor(executor)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** One exchange; the request carries its own timeout. */
    HttpResponse<String> send(HttpRequest request, Cancellation cancellation, String what)
            throws HetznerException, InterruptedException {
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
            Throwable c = e.getCause();
            String host = request.uri().getHost();
            if (c instanceof HttpTimeoutException && !(c instanceof java.net.http.HttpConnectTimeoutException)) {
                throw HetznerException.clientTimeout(what + ": no answer within "
                        + request.timeout().map(Duration::toString).orElse("the request timeout"));
            }
            if (c instanceof ConnectException || c instanceof java.net.http.HttpConnectTimeoutException) {
                throw HetznerException.retryable(what + ": cannot connect to " + host);
            }
            if (c instanceof javax.net.ssl.SSLException && untrusted(c)) {
                throw HetznerException.permanent(what + ": TLS certificate of " + host + " not trusted (" + c.getMessage() + ")");
            }
            if (c instanceof IOException) {
                throw HetznerException.retryable(what + ": " + c.getClass().getSimpleName() + " " + c.getMessage());
            }
            throw HetznerException.retryable(what + ": " + c);
        }
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

    /** Stops the client and its threads; exchanges still running are abandoned. */
    @Override
    public void close() {
        client.shutdownNow();
        executor.shutdownNow();
    }
}
