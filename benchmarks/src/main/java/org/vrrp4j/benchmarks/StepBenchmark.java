package org.vrrp4j.benchmarks;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.Action;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.fsm.TimerKind;
import org.vrrp4j.core.fsm.VirtualRouter;
import org.vrrp4j.core.packet.AuthType;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpCodec;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;

/** The state machine's two hot paths: a backup accepting its master's advert, a master's advert timer. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StepBenchmark {
    private VirtualRouter backup;
    private VirtualRouter master;
    private Input.AdvertReceived advert;
    private final Input.TimerFired advertTimer = new Input.TimerFired(TimerKind.ADVERT);
    private long now;

    @Setup
    public void setup() {
        InetAddress vip = InetAddress.ofLiteral("198.18.1.100");
        VirtualRouterConfig cfg = VirtualRouterConfig.builder().vrid(7).priority(100)
                .advertInterval(Duration.ofMillis(100)).addVirtualAddress(vip).build();
        backup = new VirtualRouter(cfg);
        backup.step(new Input.Start(InetAddress.ofLiteral("198.18.0.2")), 0);
        master = new VirtualRouter(cfg.toBuilder().priority(255).build());
        master.step(new Input.Start(InetAddress.ofLiteral("198.18.0.1")), 0);
        VrrpPacket p = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV4, 7, 200, 10, List.of(vip), AuthType.NONE, null);
        advert = new Input.AdvertReceived(p, InetAddress.ofLiteral("198.18.0.1"), VrrpCodec.IPV4_GROUP,
                ChecksumForm.IPV4_PSEUDO_HEADER);
    }

    @Benchmark
    public List<Action> backupAcceptsAdvert() {
        now += 100_000_000L;
        return backup.step(advert, now);
    }

    @Benchmark
    public List<Action> masterAdvertTimer() {
        now += 100_000_000L;
        return master.step(advertTimer, now);
    }
}
