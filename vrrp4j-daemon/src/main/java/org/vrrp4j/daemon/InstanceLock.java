package org.vrrp4j.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

/**
 * One daemon per configuration file and network namespace. Two daemons on one configuration would
 * run every router twice on the same interfaces: both would answer for the addresses. The lock is an
 * advisory {@code flock} on a file in the runtime directory ({@code $RUNTIME_DIRECTORY} from systemd,
 * else {@code /run/vrrp4j}, else the temporary directory), named after the network namespace and the
 * file's real path; the kernel drops it when the process dies, so a crash leaves no stale lock.
 */
final class InstanceLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock for {@code config} in this process's network namespace, or says who holds it. */
    static InstanceLock acquire(Path config) throws LaunchException {
        Path file = runtimeDirectory().resolve("vrrp4j-" + networkNamespace() + "-" + digest(config) + ".lock");
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
                ch.close();
                throw new LaunchException("another vrrp4j (pid " + (holder.isEmpty() ? "unknown" : holder)
                        + ") already runs " + config + " in this network namespace; stop it first (lock " + file + ")");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            return new InstanceLock(ch, l);
        } catch (IOException e) {
            throw new LaunchException("cannot take the instance lock " + file + ": " + e.getMessage());
        }
    }

    private static Path runtimeDirectory() {
        String fromSystemd = System.getenv("RUNTIME_DIRECTORY");
        if (fromSystemd != null && !fromSystemd.isBlank()) {
            return Path.of(fromSystemd.split(":")[0]);
        }
        Path run = Path.of("/run/vrrp4j");
        try {
            Files.createDirectories(run);
            if (Files.isWritable(run)) {
                return run;
            }
        } catch (IOException | SecurityException e) {
            // not root: the temporary directory below
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The network namespace's inode ({@code net:[4026531840]} -> 4026531840), or "unknown". */
    private static String networkNamespace() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            return link.replaceAll("\\D", "");
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }

    private static String digest(Path config) {
        Path real;
        try {
            real = config.toRealPath();
        } catch (IOException e) {
            real = config.toAbsolutePath().normalize();
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(real.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close(); // the file stays: deleting it would let a waiting opener lock an unlinked file
        } catch (IOException e) {
            // the kernel releases the lock when the process ends
        }
    }
}
