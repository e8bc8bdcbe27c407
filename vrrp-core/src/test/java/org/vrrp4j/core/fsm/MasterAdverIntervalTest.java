package org.vrrp4j.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.AuthType;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * Master_Adver_Interval is the master's advertised interval only while this router is a backup of that
 * master: as master it advertises at its own interval, and every way out of MASTER or a backup's
 * adoption (take-over, fault, restart) starts again from the locally configured value (keepalived logs
 * "changing advert interval ... to locally configured").
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MasterAdverIntervalTest {
    private static final long MS = 1_000_000L;
    private static final InetAddress OWN = InetAddress.ofLiteral("198.18.0.2");
    private static final InetAddress PEER = InetAddress.ofLiteral("198.18.0.1");
    private static final InetAddress GROUP = InetAddress.ofLiteral("224.0.0.18");
    private static final InetAddress VIP = InetAddress.ofLiteral("198.18.1.100");

    private static Input.AdvertReceived advert(int priority, int intervalCentis) {
        VrrpPacket p = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV4, 1, priority, intervalCentis, List.of(VIP),
                AuthType.NONE, null);
        return new Input.AdvertReceived(p, PEER, GROUP, ChecksumForm.IPV4_PSEUDO_HEADER);
    }

    private static long deadline(VirtualRouter r, TimerKind kind) {
        return r.timerDeadline(kind).orElseThrow();
    }

    @Test
    void theAdoptedIntervalLastsOnlyWhileBackupOfThatMaster() {
        VirtualRouter r = new VirtualRouter(VirtualRouterConfig.builder().name("r").vrid(1).priority(100)
                .addVirtualAddress(VIP).build()); // 100 cs
        r.step(new Input.Start(OWN), 0);
        assertThat(r.masterAdverIntervalCentis()).as("at startup: our own").isEqualTo(100);

        long t = 1000 * MS;
        r.step(advert(200, 50), t);
        assertThat(r.masterAdverIntervalCentis()).as("adopted from the master's advert").isEqualTo(50);
        assertThat(deadline(r, TimerKind.MASTER_DOWN)).as("Master_Down_Interval recomputed from 50 cs, Skew_Time too")
                .isEqualTo(t + Timings.masterDownNanos(VrrpVersion.V3, 100, 50));

        // the master goes silent: we take over and advertise at our own interval, not the adopted one
        long down = deadline(r, TimerKind.MASTER_DOWN);
        r.step(new Input.TimerFired(TimerKind.MASTER_DOWN), down);
        assertThat(r.state()).isEqualTo(State.MASTER);
        assertThat(r.masterAdverIntervalCentis()).isEqualTo(100);
        assertThat(deadline(r, TimerKind.ADVERT)).isEqualTo(down + Timings.centisToNanos(100));

        // a higher-priority master at 50 cs pushes us back: adopted again
        long t2 = down + 500 * MS;
        r.step(advert(200, 50), t2);
        assertThat(r.state()).isEqualTo(State.BACKUP);
        assertThat(r.masterAdverIntervalCentis()).isEqualTo(50);
        assertThat(deadline(r, TimerKind.MASTER_DOWN)).isEqualTo(t2 + Timings.masterDownNanos(VrrpVersion.V3, 100, 50));

        // a fault and its end: back to the locally configured value, not the last master's
        r.step(new Input.LinkChanged(false), t2 + 100 * MS);
        assertThat(r.state()).isEqualTo(State.FAULT);
        long up = t2 + 200 * MS;
        r.step(new Input.LinkChanged(true), up);
        assertThat(r.state()).isEqualTo(State.BACKUP);
        assertThat(r.masterAdverIntervalCentis()).isEqualTo(100);
        assertThat(deadline(r, TimerKind.MASTER_DOWN)).isEqualTo(up + Timings.masterDownNanos(VrrpVersion.V3, 100, 100));
    }
}
