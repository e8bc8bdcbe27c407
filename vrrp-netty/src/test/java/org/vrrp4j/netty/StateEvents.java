package org.vrrp4j.netty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TransitionReason;

/**
 * The state changes of the nodes of a test, as strings the test chooses (e.g. {@code "a VI_1 MASTER"}),
 * awaited as events instead of sleeping. Nodes' loops race each other, so waiting is for a set of
 * events in any order; the events in between are passed over.
 */
final class StateEvents {
    /** How a node's state change reads in the test. */
    @FunctionalInterface
    interface Format {
        String of(String router, State to, TransitionReason reason);
    }

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    /** A listener recording each state change of one node in {@code format}. */
    NodeListener listener(Format format) {
        return new NodeListener() {
            @Override
            public void stateChanged(String router, State from, State to, TransitionReason reason) {
                events.add(format.of(router, to, reason));
            }
        };
    }

    /**
     * Waits until each of {@code expected} has happened, in any order: an event is the expected one
     * when it equals it or starts with it and a space ({@code "a MASTER"} takes {@code "a MASTER PREEMPTED"}).
     *
     * @throws AssertionError naming what is missing and what was seen instead
     */
    void await(Duration timeout, String... expected) throws InterruptedException {
        List<String> missing = new ArrayList<>(List.of(expected));
        List<String> seen = new ArrayList<>();
        long end = System.nanoTime() + timeout.toNanos();
        while (!missing.isEmpty()) {
            String e = events.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no " + missing + " within " + timeout + "; saw " + seen);
            }
            seen.add(e);
            missing.stream().filter(m -> e.equals(m) || e.startsWith(m + " ")).findFirst().ifPresent(missing::remove);
        }
    }
}
