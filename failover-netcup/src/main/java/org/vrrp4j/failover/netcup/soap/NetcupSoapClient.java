package org.vrrp4j.failover.netcup.soap;

import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.Secret;
import org.vrrp4j.failover.netcup.NetcupException;
import org.vrrp4j.failover.netcup.soap.generated.ServerInterface;
import org.vrrp4j.failover.netcup.soap.generated.VServerInformation;
import org.vrrp4j.failover.netcup.soap.generated.WSEndUser;
import org.vrrp4j.failover.netcup.soap.generated.WSEndUserService;

/**
 * netcup's WSEndUser SOAP webservice through the client wsimport generates from
 * {@code src/main/wsdl/WSEndUser.wsdl}. Faults are told apart by their {@code faultstring} (the
 * service sends them all as {@code S:Server}), with HTTP 500 or 200 alike. Each call runs on a thread of
 * its own; cancelling interrupts it, which closes its connection (socket I/O of a virtual thread is
 * interruptible), so a call in flight is aborted, not just abandoned. Requests go out chunked: the JDK's
 * HTTP client never re-sends a streamed POST after a broken connection (it would re-send a buffered one),
 * so an aborted {@code changeIPRouting} is never repeated behind the caller's back.
 *
 * <p>netcup discontinued this webservice on 2026-05-01: an endpoint answering HTTP 404 or 410, or a page
 * instead of a SOAP envelope, is a permanent failure that says so.
 */
public final class NetcupSoapClient implements AutoCloseable {
    static final String DISCONTINUED = "netcup discontinued the SOAP webservice on 2026-05-01;"
            + " use `api rest` (log in once with `vrrp4j netcup login`)";
    private static final Pattern HTTP_STATUS = Pattern.compile("HTTP status code (\\d{3})");

    /** The primary public interface: its MAC, and its id when netcup gives one (a string). */
    public record PrimaryInterface(String mac, Optional<String> id) {
    }

    private final WSEndUser port;
    private final String login;
    private final Secret password;
    private final Clock clock;

    public NetcupSoapClient(URI endpoint, String login, Secret password, Duration connectTimeout, Duration requestTimeout,
            Clock clock) {
        URL wsdl = NetcupSoapClient.class.getResource("/wsdl/WSEndUser.wsdl");
        this.port = new WSEndUserService(wsdl).getWSEndUserPort();
        Map<String, Object> ctx = ((BindingProvider) port).getRequestContext();
        ctx.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, endpoint.toString());
        ctx.put("com.sun.xml.ws.connect.timeout", (int) connectTimeout.toMillis());
        ctx.put("com.sun.xml.ws.request.timeout", (int) requestTimeout.toMillis());
        ctx.put("com.sun.xml.ws.transport.http.client.streaming.chunk.size", 8192); // see the class comment
        this.login = login;
        this.password = password;
        this.clock = clock;
    }

    /** {@code getVServerIPs}: the addresses routed to a server (IPv6 networks as prefixes). */
    public List<String> vServerIps(String vserverName, Cancellation c) throws NetcupException, InterruptedException {
        return call(() -> port.getVServerIPs(login, password.reveal(), vserverName), c, "getVServerIPs");
    }

    /** {@code changeIPRouting}; true when the service accepted it. */
    public boolean changeIpRouting(String ip, int mask, String vserverName, String mac, Cancellation c)
            throws NetcupException, InterruptedException {
        return call(() -> port.changeIPRouting(login, password.reveal(), ip, Integer.toString(mask), vserverName, mac),
                c, "changeIPRouting");
    }

    /** The server's primary public interface: the one carrying a public IPv4 (not the vLAN). */
    public PrimaryInterface primaryInterface(String vserverName, Cancellation c) throws NetcupException, InterruptedException {
        VServerInformation info = call(() -> port.getVServerInformation(login, password.reveal(), vserverName, "en"),
                c, "getVServerInformation");
        if (info == null) {
            throw NetcupException.permanent("getVServerInformation returned nothing for " + vserverName);
        }
        for (ServerInterface i : info.getServerInterfaces()) {
            if (!i.getIpv4IP().isEmpty() && i.getMac() != null && !i.getMac().isBlank()) {
                return new PrimaryInterface(i.getMac(), Optional.ofNullable(i.getId()).filter(id -> !id.isBlank()));
            }
        }
        throw NetcupException.permanent(vserverName + " has no interface with a public IPv4 address; configure mac");
    }

    private <T> T call(Callable<T> call, Cancellation c, String what) throws NetcupException, InterruptedException {
        c.throwIfCancelled();
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("netcup-soap " + what).unstarted(() -> {
            try {
                if (c.isCancelled()) {
                    throw new Cancellation.CancelledException(); // cancelled before it began: send nothing
                }
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        // cancel: the caller returns at once and the worker's connection is closed by the interrupt
        try (Cancellation.Registration r = c.onCancel(() -> {
            result.cancel(false);
            worker.interrupt();
        })) {
            worker.start();
            return result.get();
        } catch (CancellationException e) {
            throw new Cancellation.CancelledException();
        } catch (InterruptedException e) {
            worker.interrupt();
            throw e;
        } catch (ExecutionException e) {
            if (c.isCancelled() || e.getCause() instanceof Cancellation.CancelledException) {
                throw new Cancellation.CancelledException();
            }
            throw map(e.getCause(), what);
        }
    }

    /** Faults by faultstring (FACTS.md); transport problems are worth a retry. */
    NetcupException map(Throwable t, String what) {
        if (t instanceof SOAPFaultException sf) {
            String fault = sf.getFault() == null ? "" : String.valueOf(sf.getFault().getFaultString());
            if (fault.startsWith("Invalid credentials")) {
                return NetcupException.permanent(what + ": netcup rejected the login or webservice password (" + fault + ")");
            }
            if (fault.startsWith("Could not find failover IP") || fault.startsWith("Server not found")) {
                return NetcupException.permanent(what + ": " + fault);
            }
            if (fault.contains("only permitted once every 5 minutes")) {
                return new NetcupException(NetcupException.Kind.RETRYABLE, what + ": " + fault,
                        Optional.of(clock.instant().plus(Duration.ofMinutes(5))));
            }
            return NetcupException.retryable(what + ": " + fault);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String type = c.getClass().getSimpleName();
            String message = String.valueOf(c.getMessage());
            Matcher status = HTTP_STATUS.matcher(message);
            if (type.equals("ClientTransportException") && status.find()) {
                int code = Integer.parseInt(status.group(1));
                if (code == 404 || code == 410) {
                    return NetcupException.permanent(what + ": the endpoint answered HTTP " + code + "; " + DISCONTINUED);
                }
                if (code >= 200 && code < 300) { // a success that the SOAP runtime could not read: a page, not SOAP
                    return NetcupException.permanent(what + ": the endpoint answered HTTP " + code
                            + " with something that is not SOAP; " + DISCONTINUED);
                }
                return code >= 500 || code == 429 ? NetcupException.retryable(what + ": HTTP " + code)
                        : NetcupException.permanent(what + ": HTTP " + code + " from the webservice");
            }
            if (type.equals("UnsupportedMediaException") || message.contains("Expecting Envelope")
                    || message.contains("Unsupported Content-Type")) {
                return NetcupException.permanent(what + ": the endpoint answered with something that is not SOAP ("
                        + firstLine(message) + "); " + DISCONTINUED);
            }
            if (c instanceof SocketTimeoutException) {
                return NetcupException.retryable(what + ": no answer within the request timeout");
            }
            if (c instanceof ConnectException) {
                return NetcupException.retryable(what + ": cannot connect to the webservice");
            }
        }
        return NetcupException.retryable(what + ": " + t.getClass().getSimpleName() + " " + t.getMessage());
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }

    @Override
    public void close() {
        // the port holds no resources of its own beyond its connections, which the JDK pools
    }
}
