package org.vrrp4j.failover.hetzner;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.testkit.failover.FailoverProviderContract;
import org.vrrp4j.testkit.hetzner.HcloudStandIn;

/** The provider contract for {@code hcloud} with an alias IP in a private Network, against the Cloud stand-in. */
class HcloudAliasIpContractTest extends FailoverProviderContract {
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
        return Configs.aliasIp(cloud.api(), 1);
    }

    @Override
    protected void routeElsewhere() {
        cloud.setAliasIps(HcloudStandIn.SERVERS.get(0), List.of(HcloudStandIn.otherAlias(1)));
        cloud.setAliasIps(HcloudStandIn.SERVERS.get(1), List.of(HcloudStandIn.otherAlias(2), HcloudStandIn.ALIAS_IP));
    }

    @Override
    protected boolean routedHere() {
        return cloud.aliasHolders(HcloudStandIn.ALIAS_IP).equals(List.of(HcloudStandIn.SERVERS.get(0)));
    }

    @Override
    protected List<String> secrets() {
        return List.of(HcloudStandIn.TOKEN);
    }
}
