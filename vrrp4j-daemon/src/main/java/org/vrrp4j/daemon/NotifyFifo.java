package org.vrrp4j.daemon;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads keepalived's {@code notify_fifo} line by line, whichever of keepalived and the agent starts first,
 * across keepalived restarts and reloads. keepalived 2.2.7 creates the FIFO when it is missing, opens it
 * read-write and non-blocking (so its writes never block and need no reader), and unlinks it on stop or
 * reload only if it created it; a reload or restart then makes a new FIFO at the same path. So:
 * <ul>
 * <li>the FIFO (and its directory) is created here when missing (mode 0600), so keepalived finds it and does
 *     not unlink it;</li>
 * <li>it is opened read-write: there is always a writer (this process), so a keepalived that stops or is
 *     killed gives no end of file, and lines written while nobody read stay in the pipe until read;</li>
 * <li>every {@code checkEvery} the path is compared with the FIFO being read (its inode): when keepalived
 *     replaced or removed it, the old one is read to its end, then the new one opened (or created);</li>
 * <li>the FIFO is never removed here: keepalived may hold it open and keep writing to it.</li>
 * </ul>
 * Lines (without the newline, UTF-8, at most {@value #MAX_LINE} bytes; a longer one is cut there and
 * handed on as is, so it counts as malformed) go to one consumer on the reader thread, in order.
 */
final class NotifyFifo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyFifo.class);
    /** keepalived's lines are under 300 bytes (a name is at most 255); more is not keepalived's. */
    static final int MAX_LINE = 4096;

    private final Path path;
    private final Consumer<String> lines;
    private final Duration checkEvery;
    private final AtomicLong reopened = new AtomicLong();
    private final Object lock = new Object();
    private volatile Opened current;
    private volatile boolean closed;
    private volatile boolean created;
    private Thread reader;
    private Thread watcher;

    /** One opened FIFO: read through {@code in}, woken through {@code self}; {@code inode} says which one. */
    private record Opened(RandomAccessFile self, FileInputStream in, Object inode) {
    }

    NotifyFifo(Path path, Consumer<String> lines, Duration checkEvery) {
        this.path = Objects.requireNonNull(path, "path");
        this.lines = Objects.requireNonNull(lines, "lines");
        this.checkEvery = Objects.requireNonNull(checkEvery, "checkEvery");
    }

    /**
     * Creates the FIFO if missing and opens it; then reads on a thread of its own.
     *
     * @throws IOException when the path is something other than a FIFO, or cannot be created or opened
     */
    void start() throws IOException {
        current = open();
        reader = Thread.ofPlatform().daemon().name("notify-fifo").start(this::readLoop);
        watcher = Thread.ofPlatform().daemon().name("notify-fifo-watch").start(this::watchLoop);
    }

    /** Whether this reader created the FIFO (at start or after keepalived removed it). */
    boolean created() {
        return created;
    }

    /** How many times the FIFO was replaced under this reader (keepalived restarts and reloads). */
    long reopened() {
        return reopened.get();
    }

    private Opened open() throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                createParent(path);
                mkfifo(path);
                created = true;
            }
            Object before = inode(path);
            if (before == null) {
                continue; // removed again at once: keepalived stopping; try again
            }
            if (!isFifo(path)) {
                throw new IOException(path + " exists and is not a FIFO");
            }
            RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"); // O_RDWR: never blocks, never EOF
            if (Objects.equals(before, inode(path))) {
                return new Opened(raf, new FileInputStream(raf.getFD()), before);
            }
            raf.close(); // replaced while opening: open the one that is there now
        }
        throw new IOException(path + " keeps being replaced; cannot open it");
    }

    /** /run/keepalived does not exist before keepalived made it: neither would then find the other's FIFO. */
    private static void createParent(Path p) throws IOException {
        Path parent = p.toAbsolutePath().getParent();
        try {
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new IOException("cannot create the FIFO " + p + ": its directory: " + e, e);
        }
    }

    private void readLoop() {
        byte[] buf = new byte[8192];
        byte[] line = new byte[MAX_LINE];
        int length = 0;
        boolean overlong = false;
        while (!closed) {
            Opened o = current;
            int n;
            try {
                n = o.in().read(buf);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("reading {}: {}; opening it again", path, e.toString());
                n = -1;
            }
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    if (length > 0 || overlong) {
                        deliver(new String(line, 0, length, StandardCharsets.UTF_8));
                    }
                    length = 0;
                    overlong = false;
                } else if (length < MAX_LINE) {
                    line[length++] = b;
                } else {
                    overlong = true;
                }
            }
            try {
                if (closed) {
                    return;
                }
                if (n < 0 || (stale(o) && o.in().available() == 0)) {
                    // the old FIFO is read to its end (keepalived's STOP lines are in it): the new one now
                    length = 0;
                    overlong = false;
                    switchTo(o);
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("cannot open {} again: {}; retrying in {}", path, e.getMessage(), checkEvery);
                    sleep(checkEvery);
                }
            }
        }
    }

    private void deliver(String text) {
        try {
            lines.accept(text);
        } catch (RuntimeException e) {
            LOG.error("handling a notify FIFO line failed: {}", e.toString());
        }
    }

    private void switchTo(Opened old) throws IOException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Opened next = open();
            current = next;
            closeQuietly(old);
            reopened.incrementAndGet();
            LOG.info("{} was replaced or removed (keepalived restarted or reloaded): reading the new FIFO", path);
        }
    }

    /** Whether the path no longer names the FIFO {@code o} reads. */
    private boolean stale(Opened o) {
        return !Objects.equals(o.inode(), inode(path));
    }

    private void watchLoop() {
        while (!closed) {
            sleep(checkEvery);
            Opened o = current;
            if (!closed && stale(o)) {
                wake(o);
            }
        }
    }

    /** A newline into the FIFO this process reads: the blocked read returns and sees the path changed. */
    private static void wake(Opened o) {
        try {
            o.self().write('\n');
        } catch (IOException e) {
            // closed meanwhile
        }
    }

    private static Object inode(Path p) {
        try {
            return Files.readAttributes(p, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS).values().stream().toList();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static boolean isFifo(Path p) {
        try {
            return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0010000;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Opened o) {
        try {
            o.self().close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Stops reading; the FIFO stays (keepalived may hold it open and write to it). */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Opened o = current;
        if (o != null) {
            wake(o);
        }
        try {
            if (reader != null) {
                reader.join(2_000);
            }
            if (watcher != null) {
                watcher.interrupt();
                watcher.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (o != null) {
            closeQuietly(o);
        }
    }

    // ---- mkfifo(3) through the FFM API --------------------------------------------------------------

    private static final int EEXIST = 17;

    /** Creates a FIFO with mode 0600; one that appeared meanwhile (keepalived made it) is fine. */
    static void mkfifo(Path path) throws IOException {
        try {
            org.vrrp4j.netty.linux.Libc.mkfifo(path.toString(), 0600);
        } catch (org.vrrp4j.netty.linux.Libc.NativeException e) {
            if (e.errno() != EEXIST) {
                throw new IOException("cannot create the FIFO " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
