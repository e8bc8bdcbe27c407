package org.vrrp4j.failover.netcup;

import jakarta.jws.WebService;
import jakarta.xml.soap.SOAPFactory;
import jakarta.xml.soap.SOAPFault;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.namespace.QName;
import org.vrrp4j.failover.netcup.soap.generated.ServerInterface;
import org.vrrp4j.failover.netcup.soap.generated.VServerInformation;
import org.vrrp4j.failover.netcup.soap.generated.WSEndUser;

/**
 * A stand-in for netcup's WSEndUser implementing the port type generated from the project's WSDL, so
 * the contract under test is the WSDL's own. Faults carry netcup's fault strings (FACTS.md).
 */
@WebService(endpointInterface = "org.vrrp4j.failover.netcup.soap.generated.WSEndUser",
        serviceName = "WSEndUserService", portName = "WSEndUserPort",
        targetNamespace = "http://enduser.service.web.vcp.netcup.de/")
public class FakeWsEndUser implements WSEndUser {
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

    /** Routes the failover IP to a vServer (the state a scenario starts from). */
    public void route(String server) {
        routedTo.put(FAILOVER, server);
    }

    /** The MAC of a vServer's public interface, which changeIPRouting wants. */
    public String mac(String server) {
        return macs.get(server);
    }

    /** The vServer the failover IP is routed to now. */
    public String routedServer() {
        return routedTo.get(FAILOVER);
    }

    final Map<String, String> routedTo = new ConcurrentHashMap<>(Map.of(FAILOVER, "v2201901234567890"));
    final Map<String, String> macs = Map.of("v2201901234567890", "da:88:7b:d4:35:5f", "v2201909876543210", "da:88:7b:00:00:02");
    final List<String> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicInteger ipQueries = new AtomicInteger();
    volatile int listedAfterQueries;
    volatile boolean rateLimited;
    volatile long changeDelayMillis;
    private volatile String pendingServer;
    private volatile int queriesSinceChange;

    private static SOAPFaultException fault(String text) {
        try {
            SOAPFault f = SOAPFactory.newInstance().createFault(text,
                    new QName("http://schemas.xmlsoap.org/soap/envelope/", "Server"));
            return new SOAPFaultException(f);
        } catch (jakarta.xml.soap.SOAPException e) {
            throw new IllegalStateException(e);
        }
    }

    private void auth(String login, String password) {
        if (!LOGIN.equals(login) || !PASSWORD.equals(password)) {
            throw fault("Invalid credentials.");
        }
    }

    private void server(String name) {
        if (!macs.containsKey(name)) {
            throw fault("Server not found for name '" + name + "'");
        }
    }

    @Override
    public List<String> getVServers(String loginName, String password) {
        auth(loginName, password);
        return new ArrayList<>(macs.keySet());
    }

    @Override
    public List<String> getVServerIPs(String loginName, String password, String vserverName) {
        auth(loginName, password);
        server(vserverName);
        ipQueries.incrementAndGet();
        if (pendingServer != null && ++queriesSinceChange > listedAfterQueries) {
            routedTo.put(FAILOVER, pendingServer);
            pendingServer = null;
        }
        List<String> ips = new ArrayList<>(List.of(vserverName.endsWith("890") ? "198.18.10.1" : "198.18.10.2",
                "2001:db8:28:20f::/64"));
        routedTo.forEach((ip, s) -> {
            if (s.equals(vserverName)) {
                ips.add(ip);
            }
        });
        return ips;
    }

    @Override
    public VServerInformation getVServerInformation(String loginName, String password, String vservername, String language) {
        auth(loginName, password);
        server(vservername);
        VServerInformation info = new VServerInformation();
        info.setVServerName(vservername);
        info.setCpuCores(2);
        ServerInterface vlan = new ServerInterface();
        vlan.setMac("aa:bb:cc:00:00:01"); // the vLAN NIC: no public IPv4
        vlan.setId(2);
        ServerInterface pub = new ServerInterface();
        pub.setMac(macs.get(vservername));
        pub.setId(1);
        pub.getIpv4IP().add("198.18.10.2");
        info.getServerInterfaces().add(vlan);
        info.getServerInterfaces().add(pub);
        return info;
    }

    @Override
    public String getVServerState(String loginName, String password, String vserverName) {
        auth(loginName, password);
        return "online";
    }

    @Override
    public boolean changeIPRouting(String loginName, String password, String routedIP, String routedMask,
            String destinationVserverName, String destinationInterfaceMAC) {
        auth(loginName, password);
        changes.add(routedIP + "/" + routedMask + " -> " + destinationVserverName + " " + destinationInterfaceMAC);
        if (changeDelayMillis > 0) {
            try {
                Thread.sleep(changeDelayMillis); // the real one took about 5.4 s
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!routedTo.containsKey(routedIP)) {
            throw fault("Could not find failover IP: " + routedIP + " for User: " + loginName);
        }
        server(destinationVserverName);
        if (rateLimited) {
            throw fault("Routing a failover IP is only permitted once every 5 minutes.");
        }
        if (!macs.get(destinationVserverName).equals(destinationInterfaceMAC)) {
            return false;
        }
        pendingServer = destinationVserverName;
        queriesSinceChange = 0;
        if (listedAfterQueries == 0) {
            routedTo.put(routedIP, destinationVserverName);
            pendingServer = null;
        }
        return true;
    }
}
