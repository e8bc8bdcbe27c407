package org.vrrp4j.netty;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a node's listeners off its event loop, in the order the events happened: on the executor the
 * application gave, else on the node's own single dispatcher thread. A listener that blocks or calls back
 * into the node (status, close) then cannot stall the protocol. A listener's exception is logged, not
 * passed on.
 */
final class ListenerDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerDispatch.class);
    private static final AtomicInteger NODES = new AtomicInteger();

    private final List<NodeListener> listeners;
    private final Executor executor;
    private final ExecutorService own;
    private volatile Thread ownThread;

    /** @param executor the application's executor (it orders the calls), or null for a dispatcher thread */
    ListenerDispatch(List<NodeListener> listeners, Executor executor) {
        this.listeners = new CopyOnWriteArrayList<>(listeners);
        if (executor != null) {
            this.executor = executor;
            this.own = null;
        } else {
            String name = "vrrp4j-listeners-" + NODES.incrementAndGet();
            this.own = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                ownThread = t;
                return t;
            });
            this.executor = own;
        }
    }

    /** Queues one call per listener. */
    void dispatch(Consumer<NodeListener> call) {
        for (NodeListener l : listeners) {
            try {
                executor.execute(() -> {
                    try {
                        call.accept(l);
                    } catch (RuntimeException e) {
                        LOG.error("node listener failed: {}", e.toString(), e);
                    }
                });
            } catch (RejectedExecutionException e) {
                LOG.debug("node listener call dropped: its executor is shut down");
            }
        }
    }

    /** Delivers what is queued (the last state changes of a close), then stops the dispatcher thread. */
    void close() {
        if (own == null) {
            return;
        }
        own.shutdown();
        if (Thread.currentThread() != ownThread) { // a listener closing the node must not wait for itself
            try {
                own.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
