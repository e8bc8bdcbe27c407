package org.vrrp4j.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * Every VRRP advert crossing the lab's switch, time-stamped by the kernel (tcpdump, nanosecond
 * precision), so both implementations are measured by the same independent observer.
 */
final class AdvertCapture implements AutoCloseable {
    /** One advert on the wire. */
    record Advert(long nanos, String source, int priority) {
    }

    private static final Pattern LINE = Pattern.compile(
            "^(\\d+\\.\\d+) IP6? (\\S+) > \\S+: VRRPv\\d, Advertisement, vrid \\d+, prio (\\d+)");

    private final Process tcpdump;
    private final List<Advert> adverts = new ArrayList<>();
    private final Thread reader;

    AdvertCapture(NetnsLab lab) throws IOException, InterruptedException {
        tcpdump = lab.exec(lab.switchNamespace(), List.of("tcpdump", "-l", "-n", "-tt", "--time-stamp-precision=nano",
                "-i", "br0", "ip proto 112 or ip6 proto 112")).start();
        reader = Thread.ofPlatform().daemon().name("advert-capture").start(this::read);
        // tcpdump captures once it says "listening on" (on a loaded machine that took seconds, not the 0.5 s once slept)
        java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
        Thread.ofPlatform().daemon().name("advert-capture-stderr").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(tcpdump.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.contains("listening on")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                // tcpdump ended
            }
        });
        if (!listening.await(15, TimeUnit.SECONDS)) {
            close();
            throw new IOException("tcpdump did not start listening on the lab's switch within 15 s");
        }
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(tcpdump.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = LINE.matcher(line);
                if (m.find()) {
                    long nanos = new BigDecimal(m.group(1)).movePointRight(9).longValueExact();
                    synchronized (this) {
                        adverts.add(new Advert(nanos, m.group(2), Integer.parseInt(m.group(3))));
                        notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            // tcpdump ended
        }
    }

    /** The adverts seen so far. */
    synchronized List<Advert> snapshot() {
        return List.copyOf(adverts);
    }

    /** The number of adverts seen so far (an index to wait from). */
    synchronized int mark() {
        return adverts.size();
    }

    /** Waits for an advert at or after index {@code from} matching {@code p}. */
    synchronized Optional<Advert> await(int from, Predicate<Advert> p, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int i = from;
        while (true) {
            for (; i < adverts.size(); i++) {
                if (p.test(adverts.get(i))) {
                    return Optional.of(adverts.get(i));
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public void close() throws InterruptedException {
        tcpdump.destroy();
        tcpdump.waitFor(5, TimeUnit.SECONDS);
        reader.join(2000);
    }
}
