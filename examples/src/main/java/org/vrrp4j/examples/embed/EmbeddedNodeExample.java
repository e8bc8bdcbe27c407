package org.vrrp4j.examples.embed;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;
import org.vrrp4j.failover.BindingOptions;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;
import org.vrrp4j.netty.NodeListener;
import org.vrrp4j.netty.VrrpNode;

/**
 * Embedding a VRRP node in an application (the README's example, compiled here): the application
 * serves only while it holds the virtual address, and a failover provider follows the role.
 * Run as root (or with CAP_NET_RAW + CAP_NET_ADMIN) and {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class EmbeddedNodeExample {
    private EmbeddedNodeExample() {
    }

    public static void main(String[] args) throws Exception {
        VirtualRouterConfig vip = VirtualRouterConfig.builder()
                .name("VI_1").interfaceName(args.length > 0 ? args[0] : "eth0")
                .vrid(51).priority(150).advertInterval(Duration.ofMillis(100))
                .addVirtualAddress(InetAddress.ofLiteral("198.18.0.100"))
                .build();
        try (FailoverCoordinator failover = FailoverCoordinator.builder().build()) {
            failover.bind("VI_1", FailoverProviders.discover().create("exec", ProviderConfig.of("VI_1",
                    Map.of("notify", "/usr/bin/logger -t vrrp4j"))), BindingOptions.standard());
            try (VrrpNode node = VrrpNode.builder()
                    .addRouter(vip)
                    .listener(new NodeListener() {
                        @Override
                        public void stateChanged(String router, State from, State to, TransitionReason why) {
                            System.out.println(router + ": " + from + " -> " + to + " (" + why + ")");
                            failover.update(new RoleChange(router, false, switch (to) {
                                case MASTER -> RouterState.MASTER;
                                case BACKUP -> RouterState.BACKUP;
                                case FAULT -> RouterState.FAULT;
                                case INITIALIZE -> RouterState.STOP;
                            }, vip.priority()));
                        }

                        @Override
                        public void lowerPriorityMasterHeard(String router, InetAddress source, int priority) {
                            failover.reassert(router); // a split brain just healed: check the failover IP
                        }
                    })
                    .build()) {
                Thread.sleep(Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 30));
            }
        }
    }
}
