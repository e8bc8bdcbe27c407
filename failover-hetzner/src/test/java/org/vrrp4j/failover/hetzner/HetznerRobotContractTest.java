package org.vrrp4j.failover.hetzner;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.testkit.failover.FailoverProviderContract;
import org.vrrp4j.testkit.hetzner.HetznerRobotStandIn;

/** The provider contract for {@code hetzner_robot}, against the Robot stand-in. */
class HetznerRobotContractTest extends FailoverProviderContract {
    private HetznerRobotStandIn robot;

    @BeforeEach
    void start() throws Exception {
        robot = new HetznerRobotStandIn();
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    @Override
    protected FailoverProvider provider() {
        return Configs.robot(robot.api(), 1);
    }

    @Override
    protected void routeElsewhere() {
        robot.route(HetznerRobotStandIn.FAILOVER_IP, HetznerRobotStandIn.SERVER_IPS.get(1));
    }

    @Override
    protected boolean routedHere() {
        return HetznerRobotStandIn.SERVER_IPS.get(0).equals(robot.activeServerIp(HetznerRobotStandIn.FAILOVER_IP));
    }

    @Override
    protected List<String> secrets() {
        return List.of(HetznerRobotStandIn.PASSWORD);
    }
}
