package org.vrrp4j.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;

/**
 * The README's first command as an operator runs it: the packaged {@code bin/vrrp4j-demo} (after
 * {@code package}, so this is a failsafe integration test), as root, in network namespaces.
 */
@Requires(Prerequisite.NETNS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DemoIT {
    @Test
    void thePackagedDemoShowsTheTakeOverAndTheFailoverIpFollowingAndCleansUp() throws Exception {
        Path script = Path.of("target/vrrp4j-demo/bin/vrrp4j-demo");
        assertThat(script).isExecutable();
        Path out = Files.createTempFile("vrrp4j-demo-", ".out");
        try {
            Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            boolean ended = p.waitFor(150, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(out);
            assertThat(ended).as("the demo ended; it printed:%n%s", text).isTrue();
            assertThat(p.exitValue()).as(text).isZero();
            assertThat(text).contains("s1 is MASTER", "failover IP 198.18.200.7 routed to s1", "s1 killed (SIGKILL",
                    "virtual address on s2: true", "s2 stopped with SIGTERM, exit status 0", "namespaces removed.");
            // the take-over happens within Master_Down_Interval (3 x 2 s + skew) of the kill, plus a margin for
            // a loaded 2-vCPU machine; it cannot happen before the backup has missed at least one advert (2 s)
            Matcher m = Pattern.compile("s2 is MASTER after (\\d+) ms").matcher(text);
            assertThat(m.find()).as(text).isTrue();
            assertThat(Long.parseLong(m.group(1))).isBetween(2_000L, 6_008L + 1_500L);
            assertThat(text).containsPattern("failover IP routed to s2 after \\d+ ms");
            Process list = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String namespaces = new String(list.getInputStream().readAllBytes());
            list.waitFor(10, TimeUnit.SECONDS);
            assertThat(namespaces).as("the demo's namespaces are gone").doesNotContain("v4jdemo");
        } finally {
            new File(out.toString()).delete();
        }
    }
}
