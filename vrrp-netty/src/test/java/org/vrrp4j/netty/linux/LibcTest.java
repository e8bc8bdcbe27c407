package org.vrrp4j.netty.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls made through the one {@code syscall(2)} stub that no namespace test reaches on its own, each
 * with its success and its errno. No root.
 */
@Timeout(10)
class LibcTest {
    private static final int ESRCH = 3;

    @TempDir
    Path dir;

    @Test
    void loopbacksIndexIsFoundAndAnUnknownOrOverlongNameIsNoSuchInterface() throws Exception {
        assertThat(Libc.ifindex("lo")).isEqualTo(1); // the first interface of every network namespace
        assertThatThrownBy(() -> Libc.ifindex("nosuchif0"))
                .isInstanceOfSatisfying(Libc.NativeException.class, e -> assertThat(e.errno()).isEqualTo(Libc.ENODEV))
                .hasMessageContaining("if_nametoindex(nosuchif0)");
        // sixteen characters do not fit ifr_name: refused, not truncated to another interface's name
        assertThatThrownBy(() -> Libc.ifindex("lo" + "x".repeat(14)))
                .isInstanceOfSatisfying(Libc.NativeException.class, e -> assertThat(e.errno()).isEqualTo(Libc.ENODEV));
    }

    @Test
    void killWithSignalZeroFindsThisProcessAndNotAGoneOne() throws Exception {
        Libc.kill((int) ProcessHandle.current().pid(), 0);
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        int gone = (int) p.pid(); // reaped: no such process (a reuse of the pid this soon is very unlikely)
        assertThatThrownBy(() -> Libc.kill(gone, 0))
                .isInstanceOfSatisfying(Libc.NativeException.class, e -> assertThat(e.errno()).isEqualTo(ESRCH));
    }

    @Test
    void mkfifoMakesAFifoAndSaysWhenTheNameIsTaken() throws Exception {
        Path fifo = dir.resolve("notify");
        Libc.mkfifo(fifo.toString(), 0600);
        PosixFileAttributes a = Files.readAttributes(fifo, PosixFileAttributes.class);
        assertThat(a.isOther()).isTrue(); // neither file, directory nor link: the FIFO
        assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-------");
        assertThatThrownBy(() -> Libc.mkfifo(fifo.toString(), 0600))
                .isInstanceOfSatisfying(Libc.NativeException.class, e -> assertThat(e.errno()).isEqualTo(Libc.EEXIST));
    }

    @Test
    void aFreedSegmentIsRefusedBeforeTheKernelSeesItsAddress() throws IOException {
        MemorySegment freed;
        try (Arena a = Arena.ofConfined()) {
            freed = a.allocate(16);
        }
        MemorySegment gone = freed;
        assertThatThrownBy(() -> Libc.addr(gone)).isInstanceOf(IllegalStateException.class).hasMessageContaining("freed");
    }
}
