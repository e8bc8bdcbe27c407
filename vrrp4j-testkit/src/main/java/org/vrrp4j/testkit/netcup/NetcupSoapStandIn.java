package org.vrrp4j.testkit.netcup;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A stand-in for netcup's WSEndUser SOAP webservice (SOAP 1.1, document/literal wrapped, target
 * namespace {@value #NAMESPACE}, unqualified child elements), answering raw XML over the JDK's HTTP
 * server. It is written from the service's description in {@code netcup/FACTS.md}, not from the
 * client's generated classes, so a binding mistake in the client shows up as a failing test instead
 * of being shared by both sides. Faults carry netcup's own fault strings with HTTP 500, as a JAX-WS
 * server sends them.
 */
public final class NetcupSoapStandIn implements AutoCloseable {
    /** The service's target namespace. */
    public static final String NAMESPACE = "http://enduser.service.web.vcp.netcup.de/";
    /** The customer number it accepts. */
    public static final String LOGIN = "123456";
    /** The webservice password it accepts. */
    public static final String PASSWORD = "webservice-PASSWORD-SECRET";
    /** The failover IPv4 it knows, routed to {@link #SERVER_1} at first. */
    public static final String FAILOVER = "198.18.200.7";
    /** The first vServer's name. */
    public static final String SERVER_1 = "v2201901234567890";
    /** The second vServer's name. */
    public static final String SERVER_2 = "v2201909876543210";

    /** The id getVServerInformation gives the public interface: a string, as netcup's are. */
    public static final String PUBLIC_INTERFACE_ID = "if-eth0-5f";

    private static final Map<String, String> MACS = Map.of(SERVER_1, "da:88:7b:d4:35:5f", SERVER_2, "da:88:7b:00:00:02");

    private final HttpServer server;
    private final String path;
    private final Map<String, String> routedTo = new ConcurrentHashMap<>(Map.of(FAILOVER, SERVER_1));
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile long routedAtNanos;

    /** One operation as received: its name and arrival time ({@link System#nanoTime()}). */
    public record Call(String operation, long atNanos) {
    }
    private final AtomicInteger ipQueries = new AtomicInteger();
    private volatile int listedAfterQueries;
    private volatile boolean rateLimited;
    private volatile long changeDelayMillis;
    private volatile String pendingServer;
    private volatile int queriesSinceChange;
    private volatile int discontinuedStatus;
    private final AtomicInteger abortedChanges = new AtomicInteger();

    /** Serves {@code /SCP/WSEndUser} on an ephemeral port of 127.0.0.1. */
    public NetcupSoapStandIn() throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "/SCP/WSEndUser");
    }

    /** Serves {@code path} on {@code bind}, in the network namespace of the calling thread. */
    public NetcupSoapStandIn(InetSocketAddress bind, String path) throws IOException {
        this.path = path;
        server = HttpServer.create(bind, 0);
        server.setExecutor(org.vrrp4j.testkit.lab.NetworkNamespaces.platformExecutor("stand-in"));
        server.createContext(path, this::handle);
        server.start();
    }

    /** The endpoint URL (a provider's {@code soap_url}). */
    public URI url() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + path);
    }

    /** Routes the failover IP to a vServer (the state a scenario starts from). */
    public void route(String vserver) {
        routedTo.put(FAILOVER, vserver);
    }

    /** The vServer the failover IP is routed to now. */
    public String routedServer() {
        return routedTo.get(FAILOVER);
    }

    /** The MAC of a vServer's public interface, which changeIPRouting wants. */
    public String mac(String vserver) {
        return MACS.get(vserver);
    }

    /** Every accepted changeIPRouting as {@code ip/mask -> vserver mac}, in order. */
    public List<String> changes() {
        return List.copyOf(changes);
    }

    /** The operations called so far, in order (credentials refused or not). */
    public List<String> operations() {
        return calls.stream().map(Call::operation).toList();
    }

    /** The operations called so far with their arrival times. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** When (System.nanoTime) the last changeIPRouting took effect, or 0. */
    public long routedAtNanos() {
        return routedAtNanos;
    }

    /** A change shows in getVServerIPs only after this many more queries (the real one lags). */
    public void listedAfterQueries(int queries) {
        listedAfterQueries = queries;
    }

    /** changeIPRouting answers netcup's "once every 5 minutes" fault while on. */
    public void rateLimited(boolean on) {
        rateLimited = on;
    }

    /** changeIPRouting takes this long before answering (the real one took about 5.4 s). */
    public void changeDelayMillis(long millis) {
        changeDelayMillis = millis;
    }

    /**
     * Answers every request as a discontinued service does: {@code status} 404 or 410 with an HTML page, or
     * 200 with an HTML page instead of SOAP; 0 serves SOAP again. (netcup ended this webservice 2026-05-01.)
     */
    public void discontinued(int status) {
        discontinuedStatus = status;
    }

    /** How many slow changeIPRouting answers found the client gone (it hung up during the delay). */
    public int abortedChanges() {
        return abortedChanges.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        long arrived = System.nanoTime(); // when the request reached the service, before reading and parsing it
        try (ex) {
            if (discontinuedStatus != 0) {
                byte[] page = "<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>"
                        .getBytes(StandardCharsets.UTF_8);
                ex.getRequestBody().readAllBytes();
                ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(discontinuedStatus, page.length);
                ex.getResponseBody().write(page);
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                send(ex, 405, "");
                return;
            }
            Element op;
            try {
                op = operation(ex.getRequestBody().readAllBytes());
            } catch (Exception e) {
                send(ex, 500, fault("Client", "Couldn't parse the request: " + e.getMessage()));
                return;
            }
            try {
                String body = dispatch(op, arrived);
                if (op.getLocalName().equals("changeIPRouting") && changeDelayMillis > 0) {
                    answerSlowChange(ex, envelope("<ns2:changeIPRoutingResponse xmlns:ns2=\"" + NAMESPACE + "\">"
                            + body + "</ns2:changeIPRoutingResponse>"));
                    return;
                }
                send(ex, 200, envelope("<ns2:" + op.getLocalName() + "Response xmlns:ns2=\"" + NAMESPACE + "\">"
                        + body + "</ns2:" + op.getLocalName() + "Response>"));
            } catch (SoapFault f) {
                send(ex, 500, fault("Server", f.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } catch (IOException e) {
            // the client went away (a cancelled call)
        }
    }

    /**
     * The answer to a slow change, headers first: a client that hung up during the delay answers them with a
     * reset, so writing the body fails and the change counts as aborted.
     */
    private void answerSlowChange(HttpExchange ex, String envelope) throws InterruptedException {
        try {
            ex.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            byte[] b = envelope.getBytes(StandardCharsets.UTF_8);
            try (var os = ex.getResponseBody()) {
                for (int i = 0; i < 3; i++) { // each write after a pause: the second one meets the reset
                    Thread.sleep(50);
                    os.write(b, i * b.length / 3, (i + 1) * b.length / 3 - i * b.length / 3);
                    os.flush();
                }
            }
        } catch (IOException e) {
            abortedChanges.incrementAndGet();
        }
    }

    private static Element operation(byte[] request) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(request));
        Node body = d.getDocumentElement().getElementsByTagNameNS("http://schemas.xmlsoap.org/soap/envelope/", "Body").item(0);
        if (body == null) {
            throw new IllegalArgumentException("no SOAP 1.1 Body");
        }
        for (Node n = body.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (!NAMESPACE.equals(e.getNamespaceURI())) {
                    throw new IllegalArgumentException("operation " + e.getLocalName() + " not in " + NAMESPACE);
                }
                return e;
            }
        }
        throw new IllegalArgumentException("empty Body");
    }

    /** A child element's text; children are unqualified in this service. */
    private static String arg(Element op, String name) {
        for (Node n = op.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getNamespaceURI() == null && e.getLocalName().equals(name)) {
                return e.getTextContent();
            }
        }
        return null;
    }

    private String dispatch(Element op, long arrived) throws SoapFault, InterruptedException {
        calls.add(new Call(op.getLocalName(), arrived));
        if (!LOGIN.equals(arg(op, "loginName")) || !PASSWORD.equals(arg(op, "password"))) {
            throw new SoapFault("Invalid credentials.");
        }
        return switch (op.getLocalName()) {
            case "getVServers" -> returns(new ArrayList<>(MACS.keySet()));
            case "getVServerIPs" -> vServerIps(knownServer(arg(op, "vserverName")));
            case "getVServerInformation" -> vServerInformation(knownServer(arg(op, "vservername")));
            case "getVServerState" -> {
                knownServer(arg(op, "vserverName"));
                yield returns(List.of("online"));
            }
            case "changeIPRouting" -> changeIpRouting(arg(op, "routedIP"), arg(op, "routedMask"),
                    arg(op, "destinationVserverName"), arg(op, "destinationInterfaceMAC"));
            default -> throw new SoapFault("Cannot find dispatch method for {" + NAMESPACE + "}" + op.getLocalName());
        };
    }

    private static String knownServer(String name) throws SoapFault {
        if (name == null || !MACS.containsKey(name)) {
            throw new SoapFault("Server not found for name '" + name + "'");
        }
        return name;
    }

    private String vServerIps(String vserver) {
        ipQueries.incrementAndGet();
        if (pendingServer != null && ++queriesSinceChange > listedAfterQueries) {
            routedTo.put(FAILOVER, pendingServer);
            pendingServer = null;
        }
        List<String> ips = new ArrayList<>(List.of(vserver.equals(SERVER_1) ? "198.18.10.1" : "198.18.10.2",
                "2001:db8:28:20f::/64"));
        routedTo.forEach((ip, s) -> {
            if (s.equals(vserver)) {
                ips.add(ip);
            }
        });
        return returns(ips);
    }

    private static String vServerInformation(String vserver) {
        // the vLAN NIC first (no public IPv4), then the public one: a client must pick by address, not by order
        return "<return><cpuCores>2</cpuCores><memory>2048</memory><status>online</status>"
                + "<vServerName>" + vserver + "</vServerName>"
                // ids are strings (not ints, and not always there): the vLAN NIC has none
                + "<serverInterfaces><driver>virtio</driver><mac>aa:bb:cc:00:00:01</mac>"
                + "<trafficThrottled>false</trafficThrottled></serverInterfaces>"
                + "<serverInterfaces><driver>virtio</driver><id>" + PUBLIC_INTERFACE_ID + "</id><mac>" + MACS.get(vserver) + "</mac>"
                + "<ipv4IP>198.18.10.2</ipv4IP><trafficThrottled>false</trafficThrottled></serverInterfaces>"
                + "</return>";
    }

    private String changeIpRouting(String ip, String mask, String vserver, String mac)
            throws SoapFault, InterruptedException {
        changes.add(ip + "/" + mask + " -> " + vserver + " " + mac);
        if (changeDelayMillis > 0) {
            Thread.sleep(changeDelayMillis);
        }
        if (ip == null || !routedTo.containsKey(ip)) {
            throw new SoapFault("Could not find failover IP: " + ip + " for User: " + LOGIN);
        }
        knownServer(vserver);
        if (rateLimited) {
            throw new SoapFault("Routing a failover IP is only permitted once every 5 minutes.");
        }
        if (!MACS.get(vserver).equals(mac)) {
            return "<return>false</return>";
        }
        pendingServer = vserver;
        queriesSinceChange = 0;
        if (listedAfterQueries == 0) {
            routedTo.put(ip, vserver);
            routedAtNanos = System.nanoTime();
            pendingServer = null;
        }
        return "<return>true</return>";
    }

    private static String returns(List<String> values) {
        StringBuilder b = new StringBuilder();
        values.forEach(v -> b.append("<return>").append(escape(v)).append("</return>"));
        return b.toString();
    }

    private static String envelope(String body) {
        return "<?xml version=\"1.0\" ?><S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Body>"
                + body + "</S:Body></S:Envelope>";
    }

    private static String fault(String code, String text) {
        return envelope("<S:Fault><faultcode>S:" + code + "</faultcode><faultstring>" + escape(text)
                + "</faultstring></S:Fault>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (var os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.stop(0);
    }

    private static final class SoapFault extends Exception {
        SoapFault(String message) {
            super(message, null, false, false);
        }
    }
}
