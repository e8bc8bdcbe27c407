package org.vrrp4j.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;
import org.vrrp4j.core.packet.AuthType;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpCodec;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * A node's runtime on a {@link FakeHost} and a {@link VirtualLoop}, the way Netty's EmbeddedChannel runs a
 * pipeline: no root, no threads, time moved by the test. Listener events are recorded as
 * {@code "ROUTER STATE REASON"}.
 */
final class Harness {
    static final long MS = 1_000_000L;
    final FakeHost host = new FakeHost();
    final VirtualLoop loop = new VirtualLoop();
    final List<String> events = new ArrayList<>();
    final NodeRuntime runtime;

    Harness() {
        this(new AnnouncementSchedule.Cadence(1, Duration.ZERO, Duration.ZERO, 1));
    }

    Harness(AnnouncementSchedule.Cadence cadence) {
        host.add("eth0", "198.18.1.1");
        host.add("eth1", "198.18.2.1");
        ListenerDispatch listeners = new ListenerDispatch(List.of(new NodeListener() {
            @Override
            public void stateChanged(String router, State from, State to, TransitionReason reason) {
                events.add(router + " " + to + " " + reason);
            }

            @Override
            public void syncGroupChanged(String group, State to, String member) {
                events.add("group " + group + " " + to + " " + member);
            }
        }), Runnable::run);
        runtime = new NodeRuntime(loop, host, null, listeners, cadence, false);
    }

    static VirtualRouterConfig router(String name, String ifname, int vrid, int priority, String vip) {
        return VirtualRouterConfig.builder().name(name).interfaceName(ifname).vrid(vrid).priority(priority)
                .advertInterval(Duration.ofMillis(100)).addVirtualAddress(InetAddress.ofLiteral(vip)).build();
    }

    /** Attaches and starts routers, as the node's build does. */
    List<RouterDriver> start(VirtualRouterConfig... configs) throws IOException {
        List<RouterDriver> d = runtime.attach(List.of(configs), Map.of());
        runtime.start(d);
        return d;
    }

    /** An IPv4 datagram (header + VRRPv3 advert) as a raw socket delivers it. */
    static byte[] advert(String source, int vrid, int priority, int ttl, String... vips) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String v : vips) {
            addresses.add(InetAddress.ofLiteral(v));
        }
        VrrpPacket p = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV4, vrid, priority, 10, addresses, AuthType.NONE, null);
        byte[] msg = VrrpCodec.encode(p, InetAddress.ofLiteral(source), VrrpCodec.IPV4_GROUP, ChecksumForm.IPV4_PSEUDO_HEADER);
        return ipv4(source, "224.0.0.18", ttl, 112, msg);
    }

    /** An IPv4 header (IHL 5) in front of {@code payload}. */
    static byte[] ipv4(String source, String destination, int ttl, int protocol, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0xc0).putShort((short) (20 + payload.length)).putInt(0);
        b.put((byte) ttl).put((byte) protocol).putShort((short) 0);
        b.put(InetAddress.ofLiteral(source).getAddress()).put(InetAddress.ofLiteral(destination).getAddress());
        b.put(payload);
        return b.array();
    }

    /** Queues {@code datagram} on {@code ifname}'s IPv4 socket and lets the node read it. */
    void receive(String ifname, byte[] datagram) {
        FakeHost.Socket s = host.socket(ifname, IpFamily.IPV4);
        s.inbound.add(datagram);
        if (!loop.readable(s.fd)) {
            throw new AssertionError("the socket of " + ifname + " is not watched");
        }
    }

    State state(String router) {
        return runtime.router(router).router.state();
    }
}
