package org.vrrp4j.testkit.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Requires;

/**
 * NetworkNamespaces reaches setns(2) through FFM handles it looks up at run time (the kit is Java 21
 * bytecode): the calling thread really lands in the named namespace, and a missing one is a clear error.
 */
@Timeout(60)
@Requires(Prerequisite.NETNS)
class NetworkNamespacesTest {
    /** The network namespace of the calling thread, as the kernel names it ("net:[4026531840]"). */
    private static String currentNetns() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    @Test
    void runsTheTaskInsideTheNamespace() throws Exception {
        try (NetnsLab lab = NetnsLab.create("j21ns")) {
            String ns = lab.add("a");
            String before = currentNetns();

            // a process started from the task's thread inherits its namespace; ip names the one it is in
            String[] inside = NetworkNamespaces.call(ns,
                    () -> new String[] {currentNetns(), NetnsLab.run("ip", "netns", "identify").strip()});

            assertThat(inside[0]).isNotEqualTo(before);
            assertThat(inside[1]).isEqualTo(ns);
            assertThat(currentNetns()).as("the calling thread stays where it was").isEqualTo(before);
        }
    }

    @Test
    void aMissingNamespaceIsAnIoErrorNamingIt() {
        assertThatThrownBy(() -> NetworkNamespaces.call("vrrp4j-no-such-ns", () -> "never"))
                .isInstanceOf(IOException.class)
                .hasMessage("open(/var/run/netns/vrrp4j-no-such-ns): errno 2");
    }
}
