package org.vrrp4j.netty;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;
import org.vrrp4j.netty.linux.TimerFd;

/**
 * A node's timers on one timerfd: a binary heap of deadlines, the earliest armed in the kernel at its
 * absolute time. One wake-up per deadline, at the deadline (keepalived's way, with its own timerfd), where
 * timers on the loop's scheduler woke twice per deadline to aim past epoll_wait's slack: at 500 routers the
 * context switches were a third of the daemon's CPU. Timers are reused (re-arming moves them in the heap),
 * so arming allocates nothing. Loop only, except {@link #close()} once the loop stopped using them.
 */
final class ExactTimers implements AutoCloseable {
    /**
     * How long before an early-waking timer's deadline the loop is woken first, to be woken again at the
     * deadline itself: a vCPU idle since the last packet was ~0.4 ms slower to run a take-over. Only the
     * take-over's timer wakes early: advert timers would add a wake-up per deadline group (500 routers:
     * 29 a second instead of 20, ~5 % more CPU) for a median advert error of 0.02 ms instead of 0.05 ms.
     */
    static final long PREWAKE_NANOS = 2_000_000L;
    private final NettyLoop loop;
    private final TimerFd fd;
    private final Consumer<Throwable> report;
    private final EventLoopPort.Cancellable registration;
    private Entry[] heap = new Entry[16];
    private int size;
    /** The deadline the kernel timer is armed at (MAX when none or already expired). */
    private long kernelAt = Long.MAX_VALUE;
    private boolean dispatching;

    /** @param loop the loop whose clock and readiness the timers use; {@code report} gets a task's failure */
    ExactTimers(NettyLoop loop, Consumer<Throwable> report) throws IOException {
        this.loop = loop;
        this.report = report;
        this.fd = TimerFd.open();
        try {
            this.registration = loop.register(fd.fd(), this::expired);
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** A new timer running {@code task} at the deadlines it is armed at; {@code early}: see PREWAKE_NANOS. */
    EventLoopPort.Timer timer(Runnable task, boolean early) {
        return new Entry(task, early);
    }

    private void expired() {
        fd.drain();
        kernelAt = Long.MAX_VALUE;
        dispatching = true;
        try {
            long now = System.nanoTime();
            loop.hold(now); // the timers due now run at one instant: see NettyLoop.hold
            while (size > 0) {
                if (heap[0].deadline > now) {
                    now = System.nanoTime(); // the tasks took time: what came due meanwhile runs now
                    if (heap[0].deadline > now) {
                        break;
                    }
                    loop.hold(now);
                }
                Entry e = heap[0];
                removeAt(0);
                try {
                    e.task.run();
                } catch (RuntimeException | Error x) {
                    report.accept(x);
                }
            }
        } finally {
            loop.release();
            dispatching = false;
            armKernel();
        }
    }

    /**
     * Arms the kernel timer for the earliest deadline unless it already is (or earlier: it will re-arm):
     * {@link #PREWAKE_NANOS} before it, then at it exactly.
     */
    private void armKernel() {
        if (dispatching || size == 0) {
            return;
        }
        long first = heap[0].deadline;
        long at = first;
        if (heap[0].early && first - PREWAKE_NANOS - System.nanoTime() > 0) {
            at = first - PREWAKE_NANOS;
        }
        if (at < kernelAt) {
            try {
                fd.armAt(at);
                kernelAt = at;
            } catch (IOException e) {
                throw new IllegalStateException("arming the node's deadline timer failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        registration.cancel();
        fd.close();
        Arrays.fill(heap, 0, size, null);
        size = 0;
    }

    // ---- the heap ------------------------------------------------------------------------------

    private void add(Entry e) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        e.index = size++;
        heap[e.index] = e;
        up(e.index);
    }

    private void removeAt(int i) {
        Entry gone = heap[i];
        Entry last = heap[--size];
        heap[size] = null;
        gone.index = -1;
        if (i < size) {
            heap[i] = last;
            last.index = i;
            if (!up(i)) {
                down(i);
            }
        }
    }

    /** Moves entry {@code i} up while earlier than its parent; whether it moved. */
    private boolean up(int i) {
        Entry e = heap[i];
        int start = i;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (p.deadline <= e.deadline) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = e;
        e.index = i;
        return i != start;
    }

    private void down(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].deadline < heap[child].deadline) {
                child = right;
            }
            if (e.deadline <= heap[child].deadline) {
                break;
            }
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = e;
        e.index = i;
    }

    private final class Entry implements EventLoopPort.Timer {
        final Runnable task;
        final boolean early;
        long deadline;
        int index = -1;

        Entry(Runnable task, boolean early) {
            this.task = task;
            this.early = early;
        }

        @Override
        public void arm(long deadlineNanos) {
            if (index >= 0) {
                long old = deadline;
                deadline = deadlineNanos;
                if (deadlineNanos < old) {
                    up(index);
                } else {
                    down(index);
                }
            } else {
                deadline = deadlineNanos;
                add(this);
            }
            armKernel();
        }

        @Override
        public void cancel() {
            if (index >= 0) {
                removeAt(index); // the kernel timer may still fire for it: that wake-up finds nothing due
            }
        }

        @Override
        public boolean armed() {
            return index >= 0;
        }
    }
}
