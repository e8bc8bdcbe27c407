package org.vrrp4j.examples.provider;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.testkit.failover.FailoverProviderContract;

/** The testkit's contract, against the route API stand-in on loopback; the provider found as the daemon finds it. */
class RouteApiProviderContractTest extends FailoverProviderContract {
    static final String ADDRESS = "198.18.0.100";
    static final String TOKEN = "s3cret-route-token";

    private RouteApiStandIn api;

    @BeforeEach
    void startApi() throws Exception {
        api = new RouteApiStandIn(TOKEN);
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    static ProviderConfig config(String url, String node) {
        return ProviderConfig.of("VI_1", Map.of("api_url", url, "address", ADDRESS, "node", node,
                "token_env", "ROUTE_TOKEN"), name -> name.equals("ROUTE_TOKEN") ? TOKEN : null);
    }

    @Override
    protected FailoverProvider provider() {
        // through ServiceLoader, as the daemon does: META-INF/services names the factory
        return FailoverProviders.discover().create("routeapi", config(api.url(), "s1"));
    }

    @Override
    protected void routeElsewhere() {
        api.routes.put(ADDRESS, "s2");
    }

    @Override
    protected boolean routedHere() {
        return "s1".equals(api.routes.get(ADDRESS));
    }

    @Override
    protected List<String> secrets() {
        return List.of(TOKEN);
    }
}
