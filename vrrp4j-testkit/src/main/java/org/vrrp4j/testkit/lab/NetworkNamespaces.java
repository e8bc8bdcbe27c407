package org.vrrp4j.testkit.lab;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs code inside a named network namespace ({@code ip netns add NAME}): a fresh platform thread calls
 * {@code setns(2)} on {@code /var/run/netns/NAME}, so sockets it opens (a stand-in's HTTP server, say)
 * live in that namespace while the rest of the JVM stays where it was. Needs CAP_SYS_ADMIN (root) and a
 * Java 22+ runtime.
 *
 * <p>Why {@code setns} is called through method handles found at run time rather than the FFM API in
 * source: the testkit is compiled for Java 21 so that Java 21 projects can use the simulator, the provider
 * contract and the stand-ins, and in Java 21 the FFM API ({@code java.lang.foreign}) is still a preview,
 * which {@code --release 21} code cannot name. On Java 22+ (final FFM) this class looks up the same
 * calls the source would make; on 21 only this class fails, with {@link UnsupportedOperationException}.
 */
public final class NetworkNamespaces {

    /**
     * An executor of daemon platform threads for servers that may start inside a lab namespace (the stand-ins):
     * never virtual threads, whose carrier threads, made there, keep that namespace and later carry the test
     * JVM's other virtual threads (a coordinator's calls), whose sockets then open in the lab and cannot reach
     * loopback.
     */
    public static java.util.concurrent.ExecutorService platformExecutor(String threadName) {
        return java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;

    private NetworkNamespaces() {
    }

    /**
     * Runs {@code task} on a new thread inside namespace {@code name} and returns its result.
     *
     * @throws UnsupportedOperationException on a Java runtime before 22 (no final FFM API)
     */
    public static <T> T call(String name, Callable<T> task) throws Exception {
        Libc libc = Libc.get();
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        Thread t = Thread.ofPlatform().name("in-" + name).start(() -> {
            try {
                libc.enter("/var/run/netns/" + name);
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

    /**
     * open, setns and close from libc, with errno captured; written as the FFM calls
     * {@code Linker.nativeLinker().downcallHandle(...)}, {@code Arena.ofConfined()}, {@code arena.allocateFrom(path)}.
     */
    private static final class Libc {
        private static volatile Libc instance;

        private final MethodHandle ofConfined;
        private final MethodHandle allocateLayout;
        private final MethodHandle allocateString;
        private final MethodHandle getInt;
        private final MethodHandle close;
        private final Object stateLayout;
        private final Object javaInt;
        private final long errnoOffset;
        private final MethodHandle open;
        private final MethodHandle setns;
        private final MethodHandle closeFd;

        private Libc() throws Throwable {
            // this class's own lookup: downcallHandle is restricted and checks its caller's native access
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> pathElementType = Class.forName("java.lang.foreign.MemoryLayout$PathElement");
            Class<?> valueLayoutType = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> ofIntType = Class.forName("java.lang.foreign.ValueLayout$OfInt");
            Class<?> allocatorType = Class.forName("java.lang.foreign.SegmentAllocator");
            Class<?> groupLayoutType = Class.forName("java.lang.foreign.StructLayout");
            Class<?> arenaType = Class.forName("java.lang.foreign.Arena");

            Object linker = lookup.findStatic(linkerType, "nativeLinker", MethodType.methodType(linkerType)).invoke();
            Object libc = lookup.findVirtual(linkerType, "defaultLookup", MethodType.methodType(lookupType)).invoke(linker);
            // find (Optional), not findOrThrow: that one is Java 23
            MethodHandle find = lookup.findVirtual(lookupType, "find", MethodType.methodType(java.util.Optional.class, String.class));
            MethodHandle downcall = lookup.findVirtual(linkerType, "downcallHandle",
                    MethodType.methodType(MethodHandle.class, segmentType, descriptorType, optionType.arrayType())).asFixedArity();
            MethodHandle describe = lookup.findStatic(descriptorType, "of",
                    MethodType.methodType(descriptorType, layoutType, layoutType.arrayType())).asFixedArity();
            javaInt = lookup.findStaticGetter(valueLayoutType, "JAVA_INT", ofIntType).invoke();
            Object address = lookup.findStaticGetter(valueLayoutType, "ADDRESS",
                    Class.forName("java.lang.foreign.AddressLayout")).invoke();
            Object errno = lookup.findStatic(optionType, "captureCallState",
                    MethodType.methodType(optionType, String[].class)).asFixedArity().invoke(new String[] {"errno"});
            stateLayout = lookup.findStatic(optionType, "captureStateLayout", MethodType.methodType(groupLayoutType)).invoke();
            Object errnoPath = Array.newInstance(pathElementType, 1);
            Array.set(errnoPath, 0, lookup.findStatic(pathElementType, "groupElement",
                    MethodType.methodType(pathElementType, String.class)).invoke("errno"));
            errnoOffset = (long) lookup.findVirtual(layoutType, "byteOffset",
                    MethodType.methodType(long.class, pathElementType.arrayType())).asFixedArity().invoke(stateLayout, errnoPath);

            Object withErrno = Array.newInstance(optionType, 1);
            Array.set(withErrno, 0, errno);
            Object none = Array.newInstance(optionType, 0);
            open = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "open"),
                    describe.invoke(javaInt, layouts(layoutType, address, javaInt)), withErrno);
            setns = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "setns"),
                    describe.invoke(javaInt, layouts(layoutType, javaInt, javaInt)), withErrno);
            closeFd = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "close"),
                    describe.invoke(javaInt, layouts(layoutType, javaInt)), none);

            ofConfined = lookup.findStatic(arenaType, "ofConfined", MethodType.methodType(arenaType));
            allocateLayout = lookup.findVirtual(allocatorType, "allocate", MethodType.methodType(segmentType, layoutType));
            allocateString = lookup.findVirtual(allocatorType, "allocateFrom", MethodType.methodType(segmentType, String.class));
            getInt = lookup.findVirtual(segmentType, "get", MethodType.methodType(int.class, ofIntType, long.class));
            close = lookup.findVirtual(arenaType, "close", MethodType.methodType(void.class));
        }

        private static Object symbol(MethodHandle find, Object lookup, String name) throws Throwable {
            return ((java.util.Optional<?>) find.invoke(lookup, name))
                    .orElseThrow(() -> new IllegalStateException("libc has no " + name));
        }

        private static Object layouts(Class<?> layoutType, Object... layouts) {
            Object array = Array.newInstance(layoutType, layouts.length);
            for (int i = 0; i < layouts.length; i++) {
                Array.set(array, i, layouts[i]);
            }
            return array;
        }

        static Libc get() {
            Libc libc = instance;
            if (libc == null) {
                try {
                    libc = new Libc();
                } catch (Throwable t) {
                    throw new UnsupportedOperationException("entering a network namespace needs the FFM API of Java 22+"
                            + " (this is Java " + Runtime.version().feature() + ")", t);
                }
                instance = libc;
            }
            return libc;
        }

        void enter(String path) throws IOException {
            try {
                Object arena = ofConfined.invoke();
                try {
                    Object state = allocateLayout.invoke(arena, stateLayout);
                    int fd = (int) open.invokeWithArguments(List.of(state, allocateString.invoke(arena, path), O_RDONLY));
                    if (fd < 0) {
                        throw new IOException("open(" + path + "): errno " + getInt.invoke(state, javaInt, errnoOffset));
                    }
                    try {
                        if ((int) setns.invokeWithArguments(List.of(state, fd, CLONE_NEWNET)) < 0) {
                            throw new IOException("setns(" + path + "): errno " + getInt.invoke(state, javaInt, errnoOffset));
                        }
                    } finally {
                        int ignored = (int) closeFd.invokeWithArguments(List.of(fd));
                    }
                } finally {
                    close.invoke(arena);
                }
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }
}
