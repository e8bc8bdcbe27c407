package org.vrrp4j.failover.netcup;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.testkit.failover.FailoverProviderContract;
import org.vrrp4j.testkit.netcup.NetcupSoapStandIn;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The netcup provider over SOAP: against the testkit's WSEndUser stand-in on 127.0.0.1 (raw SOAP
 * written from the service's description, not from our generated classes), and against raw HTTP
 * replies for what a JAX-WS server would not send (faults with status 200).
 */
class NetcupSoapProviderTest extends FailoverProviderContract {
    private static final String ME = "v2201909876543210";

    @TempDir
    Path dir;
    NetcupSoapStandIn service;
    String url;
    Path passwordFile;

    @BeforeEach
    void publish() throws Exception {
        service = new NetcupSoapStandIn();
        url = service.url().toString();
        passwordFile = dir.resolve("webservice.pass");
        Files.writeString(passwordFile, NetcupSoapStandIn.PASSWORD + "\n");
    }

    @AfterEach
    void unpublish() {
        service.close();
    }

    private FailoverProvider provider(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("api", "soap", "failover_ip", NetcupSoapStandIn.FAILOVER,
                "server", ME, "login", NetcupSoapStandIn.LOGIN, "password_file", passwordFile.toString(),
                "soap_url", url, "verify_poll", "50ms", "request_timeout", "10s"));
        keys.putAll(extra);
        return FailoverProviders.discover().create("netcup", ProviderConfig.of("VI_1", keys));
    }

    @Override
    protected FailoverProvider provider() {
        return provider(Map.of());
    }

    @Override
    protected void routeElsewhere() {
        service.route("v2201901234567890");
    }

    @Override
    protected boolean routedHere() {
        return ME.equals(service.routedServer());
    }

    @Override
    protected List<String> secrets() {
        return List.of(NetcupSoapStandIn.PASSWORD);
    }

    @Test
    void alreadyListedMeansNoChange() throws Exception {
        service.route(ME);
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOf(FailoverOutcome.AlreadyInPlace.class);
        }
        assertThat(service.changes()).isEmpty();
    }

    @Test
    void routedAfterThreeVerificationPollsWithTheDiscoveredPrimaryMac() throws Exception {
        service.listedAfterQueries(2);
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.Done.class,
                    d -> assertThat(d.detail()).contains("listed after 3 checks"));
        }
        // /32 for IPv4 and the MAC of the interface with the public IPv4, not the vLAN NIC
        assertThat(service.changes()).containsExactly("198.18.200.7/32 -> " + ME + " da:88:7b:00:00:02");
    }

    @Test
    void eachKnownFaultMapsToItsKind() throws Exception {
        Files.writeString(passwordFile, "wrong\n");
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("Invalid credentials."));
        }
        Files.writeString(passwordFile, NetcupSoapStandIn.PASSWORD + "\n");
        try (FailoverProvider p = provider(Map.of("server", "nope"))) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("Server not found for name 'nope'"));
        }
        try (FailoverProvider p = provider(Map.of("failover_ip", "198.18.200.99"))) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                    f -> assertThat(f.message()).contains("Could not find failover IP: 198.18.200.99"));
        }
        service.rateLimited(true);
        Instant before = Instant.now();
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.notBefore()).hasValueSatisfying(t -> assertThat(t).isAfterOrEqualTo(before.plusSeconds(299))));
        }
    }

    @Test
    void aSlowServerRunsIntoTheRequestTimeout() throws Exception {
        service.changeDelayMillis(3000);
        try (FailoverProvider p = provider(Map.of("request_timeout", "500ms"))) {
            long start = System.nanoTime();
            assertThat(p.acquire(context(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.RetryableFailure.class,
                    f -> assertThat(f.message()).contains("request timeout"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        }
    }

    @Test
    void cancellationDuringASlowChangeIpRoutingAbandonsItAndNoSecondChangeStarts() throws Exception {
        service.changeDelayMillis(3000);
        try (FailoverProvider p = provider()) {
            Cancellation c = new Cancellation();
            Thread canceller = Thread.ofVirtual().start(() -> {
                while (service.changes().isEmpty()) {
                    Thread.onSpinWait();
                }
                c.cancel();
            });
            long start = System.nanoTime();
            assertThat(p.acquire(context(c))).isInstanceOf(FailoverOutcome.Cancelled.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
            canceller.join();
        }
        Thread.sleep(3500);
        assertThat(service.changes()).as("no second change").hasSize(1);
    }

    /** A raw HTTP stand-in: captures the request, answers with a canned envelope and status. */
    record Raw(HttpServer server, List<String> bodies) implements AutoCloseable {
        static Raw start(int status, String reply) throws Exception {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            List<String> bodies = new CopyOnWriteArrayList<>();
            s.createContext("/", ex -> {
                bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] b = reply.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
                ex.sendResponseHeaders(status, b.length);
                ex.getResponseBody().write(b);
                ex.close();
            });
            s.start();
            return new Raw(s, bodies);
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/SCP/WSEndUser";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static final String CREDENTIALS_FAULT = "<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Body>"
            + "<S:Fault xmlns:ns4=\"http://www.w3.org/2003/05/soap-envelope\"><faultcode>S:Server</faultcode>"
            + "<faultstring>Invalid credentials.</faultstring></S:Fault></S:Body></S:Envelope>";

    @Test
    void faultsAreRecognisedWithHttp500AndWithHttp200() throws Exception {
        for (int status : new int[] {500, 200}) {
            try (Raw raw = Raw.start(status, CREDENTIALS_FAULT); FailoverProvider p = provider(Map.of("soap_url", raw.url()))) {
                assertThat(p.acquire(context(new Cancellation()))).as("HTTP %d", status)
                        .isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class,
                                f -> assertThat(f.message()).contains("Invalid credentials."));
            }
        }
    }

    @Test
    void theChangeIpRoutingRequestOnTheWireMatchesTheCapturedOne() throws Exception {
        String ipsReply = "<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<S:Body><ns2:getVServerIPsResponse xmlns:ns2=\"http://enduser.service.web.vcp.netcup.de/\">"
                + "<return>198.18.10.2</return></ns2:getVServerIPsResponse></S:Body></S:Envelope>";
        try (Raw raw = Raw.start(200, ipsReply);
                FailoverProvider p = provider(Map.of("soap_url", raw.url(), "mac", "da:88:7b:d4:35:5f", "request_timeout", "2s"))) {
            p.acquire(context(new Cancellation())); // check, change (answered with the IP list: a parse failure), stop
            String change = raw.bodies().stream().filter(b -> b.contains("changeIPRouting")).findFirst().orElseThrow();
            // FACTS.md's capture, as a schema-aware client sent it and the server accepted it
            String captured = "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap-env:Body>"
                    + "<ns0:changeIPRouting xmlns:ns0=\"http://enduser.service.web.vcp.netcup.de/\"><loginName>LOGIN</loginName>"
                    + "<password>PASSWORD</password><routedIP>188.68.44.180</routedIP><routedMask>32</routedMask>"
                    + "<destinationVserverName>v22018063665168274</destinationVserverName>"
                    + "<destinationInterfaceMAC>da:88:7b:d4:35:5f</destinationInterfaceMAC></ns0:changeIPRouting>"
                    + "</soap-env:Body></soap-env:Envelope>";
            assertThat(shape(change)).isEqualTo(shape(captured));
            Element op = operation(change);
            assertThat(text(op, "routedIP")).isEqualTo("198.18.200.7");
            assertThat(text(op, "routedMask")).isEqualTo("32");
            assertThat(text(op, "destinationVserverName")).isEqualTo(ME);
            assertThat(text(op, "loginName")).isEqualTo(NetcupSoapStandIn.LOGIN);
        }
    }

    @Test
    void thePasswordAppearsInNoLogLine() throws Exception {
        routedAfterThreeVerificationPollsWithTheDiscoveredPrimaryMac();
        Files.writeString(passwordFile, "wrong\n");
        try (FailoverProvider p = provider()) {
            p.acquire(context(new Cancellation()));
        }
        assertThat(Files.readString(Path.of("target/test.log"))).contains("changeIPRouting 198.18.200.7 to " + ME)
                .doesNotContain(NetcupSoapStandIn.PASSWORD);
    }

    /** Envelope and body namespaces, the operation's QName, and its children's (namespace, name) in order. */
    private static List<String> shape(String xml) throws Exception {
        Element op = operation(xml);
        List<String> out = new ArrayList<>();
        Element body = (Element) op.getParentNode();
        out.add(body.getNamespaceURI() + " " + body.getLocalName());
        out.add(op.getNamespaceURI() + " " + op.getLocalName());
        for (Node n = op.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add("child ns=" + e.getNamespaceURI() + " " + e.getLocalName());
            }
        }
        return out;
    }

    private static Element operation(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element body = (Element) d.getDocumentElement().getElementsByTagNameNS("http://schemas.xmlsoap.org/soap/envelope/", "Body").item(0);
        for (Node n = body.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        throw new AssertionError("empty body");
    }

    private static String text(Element op, String child) {
        return op.getElementsByTagNameNS(null, child).item(0).getTextContent();
    }
}
