package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.IpFamily;

/**
 * The link watcher's decisions on a fake host, deterministic: an interface deleted and made again under its
 * name (a new ifindex) is picked up by name, and after a netlink overrun (lost notifications) a resync
 * finds what no event said. The real kernel side: {@code InterfaceRecreatedTest} and
 * {@code linux.LinkMonitorOverrunTest}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InterfacesComeAndGoTest {
    private static final long SETTLE = 1000 * Harness.MS; // Master_Down_Interval at 100 ms adverts is ~0.36 s

    private static Harness master() throws Exception {
        Harness h = new Harness();
        h.start(Harness.router("VI_1", "eth0", 7, 100, "198.18.1.100"));
        h.loop.advance(SETTLE);
        assertThat(h.state("VI_1")).isEqualTo(State.MASTER);
        return h;
    }

    @Test
    void aResyncAfterAnOverrunFindsALinkStateNoEventReported() throws Exception {
        Harness h = master();
        h.host.interfaces.get("eth0").up = false; // went down, and the notification was lost in the overrun
        h.loop.advance(SETTLE);
        assertThat(h.state("VI_1")).as("nothing told the node yet").isEqualTo(State.MASTER);
        h.runtime.links().resync();
        assertThat(h.state("VI_1")).isEqualTo(State.FAULT);
        assertThat(h.host.addresses).doesNotContain("2 198.18.1.100/32");

        h.host.interfaces.get("eth0").up = true;
        h.runtime.links().resync();
        assertThat(h.state("VI_1")).isEqualTo(State.BACKUP);
        h.loop.advance(SETTLE);
        assertThat(h.state("VI_1")).isEqualTo(State.MASTER);
        assertThat(h.runtime.links().resyncs()).isEqualTo(2);
    }

    @Test
    void anInterfaceMadeAgainUnderItsNameIsPickedUpByName() throws Exception {
        Harness h = master();
        FakeHost.Iface before = h.host.interfaces.get("eth0");
        FakeHost.Socket oldSocket = h.host.socket("eth0", IpFamily.IPV4);
        assertThat(h.host.addresses).contains(before.ifindex + " 198.18.1.100/32");

        h.runtime.links().linkChanged(before.ifindex, "eth0", false, true); // RTM_DELLINK
        assertThat(h.state("VI_1")).isEqualTo(State.FAULT);

        FakeHost.Iface again = new FakeHost.Iface("eth0", 42); // same name, same address, a new index
        again.ipv4 = InetAddress.ofLiteral("198.18.1.1");
        h.host.interfaces.put("eth0", again);
        h.runtime.links().linkChanged(42, "eth0", true, false); // RTM_NEWLINK, up

        FakeHost.Socket fresh = h.host.socket("eth0", IpFamily.IPV4);
        assertThat(fresh).as("a socket on the new interface").isNotSameAs(oldSocket);
        assertThat(oldSocket.closed).isTrue();
        assertThat(h.state("VI_1")).isEqualTo(State.BACKUP);
        h.loop.advance(SETTLE);
        assertThat(h.state("VI_1")).isEqualTo(State.MASTER);
        assertThat(fresh.sent).as("adverts leave on the new socket").isNotEmpty();
        assertThat(h.host.addresses).as("the address goes on the new interface").contains("42 198.18.1.100/32");

        // an event for another interface of another name and index changes nothing
        h.runtime.links().linkChanged(77, "eth9", true, false);
        assertThat(h.host.socket("eth0", IpFamily.IPV4)).isSameAs(fresh);
    }

    /**
     * A virtual MAC's base made again (issue 11 item 9), the link watcher's decisions: the runtime's rebuild
     * (which needs real macvlans, see {@code InterfaceFaultsTest}) is replaced by a stand-in that can fail,
     * and eth0 plays the macvlan on base eth1. The base's new index triggers the rebuild; one that fails (an
     * IPv6 base without its link-local yet) is retried on the base's address events; a resync after an
     * overrun finds a base recreated without any event; the router follows the macvlan's link state.
     */
    @Test
    void aVirtualMacsBaseMadeAgainIsRebuiltOnItsEventOrAResyncAndRetriedOnItsAddressEvents() throws Exception {
        Harness h = master();
        InterfaceChannel c = h.runtime.channel("eth0", IpFamily.IPV4);
        c.virtualMacBase = "eth1";
        c.virtualMacBaseIndex = h.host.interfaces.get("eth1").ifindex;
        java.util.List<String> rebuilt = new java.util.ArrayList<>();
        boolean[] failing = {true};
        h.runtime.links().virtualMacRebuilder(ch -> {
            if (failing[0]) {
                throw new java.io.IOException("interface eth1 has no IPv6 link-local address yet");
            }
            rebuilt.add(ch.name);
            ch.virtualMacBaseIndex = h.host.ifindex(ch.virtualMacBase);
        });

        h.runtime.links().linkChanged(c.ifindex, "eth0", false, true); // the macvlan died with its base
        assertThat(h.state("VI_1")).isEqualTo(State.FAULT);
        h.host.interfaces.put("eth1", new FakeHost.Iface("eth1", 50));
        h.runtime.links().linkChanged(50, "eth1", false, false); // the base is back: the rebuild fails for now
        assertThat(rebuilt).isEmpty();
        assertThat(c.virtualMacPending).isTrue();
        assertThat(h.state("VI_1")).isEqualTo(State.FAULT);

        failing[0] = false;
        h.runtime.links().addressesChanged(77); // another interface's addresses: nothing
        assertThat(rebuilt).isEmpty();
        h.runtime.links().addressesChanged(50); // the base's link-local came
        assertThat(rebuilt).containsExactly("eth0");
        assertThat(c.virtualMacPending).isFalse();
        assertThat(h.state("VI_1")).as("the macvlan is up: FAULT cleared").isEqualTo(State.BACKUP);
        h.loop.advance(SETTLE);
        assertThat(h.state("VI_1")).isEqualTo(State.MASTER);

        h.runtime.links().linkChanged(50, "eth1", true, false); // the same base again: no rebuild
        assertThat(rebuilt).hasSize(1);
        h.host.interfaces.put("eth1", new FakeHost.Iface("eth1", 60)); // made again, and the events were lost
        h.runtime.links().resync();
        assertThat(rebuilt).containsExactly("eth0", "eth0");
        assertThat(c.virtualMacBaseIndex).isEqualTo(60);
    }
}
