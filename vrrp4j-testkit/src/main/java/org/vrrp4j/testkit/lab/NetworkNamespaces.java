package org.vrrp4j.testkit.lab;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Callable;

/**
 * Runs code inside a named network namespace ({@code ip netns add NAME}): a fresh platform thread calls
 * {@code setns(2)} on {@code /var/run/netns/NAME}, so sockets it opens (a stand-in's HTTP server, say)
 * live in that namespace while the rest of the JVM stays where it was. Needs CAP_SYS_ADMIN (root).
 */
public final class NetworkNamespaces {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), ERRNO);
    private static final MethodHandle SETNS = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("setns"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private NetworkNamespaces() {
    }

    /** Runs {@code task} on a new thread inside namespace {@code name} and returns its result. */
    public static <T> T call(String name, Callable<T> task) throws Exception {
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        Thread t = Thread.ofPlatform().name("in-" + name).start(() -> {
            try {
                enter("/var/run/netns/" + name);
                result[0] = task.call();
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        t.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    private static void enter(String path) throws java.io.IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY);
            if (fd < 0) {
                throw new java.io.IOException("open(" + path + "): errno " + errno(state));
            }
            try {
                if ((int) SETNS.invokeExact(state, fd, CLONE_NEWNET) < 0) {
                    throw new java.io.IOException("setns(" + path + "): errno " + errno(state));
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (java.io.IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT,
                Linker.Option.captureStateLayout().byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
    }
}
