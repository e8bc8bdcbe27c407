package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notify FIFO without keepalived: a test writes lines the way keepalived 2.2.7 does (it opens the FIFO
 * read-write and non-blocking, creates it when missing and removes it on stop only when it created it), in
 * both start orders, across writers that close and come back, and FIFOs that are replaced or removed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NotifyFifoTest {
    /** Bounds for what the reader does within one or two CHECK periods; generous for a loaded 2-vCPU machine. */
    private static final Duration CHECK = Duration.ofMillis(100);
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private NotifyFifo reader(Path fifo) throws IOException {
        NotifyFifo r = new NotifyFifo(fifo, lines::add, CHECK);
        r.start();
        return r;
    }

    /** keepalived's way of writing: O_RDWR (RandomAccessFile "rw"), one write per line. */
    private static RandomAccessFile keepalivedOpens(Path fifo) throws IOException {
        return new RandomAccessFile(fifo.toFile(), "rw");
    }

    private static void write(RandomAccessFile w, String... ls) throws IOException {
        for (String l : ls) {
            w.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private void awaitLines(String... expected) throws InterruptedException {
        await("lines " + List.of(expected) + ", got " + lines, () -> lines.equals(List.of(expected)));
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + WITHIN.toNanos();
        while (!c.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(end);
            Thread.sleep(5);
        }
    }

    private static boolean isFifo(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0010000;
    }

    @Test
    void agentFirstCreatesTheFifoAndAWriterThatClosesAndReturnsGivesNoEndOfFile() throws Exception {
        Path fifo = dir.resolve("notify.fifo");
        try (NotifyFifo r = reader(fifo)) {
            assertThat(isFifo(fifo)).as("created as a FIFO").isTrue();
            assertThat(Integer.toOctalString((Integer) Files.getAttribute(fifo, "unix:mode") & 0777)).isEqualTo("600");
            try (RandomAccessFile k = keepalivedOpens(fifo)) {
                write(k, "INSTANCE \"VI_1\" BACKUP 100", "INSTANCE \"VI_1\" MASTER 100");
            }
            awaitLines("INSTANCE \"VI_1\" BACKUP 100", "INSTANCE \"VI_1\" MASTER 100");
            // keepalived restarts: the writer is gone (no end of file for the agent) and opens the same FIFO again
            try (FileOutputStream plainWriter = new FileOutputStream(fifo.toFile())) { // O_WRONLY: there is a reader
                plainWriter.write("INSTANCE \"VI_1\" BACKUP 100\n".getBytes(StandardCharsets.UTF_8));
            }
            try (RandomAccessFile k = keepalivedOpens(fifo)) {
                write(k, "INSTANCE \"VI_1\" MASTER 100");
            }
            awaitLines("INSTANCE \"VI_1\" BACKUP 100", "INSTANCE \"VI_1\" MASTER 100", "INSTANCE \"VI_1\" BACKUP 100",
                    "INSTANCE \"VI_1\" MASTER 100");
            assertThat(r.reopened()).as("the same FIFO all along").isZero();
        }
        assertThat(isFifo(fifo)).as("left in place: keepalived may hold it open").isTrue();
    }

    @Test
    void keepalivedFirstLinesWrittenBeforeTheAgentStartedAreRead() throws Exception {
        Path fifo = dir.resolve("notify.fifo");
        NotifyFifo.mkfifo(fifo); // keepalived created it
        try (RandomAccessFile k = keepalivedOpens(fifo)) {
            write(k, "GROUP \"G1\" BACKUP 0", "INSTANCE \"VI_1\" BACKUP 150"); // nobody reads yet: they wait in the pipe
            try (NotifyFifo r = reader(fifo)) {
                awaitLines("GROUP \"G1\" BACKUP 0", "INSTANCE \"VI_1\" BACKUP 150");
                write(k, "INSTANCE \"VI_1\" MASTER 150");
                awaitLines("GROUP \"G1\" BACKUP 0", "INSTANCE \"VI_1\" BACKUP 150", "INSTANCE \"VI_1\" MASTER 150");
            }
        }
    }

    @Test
    void aFifoKeepalivedRemovesAndCreatesAgainIsFollowedAfterTheOldOnesLastLines() throws Exception {
        Path fifo = dir.resolve("notify.fifo");
        NotifyFifo.mkfifo(fifo);
        RandomAccessFile k = keepalivedOpens(fifo);
        try (NotifyFifo r = reader(fifo)) {
            write(k, "INSTANCE \"VI_1\" MASTER 150");
            awaitLines("INSTANCE \"VI_1\" MASTER 150");
            // keepalived stops (or reloads): its STOP lines, then it removes the FIFO it created and closes it
            write(k, "INSTANCE \"VI_1\" STOP 150");
            Files.delete(fifo);
            k.close();
            // and starts again at once, creating a new FIFO at the same path before the agent looked
            NotifyFifo.mkfifo(fifo);
            k = keepalivedOpens(fifo);
            write(k, "INSTANCE \"VI_1\" BACKUP 150");
            awaitLines("INSTANCE \"VI_1\" MASTER 150", "INSTANCE \"VI_1\" STOP 150", "INSTANCE \"VI_1\" BACKUP 150");
            assertThat(r.reopened()).isEqualTo(1);
            write(k, "INSTANCE \"VI_1\" MASTER 150");
            awaitLines("INSTANCE \"VI_1\" MASTER 150", "INSTANCE \"VI_1\" STOP 150", "INSTANCE \"VI_1\" BACKUP 150",
                    "INSTANCE \"VI_1\" MASTER 150");
        } finally {
            k.close();
        }
    }

    @Test
    void aRemovedFifoIsCreatedAgainSoTheNextKeepalivedUsesItAndKeepsIt() throws Exception {
        Path fifo = dir.resolve("notify.fifo");
        NotifyFifo.mkfifo(fifo);
        try (NotifyFifo r = reader(fifo)) {
            Files.delete(fifo); // keepalived stopped and removed the FIFO it had created
            await("the FIFO is back", () -> Files.exists(fifo, LinkOption.NOFOLLOW_LINKS));
            assertThat(isFifo(fifo)).isTrue();
            await("reading the new one", () -> r.reopened() == 1);
            try (RandomAccessFile k = keepalivedOpens(fifo)) {
                write(k, "INSTANCE \"VI_1\" BACKUP 100");
            }
            awaitLines("INSTANCE \"VI_1\" BACKUP 100");
        }
    }

    @Test
    void linesAreHandedOnWhateverTheyHoldAndAFailingConsumerDoesNotStopTheReader() throws Exception {
        Path fifo = dir.resolve("notify.fifo");
        List<String> got = new CopyOnWriteArrayList<>();
        try (NotifyFifo r = new NotifyFifo(fifo, l -> {
            got.add(l);
            if (l.startsWith("boom")) {
                throw new IllegalStateException("a bug in the consumer");
            }
        }, CHECK)) {
            r.start();
            try (RandomAccessFile k = keepalivedOpens(fifo)) {
                k.write(("boom\n" + "x".repeat(NotifyFifo.MAX_LINE + 100) + "\n\n\u00ff\u0000garbage\nINSTANCE \"VI_1\" MASTER 1\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            await("all lines, got " + got.size(), () -> got.size() == 4);
            assertThat(got.get(1)).hasSize(NotifyFifo.MAX_LINE);
            assertThat(got.get(3)).isEqualTo("INSTANCE \"VI_1\" MASTER 1");
        }
    }

    @Test
    void refusesAPathThatIsNotAFifo() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> reader(file)).isInstanceOf(IOException.class).hasMessageContaining("is not a FIFO");
        assertThatThrownBy(() -> reader(file.resolve("notify.fifo"))).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot create the FIFO");
        try (NotifyFifo r = reader(dir.resolve("run/keepalived/notify.fifo"))) {
            assertThat(isFifo(dir.resolve("run/keepalived/notify.fifo"))).as("its directory made too").isTrue();
        }
    }
}
