package org.vrrp4j.netty.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * A real rtnetlink overrun, bounded: a monitor with the smallest receive buffer is not read while 200
 * address changes happen in its namespace; the kernel drops notifications and the next read reports
 * ENOBUFS, which the monitor turns into one call of its overrun hook (the node resyncs there), and reading
 * goes on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinkMonitorOverrunTest {

    @Test
    void anOverrunIsReportedAndReadingGoesOn() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        try (NetnsLab lab = NetnsLab.create("vov")) {
            String ns = lab.add("m");
            LinkMonitor monitor = NetnsLab.inside(ns, LinkMonitor::open);
            try {
                monitor.receiveBuffer(1); // the kernel's minimum
                StringBuilder batch = new StringBuilder();
                for (int i = 1; i <= 200; i++) {
                    batch.append("addr add 198.18.7.").append(i).append("/32 dev lo\n");
                }
                Process p = new ProcessBuilder("ip", "-n", ns, "-batch", "-").redirectErrorStream(true).start();
                p.getOutputStream().write(batch.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(out).isZero();

                AtomicInteger overruns = new AtomicInteger();
                AtomicInteger addressEvents = new AtomicInteger();
                monitor.drain((index, name, up, deleted) -> { }, index -> addressEvents.incrementAndGet(),
                        overruns::incrementAndGet);
                assertThat(overruns.get()).as("ENOBUFS seen").isPositive();
                assertThat(addressEvents.get()).as("fewer notifications than changes: some were lost").isLessThan(200);

                // the socket stays usable: the next change is read normally
                NetnsLab.run("ip", "-n", ns, "addr", "add", "198.18.7.250/32", "dev", "lo");
                AtomicInteger later = new AtomicInteger();
                AtomicInteger laterOverruns = new AtomicInteger();
                monitor.drain((index, name, up, deleted) -> { }, index -> later.incrementAndGet(),
                        laterOverruns::incrementAndGet);
                assertThat(later.get()).isEqualTo(1);
                assertThat(laterOverruns.get()).isZero();
            } finally {
                monitor.close();
            }
        }
    }
}
