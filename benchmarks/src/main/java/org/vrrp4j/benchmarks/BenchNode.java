package org.vrrp4j.benchmarks;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.vrrp4j.core.config.AddressScope;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.VrrpVersion;
import org.vrrp4j.netty.VrrpNode;

/**
 * A vrrp4j node for the benchmarks, started in a lab namespace by {@link Vrrp4jPeer}: the same routers
 * the benchmark writes into keepalived's configuration, given as arguments, until the launcher reads
 * keepalived.conf itself. {@code --router IFACE VRID PRIORITY INTERVAL_MS VIP/LEN} (repeatable).
 * Runs until killed; SIGTERM closes the node (priority 0).
 */
public final class BenchNode {
    private BenchNode() {
    }

    public static void main(String[] args) throws Exception {
        VrrpNode.Builder b = VrrpNode.builder().gratuitousArp(1, Duration.ZERO);
        int n = 0;
        for (int i = 0; i < args.length; i++) {
            if (!args[i].equals("--router") || i + 5 >= args.length) {
                throw new IllegalArgumentException("usage: --router IFACE VRID PRIORITY INTERVAL_MS VIP/LEN ...");
            }
            String[] vip = args[i + 5].split("/");
            b.addRouter(VirtualRouterConfig.builder().name("VI_" + (++n)).interfaceName(args[i + 1])
                    .vrid(Integer.parseInt(args[i + 2])).priority(Integer.parseInt(args[i + 3]))
                    .version(VrrpVersion.V3).advertInterval(Duration.ofMillis(Long.parseLong(args[i + 4])))
                    .addVirtualAddress(new VirtualAddress(InetAddress.ofLiteral(vip[0]),
                            vip.length > 1 ? Integer.parseInt(vip[1]) : 32, Optional.empty(), Optional.empty(), AddressScope.GLOBAL))
                    .build());
            i += 5;
        }
        VrrpNode node = b.build();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            done.countDown();
        }));
        System.out.println("vrrp4j bench node up with " + n + " routers");
        done.await();
    }
}
