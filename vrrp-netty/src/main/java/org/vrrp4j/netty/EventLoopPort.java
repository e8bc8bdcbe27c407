package org.vrrp4j.netty;

import java.io.IOException;

/**
 * The seam between the node's parts and the thread they run on: a clock, one-shot scheduling and file
 * descriptors that call back when readable. {@link NettyLoop} is the real one (a Netty epoll loop); tests
 * drive the parts with a virtual clock and call the readable callbacks themselves. Every method is called
 * on the loop thread, except {@link #inLoop()}.
 */
interface EventLoopPort {

    /** Something armed that can be taken back; cancelling twice or after it ran does nothing. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** The loop's clock (monotonic nanoseconds; the core's deadlines are on it). */
    long nanoTime();

    /** Whether the calling thread is the loop's (a blocking call from it would wait for itself). */
    boolean inLoop();

    /** Runs {@code task} once, {@code delayNanos} from now (at once when not positive). */
    Cancellable schedule(Runnable task, long delayNanos);

    /** Calls {@code onReadable} on the loop whenever {@code fd} is readable, until cancelled. */
    Cancellable register(int fd, Runnable onReadable) throws IOException;
}
