package org.vrrp4j.failover.netcup.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * netcup rotates the refresh token: once it answered, the new one must reach the file even when the call that
 * asked is being cancelled (an interrupt), or the login is void. A cancelled credential check hit exactly that
 * ({@code ClosedByInterruptException}) when the failover agent's first role arrived during it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TokenFileTest {
    @TempDir
    Path dir;

    @Test
    void theRotatedTokenIsStoredEvenByAnInterruptedThreadWhichStaysInterrupted() throws Exception {
        Path file = dir.resolve("sub").resolve("token");
        Thread.currentThread().interrupt();
        try {
            OidcTokens.writeDurably(file, "rotated-token-value");
            assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt is kept").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(Files.readString(file)).isEqualTo("rotated-token-value\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var s = Files.list(file.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("token");
        }
    }
}
