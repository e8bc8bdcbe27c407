package org.vrrp4j.netty;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.Action;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.fsm.TimerKind;
import org.vrrp4j.core.fsm.VirtualRouter;

/**
 * Rehearses a take-over at start: scratch copies of a router go through a master transition, and their
 * adverts through the codec and the socket's send path, sending nothing. A backup runs that code for the
 * first time at its first take-over, interpreted and not yet linked: the first take-over came 2 ms later
 * than the next ones. The node's first interface gets enough rounds for the JIT to compile the shared path
 * (past C1's thresholds: 200 calls, 2000 loops), within a time budget; each later one a single round (its
 * socket's own send path). At a node's start the rehearsal runs after the routers entered BACKUP, in short
 * slices on the loop ({@link #rehearseInSlices}), so it delays neither the start (it took 80-250 ms of it)
 * nor a packet or timer by more than a slice. Off with {@link VrrpNode.Builder#warmUp(boolean)}.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    /** Rounds for the first interface of a node. */
    static final int FULL_ROUNDS = 3_000;
    /**
     * The most a warm-up may delay the start: a cold JVM interprets the first rounds (measured: 3000 rounds
     * took 0.8 s in the first node of a JVM, 50 ms in later ones), and routers start only after it.
     */
    static final long BUDGET_NANOS = 250_000_000L;

    private final boolean enabled;
    private boolean sharedPathDone;

    /** The most one slice of a sliced rehearsal holds the loop. */
    static final long SLICE_NANOS = 2_000_000L;

    WarmUp(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * {@link #rehearse} in slices of at most {@link #SLICE_NANOS} on {@code loop}, one after another, while
     * {@code wanted} holds (the node is open); the whole within {@link #BUDGET_NANOS} of loop time.
     */
    void rehearseInSlices(EventLoopPort loop, InterfaceChannel channel, VirtualRouterConfig cfg,
            java.util.function.BooleanSupplier wanted) {
        if (!enabled) {
            return;
        }
        int rounds = roundsForNextInterface();
        // each slice runs from the loop's own timer, so the timer dispatch a take-over starts from is rehearsed too
        Runnable slices = new Runnable() {
            private final EventLoopPort.Timer next = loop.timer(this);
            private int done;
            private long spent;

            @Override
            public void run() {
                if (!wanted.getAsBoolean()) {
                    return;
                }
                long start = System.nanoTime();
                if (done == 0) {
                    linkRecordMethods(cfg); // on the loop, in the first slice: not on the way to BACKUP
                }
                done += rounds(channel, cfg, rounds - done, Math.min(SLICE_NANOS, BUDGET_NANOS - spent));
                spent += System.nanoTime() - start;
                if (done < rounds && spent < BUDGET_NANOS) {
                    next.arm(loop.nanoTime());
                } else if (rounds > 1) {
                    LOG.info("warm-up: {} take-over rehearsals on {} in {} ms of loop time{}", done, channel.name,
                            spent / 1_000 / 1000.0, done < rounds ? " (its time budget ran out)" : "");
                }
            }
        };
        loop.schedule(slices, 0);
    }

    /**
     * Rehearses {@code channel}'s send path with {@code cfg} (a router on it). Returns the rounds run (0
     * when off).
     */
    int rehearse(InterfaceChannel channel, VirtualRouterConfig cfg) {
        if (!enabled) {
            return 0;
        }
        int rounds = roundsForNextInterface();
        linkRecordMethods(cfg);
        long start = System.nanoTime();
        int r = rounds(channel, cfg, rounds, BUDGET_NANOS);
        long micros = (System.nanoTime() - start) / 1_000;
        if (rounds > 1) {
            LOG.info("warm-up: {} take-over rehearsals on {} in {} ms{}", r, channel.name, micros / 1000.0,
                    r < rounds ? " (its time budget ran out)" : "");
        } else {
            LOG.debug("warm-up: send path of {} in {} µs", channel.name, micros);
        }
        return r;
    }

    /**
     * A record's equals and hashCode are linked (a method handle tree, spun) the first time they run: for
     * virtual addresses, at the take-over, which keeps them in a set. Linked here instead, once per rehearsal.
     */
    private static void linkRecordMethods(VirtualRouterConfig cfg) {
        for (org.vrrp4j.core.config.VirtualAddress va : cfg.virtualAddresses()) {
            va.hashCode();
            va.equals(va);
        }
    }

    /** All the rounds for the node's first interface (the shared path), one for each later one. */
    private int roundsForNextInterface() {
        int rounds = sharedPathDone ? 1 : FULL_ROUNDS;
        sharedPathDone = true;
        return rounds;
    }

    /** Runs up to {@code rounds} rehearsals (at least one) within {@code budgetNanos}; returns how many ran. */
    private static int rounds(InterfaceChannel channel, VirtualRouterConfig cfg, int rounds, long budgetNanos) {
        long start = System.nanoTime();
        int r = 0;
        for (; r < rounds && (r < 1 || System.nanoTime() - start < budgetNanos); r++) {
            VirtualRouter scratch = new VirtualRouter(cfg);
            long now = System.nanoTime();
            List<Action> actions = new ArrayList<>(scratch.step(new Input.Start(channel.primary), now));
            // at the deadline the router armed: an earlier firing is ignored as stale, and nothing is rehearsed
            long down = scratch.timerDeadline(TimerKind.MASTER_DOWN).orElse(now);
            actions.addAll(scratch.step(new Input.TimerFired(TimerKind.MASTER_DOWN), down));
            for (Action a : actions) {
                if (a instanceof Action.SendAdvert sa) {
                    channel.transmit(cfg, sa, true);
                }
            }
        }
        return r;
    }
}
