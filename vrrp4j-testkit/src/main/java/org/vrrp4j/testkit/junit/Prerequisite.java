package org.vrrp4j.testkit.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.vrrp4j.testkit.SharedFiles;
import org.vrrp4j.testkit.lab.NetnsLab;

/** Something a test needs from the machine it runs on; each says why it is missing, or nothing. */
public enum Prerequisite {
    /** Root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN) and iproute2: network namespaces. */
    NETNS {
        @Override
        public String unavailableReason() {
            return NetnsLab.unavailableReason();
        }
    },
    /** keepalived on the PATH (Debian's 2.2.7 is the reference peer). */
    KEEPALIVED,
    /** tshark, the independent decoder of what we send. */
    TSHARK,
    /** tcpdump, for captures. */
    TCPDUMP,
    /** nft, for packet loss and filters inside namespaces. */
    NFT,
    /** curl, which the tutorial's own scripts call. */
    CURL,
    /** killall (psmisc), which the tutorial's own scripts call. */
    KILLALL,
    /** dpkg, to install and remove the Debian package. */
    DPKG,
    /** The project's {@code ../shared} directory (the tutorial, the conformance captures). */
    SHARED {
        @Override
        public String unavailableReason() {
            Path dir = SharedFiles.dir();
            return Files.isDirectory(dir) ? null : "the shared directory " + dir + " is not there (set VRRP4J_SHARED)";
        }
    };

    /** Why this is missing here, or null when it is available. */
    public String unavailableReason() {
        String program = name().toLowerCase(java.util.Locale.ROOT);
        // the PATH, and the sbin directories a non-login root shell may leave out of it
        String dirs = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : dirs.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return null;
            }
        }
        return program + " is not installed";
    }
}
