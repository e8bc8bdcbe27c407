package org.vrrp4j.testkit.sim;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.Action;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.fsm.State;
import org.vrrp4j.core.fsm.TimerKind;
import org.vrrp4j.core.fsm.VirtualRouter;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpCodec;

/**
 * A deterministic simulation of virtual routers on one LAN: a virtual clock, an event queue, and
 * faults (loss, delay, duplication, partitions, crashes, restarts, priority and link changes). Every
 * random choice comes from one seeded {@link Random}, so the same seed and the same calls give the
 * same {@link #trace()}.
 *
 * <pre>{@code
 * SimulatedLan lan = new SimulatedLan(42);
 * lan.addRouter("s1", s1Config, IpLiterals.parse("198.18.0.1"));
 * lan.addRouter("s2", s2Config, IpLiterals.parse("198.18.0.2"));
 * lan.startAll(0);
 * lan.runUntil(SimulatedLan.seconds(10));
 * assertThat(lan.masters()).containsExactly("s1");
 * lan.crash("s1", lan.now());
 * lan.runFor(SimulatedLan.seconds(5));
 * }</pre>
 *
 * <p>Times are nanoseconds of virtual time. Not thread-safe.
 */
public final class SimulatedLan {
    private final Random random;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final List<String> trace = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    private final List<Consumer<Transition>> listeners = new ArrayList<>();
    private long now;
    private long sequence;
    private double loss;
    private double duplication;
    private long minDelay = 100_000; // 0.1 ms: a LAN
    private long maxDelay = 100_000;
    private final Map<String, Integer> partitionOf = new HashMap<>();
    private final Map<String, Long> lastDelivery = new HashMap<>();

    /** A LAN whose randomness comes from {@code seed}. */
    public SimulatedLan(long seed) {
        this.random = new Random(seed);
    }

    /** A state change of one router at one time. */
    public record Transition(long atNanos, String router, State from, State to, String reason) {
    }

    /** Virtual nanoseconds for milliseconds. */
    public static long millis(double ms) {
        return Math.round(ms * 1_000_000d);
    }

    /** Virtual nanoseconds for seconds. */
    public static long seconds(double s) {
        return Math.round(s * 1_000_000_000d);
    }

    // ---- topology and faults ----------------------------------------------------------------------

    /** Adds a router (not started) whose interface has {@code primaryAddress}. */
    public SimulatedLan addRouter(String name, VirtualRouterConfig config, InetAddress primaryAddress) {
        if (nodes.containsKey(name)) {
            throw new IllegalArgumentException("duplicate router " + name);
        }
        if (IpFamily.of(primaryAddress) != config.family()) {
            throw new IllegalArgumentException(name + ": primary address family differs from the router's");
        }
        nodes.put(name, new Node(name, config, primaryAddress));
        return this;
    }

    /** Probability that one delivery of an advert is lost, 0..1. */
    public SimulatedLan loss(double probability) {
        this.loss = probability;
        return this;
    }

    /** The loss probability in force. */
    public double loss() {
        return loss;
    }

    /** Probability that one delivery is duplicated, 0..1. */
    public SimulatedLan duplication(double probability) {
        this.duplication = probability;
        return this;
    }

    /** One-way delivery delay, uniformly random in [min, max] nanoseconds; each link stays FIFO. */
    public SimulatedLan delay(long minNanos, long maxNanos) {
        if (minNanos < 0 || maxNanos < minNanos) {
            throw new IllegalArgumentException("need 0 <= min <= max");
        }
        this.minDelay = minNanos;
        this.maxDelay = maxNanos;
        return this;
    }

    /** The largest one-way delay currently configured. */
    public long maxDelay() {
        return maxDelay;
    }

    /** Splits the LAN: routers in different groups hear nobody across; unlisted routers form group 0. */
    @SafeVarargs
    public final SimulatedLan partition(Set<String>... groups) {
        partitionOf.clear();
        for (int g = 0; g < groups.length; g++) {
            for (String n : groups[g]) {
                node(n);
                partitionOf.put(n, g + 1);
            }
        }
        record("partition " + java.util.Arrays.toString(groups));
        return this;
    }

    /** Removes every partition. */
    public SimulatedLan heal() {
        if (!partitionOf.isEmpty()) {
            partitionOf.clear();
            record("heal");
        }
        return this;
    }

    /** Whether a partition separates two routers now. */
    public boolean separated(String a, String b) {
        return !Objects.equals(partitionOf.getOrDefault(a, 0), partitionOf.getOrDefault(b, 0));
    }

    /** Calls {@code listener} for every state change, as it happens. */
    public SimulatedLan onTransition(Consumer<Transition> listener) {
        listeners.add(listener);
        return this;
    }

    // ---- scheduled inputs ---------------------------------------------------------------------------

    /** Starts every router at {@code at}. */
    public SimulatedLan startAll(long at) {
        nodes.keySet().forEach(n -> start(n, at));
        return this;
    }

    /** Starts (or restarts after a crash, with a fresh router) a router at {@code at}. */
    public SimulatedLan start(String name, long at) {
        return schedule(at, () -> {
            Node n = node(name);
            if (!n.alive) {
                n.router = new VirtualRouter(n.config);
                n.alive = true;
                n.epoch++;
                n.router.step(new Input.PriorityChanged(n.basePriority), now); // keep a changed priority
            }
            record(name + " start");
            execute(n, n.router.step(new Input.Start(n.primary), now));
        });
    }

    /** Crashes a router at {@code at}: no priority 0, timers gone, addresses gone with the host. */
    public SimulatedLan crash(String name, long at) {
        return schedule(at, () -> {
            Node n = node(name);
            if (n.alive) {
                n.alive = false;
                n.epoch++;
                n.addresses = false;
                if (n.router.state() != State.INITIALIZE) {
                    transition(n, n.router.state(), State.INITIALIZE, "CRASH");
                }
                record(name + " crash");
            }
        });
    }

    /** A planned shutdown at {@code at}: a master sends priority 0. */
    public SimulatedLan shutdown(String name, long at) {
        return input(name, at, new Input.Shutdown());
    }

    /** Changes a router's base priority at {@code at}. */
    public SimulatedLan priority(String name, int basePriority, long at) {
        return schedule(at, () -> {
            node(name).basePriority = basePriority;
            deliverInput(name, new Input.PriorityChanged(basePriority));
        });
    }

    /** Link down/up at {@code at}. */
    public SimulatedLan link(String name, boolean up, long at) {
        return input(name, at, new Input.LinkChanged(up));
    }

    /** Any input to a live router at {@code at}. */
    public SimulatedLan input(String name, long at, Input input) {
        return schedule(at, () -> deliverInput(name, input));
    }

    /** Runs {@code action} at virtual time {@code at} (for fault schedules). */
    public SimulatedLan schedule(long at, Runnable action) {
        if (at < now) {
            throw new IllegalArgumentException("cannot schedule in the past: " + at + " < " + now);
        }
        queue.add(new Event(at, sequence++, action));
        return this;
    }

    // ---- running ---------------------------------------------------------------------------------------

    /** Processes events up to and including {@code until}; the clock ends at {@code until}. */
    public SimulatedLan runUntil(long until) {
        while (!queue.isEmpty() && queue.peek().at <= until) {
            Event e = queue.poll();
            now = e.at;
            e.action.run();
        }
        now = Math.max(now, until);
        return this;
    }

    /** Runs for {@code duration} nanoseconds of virtual time. */
    public SimulatedLan runFor(long duration) {
        return runUntil(now + duration);
    }

    /** The virtual time. */
    public long now() {
        return now;
    }

    // ---- observation -----------------------------------------------------------------------------------

    /** Routers in MASTER now, in insertion order. */
    public List<String> masters() {
        return nodes.values().stream().filter(n -> n.alive && n.router.state() == State.MASTER).map(n -> n.name).toList();
    }

    /** Routers whose host holds the virtual addresses now. */
    public List<String> addressHolders() {
        return nodes.values().stream().filter(n -> n.alive && n.addresses).map(n -> n.name).toList();
    }

    /** A router's state (INITIALIZE when crashed). */
    public State state(String name) {
        Node n = node(name);
        return n.alive ? n.router.state() : State.INITIALIZE;
    }

    /** A live router (for counters and priorities); replaced on restart. */
    public VirtualRouter router(String name) {
        return node(name).router;
    }

    /** The router names. */
    public List<String> routers() {
        return List.copyOf(nodes.keySet());
    }

    /** Whether a router is running (not crashed). */
    public boolean alive(String name) {
        return node(name).alive;
    }

    /** A router's primary address. */
    public InetAddress primaryAddress(String name) {
        return node(name).primary;
    }

    /** Every state change so far. */
    public List<Transition> transitions() {
        return Collections.unmodifiableList(transitions);
    }

    /** The trace: one line per event, with virtual time in ms. Equal for equal seeds and calls. */
    public List<String> trace() {
        return Collections.unmodifiableList(trace);
    }

    // ---- internals -------------------------------------------------------------------------------------

    private void deliverInput(String name, Input input) {
        Node n = node(name);
        if (n.alive) {
            execute(n, n.router.step(input, now));
        }
    }

    private void execute(Node n, List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.SendAdvert s -> send(n, s);
                case Action.ArmTimer t -> {
                    int gen = ++n.timerGeneration.computeIfAbsent(t.kind(), k -> new int[1])[0];
                    int epoch = n.epoch;
                    queue.add(new Event(t.deadlineNanos(), sequence++, () -> {
                        if (n.alive && n.epoch == epoch && n.timerGeneration.get(t.kind())[0] == gen) {
                            execute(n, n.router.step(new Input.TimerFired(t.kind()), now));
                        }
                    }));
                }
                case Action.CancelTimer t -> n.timerGeneration.computeIfAbsent(t.kind(), k -> new int[1])[0]++;
                case Action.AddAddresses x -> n.addresses = true;
                case Action.RemoveAddresses x -> n.addresses = false;
                case Action.Announce x -> { }
                case Action.StateChanged s -> transition(n, s.from(), s.to(), s.reason().name());
                case Action.PacketDiscarded d -> record(n.name + " discard " + d.reason());
                case Action.ConfigMismatch m -> { }
                case Action.LowerPriorityMasterHeard l -> record(n.name + " heard lower-priority master " + l.source().getHostAddress());
            }
        }
    }

    private void send(Node from, Action.SendAdvert s) {
        record(from.name + " send prio=" + s.packet().priority());
        for (Node to : nodes.values()) {
            if (to == from) {
                continue; // multicast loopback is off
            }
            InetAddress dst;
            if (from.config.isUnicast()) {
                if (!from.config.unicastPeers().contains(to.primary)) {
                    continue;
                }
                dst = to.primary;
            } else {
                dst = from.config.family() == IpFamily.IPV4 ? VrrpCodec.IPV4_GROUP : VrrpCodec.IPV6_GROUP;
            }
            if (separated(from.name, to.name)) {
                continue;
            }
            int copies = random.nextDouble() < duplication ? 2 : 1;
            for (int c = 0; c < copies; c++) {
                if (random.nextDouble() < loss) {
                    record(from.name + " -> " + to.name + " lost");
                    continue;
                }
                long delay = minDelay + (maxDelay > minDelay ? (long) (random.nextDouble() * (maxDelay - minDelay)) : 0);
                // one sender to one receiver on a LAN is FIFO: jitter never reorders a link's packets
                String link = from.name + ">" + to.name;
                long at = Math.max(now + delay, lastDelivery.getOrDefault(link, 0L));
                lastDelivery.put(link, at);
                Input.AdvertReceived in = new Input.AdvertReceived(s.packet(), s.source(), dst,
                        from.config.family() == IpFamily.IPV6 ? ChecksumForm.IPV6_PSEUDO_HEADER : ChecksumForm.IPV4_PSEUDO_HEADER);
                String fromName = from.name;
                queue.add(new Event(at, sequence++, () -> {
                    if (to.alive && !separated(fromName, to.name)) {
                        if (in.packet().priority() == 0) {
                            record(to.name + " <- " + fromName + " prio=0");
                        }
                        execute(to, to.router.step(in, now));
                    }
                }));
            }
        }
    }

    private void transition(Node n, State from, State to, String reason) {
        Transition t = new Transition(now, n.name, from, to, reason);
        transitions.add(t);
        record(n.name + " " + from + " -> " + to + " (" + reason + ")");
        listeners.forEach(l -> l.accept(t));
    }

    private void record(String line) {
        trace.add(String.format(java.util.Locale.ROOT, "%12.6fms %s", now / 1e6, line));
    }

    private Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no router " + name);
        }
        return n;
    }

    private static final class Node {
        final String name;
        final VirtualRouterConfig config;
        final InetAddress primary;
        VirtualRouter router;
        boolean alive = true;
        boolean addresses;
        int epoch;
        int basePriority;
        final Map<TimerKind, int[]> timerGeneration = new EnumMap<>(TimerKind.class);

        Node(String name, VirtualRouterConfig config, InetAddress primary) {
            this.name = name;
            this.config = config;
            this.primary = primary;
            this.router = new VirtualRouter(config);
            this.basePriority = config.priority();
        }
    }

    private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
