package org.vrrp4j.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vrrp4j status}: the running daemon's routers, from its {@code /status} endpoint. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running daemon's routers and states (from its /status, on " + RunCommand.DEFAULT_HTTP
                + " unless it runs with another --http).")
final class StatusCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--http", paramLabel = "[ADDR:]PORT", defaultValue = RunCommand.DEFAULT_HTTP,
            description = "where the daemon serves /status (default: ${DEFAULT-VALUE})")
    String http;

    @Option(names = "--json", description = "print the daemon's JSON as it is")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        java.net.InetSocketAddress a;
        try {
            a = RunCommand.parseHttp(http);
        } catch (IllegalArgumentException e) {
            err.println("vrrp4j status: --http " + http + ": " + e.getMessage());
            return 2;
        }
        String host = a.getAddress() instanceof java.net.Inet6Address ? "[" + a.getHostString() + "]" : a.getHostString();
        URI uri = URI.create("http://" + host + ":" + a.getPort() + "/status");
        String body;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
            // 15 s: the daemon loads its JSON library with the first /status (1.8 s on a loaded 2-vCPU machine)
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                err.println("vrrp4j status: " + uri + " answered " + r.statusCode() + ": " + r.body().strip());
                return 1;
            }
            body = r.body();
        } catch (IOException e) {
            err.println("vrrp4j status: no daemon answers at " + uri + " (" + e.getClass().getSimpleName()
                    + "); is vrrp4j running in this network namespace"
                    + (http.equals(RunCommand.DEFAULT_HTTP) ? "" : " with --http " + http) + "?");
            return 1;
        }
        if (json) {
            out.println(body);
            return 0;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(body);
        } catch (IOException e) {
            err.println("vrrp4j status: " + uri + " sent no JSON: " + e.getMessage());
            return 1;
        }
        out.printf("%-16s %5s %-10s %-10s %8s %-18s %s%n", "ROUTER", "VRID", "INTERFACE", "STATE", "PRIORITY", "MASTER",
                "FAILOVER");
        for (JsonNode r : root.path("routers")) {
            StringBuilder f = new StringBuilder();
            for (JsonNode b : r.path("failover")) {
                if (!f.isEmpty()) {
                    f.append("; ");
                }
                f.append(b.path("resource").asText()).append(b.path("acquired").asBoolean() ? " here" : "")
                        .append(b.path("busy").asBoolean() ? " (busy)" : "");
                JsonNode last = b.path("last");
                if (!last.isMissingNode() && last.has("outcome")) {
                    f.append(", last: ").append(last.path("outcome").asText());
                }
            }
            out.printf("%-16s %5d %-10s %-10s %4d/%-3d %-18s %s%n", r.path("name").asText(), r.path("vrid").asInt(),
                    r.path("interface").asText(), r.path("state").asText(), r.path("effectivePriority").asInt(),
                    r.path("priority").asInt(), r.path("master").isNull() ? "-" : r.path("master").asText(), f);
        }
        return 0;
    }
}
