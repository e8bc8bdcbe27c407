package org.vrrp4j.failover.hetzner;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.testkit.failover.FailoverProviderContract;
import org.vrrp4j.testkit.hetzner.HcloudStandIn;

/** The provider contract for {@code hcloud} with a Floating IPv6 given by an address inside its /64, against the Cloud stand-in. */
class HcloudFloatingIpv6ContractTest extends FailoverProviderContract {
    private HcloudStandIn cloud;

    @BeforeEach
    void start() throws Exception {
        cloud = new HcloudStandIn();
    }

    @AfterEach
    void stop() {
        cloud.close();
    }

    @Override
    protected FailoverProvider provider() {
        return Configs.floatingIp(cloud.api(), "2001:db8:9:1::1", 1);
    }

    @Override
    protected void routeElsewhere() {
        cloud.assign(HcloudStandIn.FLOATING_IPV6_ID, HcloudStandIn.SERVERS.get(1));
    }

    @Override
    protected boolean routedHere() {
        return cloud.assignedServer(HcloudStandIn.FLOATING_IPV6_ID) == HcloudStandIn.SERVERS.get(0);
    }

    @Override
    protected List<String> secrets() {
        return List.of(HcloudStandIn.TOKEN);
    }
}
