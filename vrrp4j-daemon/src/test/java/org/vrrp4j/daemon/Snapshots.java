package org.vrrp4j.daemon;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vrrp4j.core.config.AddressScope;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.fsm.RouterCounters;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.failover.CheckStatus;
import org.vrrp4j.failover.FailoverCoordinator;
import org.vrrp4j.failover.FailoverEvent;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.netty.RouterStatus;

/** A daemon snapshot with every scope populated and distinct values, for rendering tests. */
final class Snapshots {
    static final Instant T0 = Instant.parse("2026-12-01T20:00:00.250Z");

    private Snapshots() {
    }

    static Daemon.Snapshot full() {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        long k = 100;
        for (DropReason r : DropReason.values()) {
            drops.put(r, k++);
        }
        RouterStatus vi1 = new RouterStatus("VI_1", 51, "eth1", State.MASTER, 254, Optional.of(InetAddress.ofLiteral("198.18.1.1")),
                new RouterCounters(11, 12, 13, 14, 15, 16, 17, 18, 19, 20, drops), 21);
        RouterStatus vi2 = new RouterStatus("VI_2", 52, "eth1", State.BACKUP, 100, Optional.empty(),
                new RouterCounters(31, 32, 33, 34, 35, 36, 37, 38, 39, 40, Map.of(DropReason.TTL_INVALID, 5L)), 0);
        FailoverCallStats calls = new FailoverCallStats();
        calls.bound("VI_1", "netcup:198.18.200.7", "netcup");
        calls.bound("G1", "exec:notify", "exec");
        calls.record(new FailoverEvent.Finished("VI_1", "netcup:198.18.200.7", T0, FailoverEvent.Step.ACQUIRE, 1,
                new FailoverOutcome.RetryableFailure("HTTP 503"), Duration.ofMillis(300)));
        calls.record(new FailoverEvent.Finished("VI_1", "netcup:198.18.200.7", T0.plusSeconds(3), FailoverEvent.Step.ACQUIRE, 2,
                new FailoverOutcome.Done("routed"), Duration.ofMillis(1_500)));
        calls.record(new FailoverEvent.Drift("VI_1", "netcup:198.18.200.7", T0.plusSeconds(60), "routed to 999"));
        calls.record(new FailoverEvent.GaveUp("G1", "exec:notify", T0, "script exited 1"));
        List<FailoverCoordinator.BindingStatus> bindings = List.of(
                new FailoverCoordinator.BindingStatus("VI_1", "netcup:198.18.200.7", true, false,
                        Optional.of(new FailoverEvent.Finished("VI_1", "netcup:198.18.200.7", T0.plusSeconds(3),
                                FailoverEvent.Step.ACQUIRE, 2, new FailoverOutcome.Done("routed"), Duration.ofMillis(1_500)))),
                new FailoverCoordinator.BindingStatus("G1", "exec:notify", false, true, Optional.empty()));
        Map<String, List<VirtualAddress>> vips = new LinkedHashMap<>();
        vips.put("VI_1", List.of(VirtualAddress.of(InetAddress.ofLiteral("198.18.1.100")),
                new VirtualAddress(InetAddress.ofLiteral("198.18.2.100"), 24, Optional.of("eth2"), Optional.empty(),
                        AddressScope.GLOBAL)));
        vips.put("VI_2", List.of());
        return new Daemon.Snapshot("lab-s1", Path.of("/etc/keepalived/keepalived.conf"), T0, List.of(vi1, vi2),
                Map.of("VI_1", 254, "VI_2", 100), Map.of("eth1", Map.of(DropReason.VRID_NOT_CONFIGURED, 7L)), bindings,
                Map.of("G1", State.MASTER), vips, Duration.ofSeconds(5), Map.of("VI_1", 3L), calls.views(), "1.2.3",
                Daemon.checks(List.of(new CheckStatus("VI_1", "netcup:198.18.200.7", Optional.of(T0.plusSeconds(7)),
                        Optional.of("token refreshed; 198.18.200.7 is routed here"), Optional.of(T0.plusSeconds(1)),
                        Optional.of("HTTP 503 maintenance"), Optional.of(T0.plus(Duration.ofDays(30))), 2, 0, false,
                        Optional.of(T0.plus(Duration.ofDays(1)))))));
    }
}
