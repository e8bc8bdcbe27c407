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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * service sends them all as {@code S:Server}), with HTTP 500 or 200 alike. A cancelled call is
 * abandoned at once: the caller gets control back, the exchange ends at the request timeout.
 */
public final class NetcupSoapClient implements AutoCloseable {
    private static final ExecutorService CALLS = Executors.newVirtualThreadPerTaskExecutor();

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

    /** The MAC of the server's primary public interface: the one carrying a public IPv4 (not the vLAN). */
    public String primaryMac(String vserverName, Cancellation c) throws NetcupException, InterruptedException {
        VServerInformation info = call(() -> port.getVServerInformation(login, password.reveal(), vserverName, "en"),
                c, "getVServerInformation");
        if (info == null) {
            throw NetcupException.permanent("getVServerInformation returned nothing for " + vserverName);
        }
        for (ServerInterface i : info.getServerInterfaces()) {
            if (!i.getIpv4IP().isEmpty() && i.getMac() != null && !i.getMac().isBlank()) {
                return i.getMac();
            }
        }
        throw NetcupException.permanent(vserverName + " has no interface with a public IPv4 address; configure mac");
    }

    private <T> T call(java.util.concurrent.Callable<T> call, Cancellation c, String what)
            throws NetcupException, InterruptedException {
        c.throwIfCancelled();
        CompletableFuture<T> f = CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new WebServiceException(e);
            }
        }, CALLS);
        try (Cancellation.Registration r = c.onCancel(() -> f.cancel(true))) {
            return f.get();
        } catch (CancellationException e) {
            throw new Cancellation.CancelledException();
        } catch (ExecutionException e) {
            if (c.isCancelled()) {
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
            if (c instanceof SocketTimeoutException) {
                return NetcupException.retryable(what + ": no answer within the request timeout");
            }
            if (c instanceof ConnectException) {
                return NetcupException.retryable(what + ": cannot connect to the webservice");
            }
        }
        return NetcupException.retryable(what + ": " + t.getClass().getSimpleName() + " " + t.getMessage());
    }

    @Override
    public void close() {
        // the port holds no resources of its own beyond its connections, which the JDK pools
    }
}
