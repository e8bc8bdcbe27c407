package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The status endpoint under slow and many clients, in a process of its own (the JDK server reads its
 * timeouts once per JVM, so a fresh JVM shows the daemon's settings), on loopback.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpEndpointTest {
    private Process endpoint;
    private final List<Socket> stalled = new ArrayList<>();

    /** Runs an endpoint over {@link Snapshots#full()} on an ephemeral loopback port; prints the port; ends with stdin. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            try (HttpEndpoint e = new HttpEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Snapshots::full)) {
                System.out.println("port " + e.address().getPort());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the test closes our stdin
                }
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : stalled) {
            s.close();
        }
        if (endpoint != null) {
            endpoint.getOutputStream().close();
            if (!endpoint.waitFor(10, TimeUnit.SECONDS)) {
                endpoint.destroyForcibly();
            }
        }
    }

    private int start() throws Exception {
        endpoint = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(endpoint.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the endpoint's first line").startsWith("port ");
        return Integer.parseInt(line.substring(5).strip());
    }

    /** A client that connects, sends half a request line and stalls. */
    private void stall(int port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        OutputStream o = s.getOutputStream();
        o.write("GET /metr".getBytes(StandardCharsets.US_ASCII));
        o.flush();
        stalled.add(s);
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStalledClientDoesNotDelayOthers() throws Exception {
        int port = start();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(get(client, port, "/metrics").statusCode()).isEqualTo(200); // warm
            stall(port);
            Thread.sleep(200); // the stalled request reached a worker
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = get(client, port, "/metrics");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("vrrp4j_router_state{router=\"VI_1\"");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("answer %d beside a stalled client", i)
                        .isLessThan(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void moreStalledClientsThanWorkersAreCutOffAfterTheRequestTimeout() throws Exception {
        int port = start();
        for (int i = 0; i < HttpEndpoint.WORKERS + 4; i++) {
            stall(port);
        }
        Thread.sleep(200);
        long t0 = System.nanoTime();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> r = get(client, port, "/status");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"routers\"");
        }
        // every worker was held: the answer came once the server cut the stalled requests off
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .isLessThan(Duration.ofSeconds(HttpEndpoint.REQUEST_SECONDS + 3));
        for (Socket s : stalled) {
            assertThat(closedByServer(s)).as("a stalled connection was closed").isTrue();
        }
    }

    /**
     * Connections that never send a byte and stay open (a port scanner, a client that died after its
     * handshake) take no worker: 50 of them, beyond the pool and its queue together, and a normal
     * {@code GET /status} still answers.
     */
    @Test
    void fiftySilentConnectionsDoNotStopAStatusRequest() throws Exception {
        int port = start();
        for (int i = 0; i < 50; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            stalled.add(s); // connected, nothing sent, kept open
        }
        assertThat(HttpEndpoint.WORKERS + HttpEndpoint.QUEUE).as("more silent clients than pool and queue").isLessThan(50);
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = get(client, port, "/status");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("\"routers\"");
            }
        }
    }

    /** End of stream or a reset: the server closed it (a read that times out means it did not). */
    private static boolean closedByServer(Socket s) throws Exception {
        s.setSoTimeout(3_000);
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // connection reset
        }
    }

    @Test
    void onlyGetAndHeadOnTheTwoPaths() throws Exception {
        int port = start();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(get(client, port, "/metrics/x").statusCode()).isEqualTo(404);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(get(client, port, "/status").headers().firstValue("Content-Type")).hasValue("application/json");
        }
    }
}
