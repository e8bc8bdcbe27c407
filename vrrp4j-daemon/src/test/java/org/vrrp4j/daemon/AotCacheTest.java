package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A cache the JVM could not map is removed, so the next start makes a new one; one in use stays. */
@Timeout(30)
class AotCacheTest {
    @TempDir
    Path dir;

    @Test
    void aCacheTheJvmRunsWithoutIsRemoved() throws Exception {
        Path cache = Files.writeString(dir.resolve("vrrp4j-1.aot"), "cut short");
        assertThat(AotCache.discardIfUnused(cache, "mixed mode", LoggerFactory.getLogger(AotCacheTest.class))).isTrue();
        assertThat(cache).doesNotExist();
    }

    @Test
    void aCacheInUseStays() throws Exception {
        Path cache = Files.writeString(dir.resolve("vrrp4j-1.aot"), "mapped");
        assertThat(AotCache.discardIfUnused(cache, "mixed mode, emulated-client, sharing",
                LoggerFactory.getLogger(AotCacheTest.class))).isFalse();
        assertThat(cache).exists();
    }

    /** The marker the check reads: this JVM (default CDS archive on) says "sharing"; one without CDS does not. */
    @Test
    void theJvmSaysWhetherItShares() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertThat(vmInfo(java, "-Xshare:auto")).contains("sharing");
        assertThat(vmInfo(java, "-XX:AOTCache=" + dir.resolve("missing.aot"))).doesNotContain("sharing");
    }

    private String vmInfo(String java, String option) throws Exception {
        Process p = new ProcessBuilder(java, option, "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> l.strip().startsWith("java.vm.info")).findFirst().orElseThrow(() -> new AssertionError(out));
    }
}
