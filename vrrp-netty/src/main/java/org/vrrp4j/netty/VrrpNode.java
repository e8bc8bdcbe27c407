package org.vrrp4j.netty;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.netty.internal.NodeAccess;
import org.vrrp4j.netty.linux.Platform;

/**
 * A VRRP node on a Linux host: the core's virtual routers driven by raw IP sockets on a Netty epoll loop,
 * their virtual addresses added and removed through rtnetlink and announced by gratuitous ARP (IPv4) or
 * unsolicited Neighbor Advertisements (IPv6). IPv4 (VRRPv2 and v3) and IPv6 (VRRPv3), multicast and
 * unicast peers, virtual MACs, sync groups. Sockets open in the network namespace of the thread that
 * calls {@link Builder#build()}.
 *
 * <p>Everything happens on the node's loop; listeners are called off it, in order. The blocking methods
 * ({@link #status()}, {@link #addRouter}, {@link #removeRouter}, {@link #close()}, ...) wait for the loop,
 * so calling them on the loop thread fails at once with an {@link IllegalStateException}.
 *
 * <p>The node runs on a loop thread of its own ({@link Builder#threadFactory} makes it); no Netty type
 * appears in this package, so an application on another Netty version needs none of ours to embed a node.
 * An application that wants the node on its own Netty 4.2 epoll loop group builds it with {@code
 * org.vrrp4j.netty.shared.SharedEventLoop}.
 */
public final class VrrpNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpNode.class);

    private final IoEventLoopGroup group;
    private final boolean ownsGroup;
    private final IoEventLoop loop;
    private final NettyLoop port;
    private final ListenerDispatch listeners;
    private final NodeRuntime runtime;
    private volatile boolean closed;

    static {
        NodeAccess.register((builder, group) -> builder.group = group);
    }

    private VrrpNode(Builder b) throws IOException {
        Platform.requireSupported();
        NettyLoop.requireNativeAccess();
        Epoll.ensureAvailability();
        this.ownsGroup = b.group == null;
        this.group = b.group != null ? b.group : b.threadFactory != null
                ? new MultiThreadIoEventLoopGroup(1, b.threadFactory, EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.loop = group.next();
        this.port = new NettyLoop(loop);
        this.listeners = new ListenerDispatch(b.listeners, b.listenerExecutor);
        try {
            this.runtime = NodeRuntime.open(port, listeners, new AnnouncementSchedule.Cadence(b.garpRepeat, b.garpDelay,
                    b.refreshInterval, b.refreshRepeat, b.lowerPriorityRepeat != null ? b.lowerPriorityRepeat : b.garpRepeat,
                    b.lowerPriorityDelay != null ? b.lowerPriorityDelay : b.garpDelay), b.warmUp, b.configs, b.virtualMacs, b.syncGroups,
                    b.startupDelay);
        } catch (IOException | RuntimeException e) {
            shutDown();
            throw e;
        }
    }

    /**
     * Adds and starts a router on the running node (a reload added or changed it); it joins its sync group
     * if one names it. Sockets open in the namespace of the node's loop thread, which is where it was built.
     *
     * @throws IllegalArgumentException for a name or VRID already used, an unknown interface, ...
     */
    public void addRouter(VirtualRouterConfig config) {
        add(config, null);
    }

    /**
     * {@link #addRouter(VirtualRouterConfig)} with a virtual MAC, as {@link Builder#virtualMac(String, String)}.
     *
     * @param deviceName the macvlan's name, or null for {@code vrrp.<VRID>}
     */
    public void addRouterWithVirtualMac(VirtualRouterConfig config, String deviceName) {
        add(config, Optional.ofNullable(deviceName).map(NodeConfigChecks::deviceName));
    }

    private void add(VirtualRouterConfig config, Optional<String> vmac) {
        Objects.requireNonNull(config, "config");
        onLoop("addRouter", () -> {
            try {
                runtime.start(runtime.attach(List.of(config), vmac == null ? Map.of() : Map.of(config.name(), vmac)));
            } catch (IOException e) {
                throw new IllegalArgumentException(config.name() + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    /**
     * Gives a running router a new configuration that differs only in its virtual addresses or a non-owner
     * priority (a reload; see {@link org.vrrp4j.core.fsm.VirtualRouter#takesInPlace}): the router keeps its
     * state and timers; a master adds and announces new addresses and removes dropped ones, without a
     * priority 0 or a failover.
     *
     * @return whether the node had that router
     * @throws IllegalArgumentException when the change needs a restart ({@link #removeRouter} then
     *     {@link #addRouter}), or a new address names an unknown device
     */
    public boolean reconfigureRouter(VirtualRouterConfig config) {
        Objects.requireNonNull(config, "config");
        return onLoop("reconfigureRouter", () -> runtime.reconfigure(config));
    }

    /**
     * Stops and removes one router as {@link #close()} stops all: a master sends priority 0, the router's
     * addresses are removed; its interface's socket closes with its last router, and its virtual MAC
     * interface, if it had one, is deleted. It leaves its sync group (the group stays declared).
     *
     * @return whether the node had that router
     */
    public boolean removeRouter(String name) {
        Objects.requireNonNull(name, "name");
        return onLoop("removeRouter", () -> runtime.remove(name));
    }

    /**
     * Declares a sync group on the running node (keepalived's {@code vrrp_sync_group}), as {@link
     * Builder#syncGroup(String, List)}.
     *
     * @throws IllegalArgumentException for a name in use, an unknown router, one already in a group
     */
    public void syncGroup(String name, List<String> routers) {
        List<String> members = List.copyOf(routers);
        onLoop("syncGroup", () -> {
            runtime.declareSyncGroup(name, members);
            return null;
        });
    }

    /** Removes a sync group; its members carry on alone. @return whether it existed */
    public boolean removeSyncGroup(String name) {
        Objects.requireNonNull(name, "name");
        return onLoop("removeSyncGroup", () -> runtime.removeSyncGroup(name));
    }

    /** The sync groups, by name, with their member routers. */
    public Map<String, List<String>> syncGroups() {
        return onLoop("syncGroups", runtime::syncGroups);
    }

    /** A tracker of {@code router} (configured in its {@link VirtualRouterConfig}) became healthy or not. */
    public void trackerChanged(String router, String tracker, boolean up) {
        send(router, new Input.TrackerChanged(Objects.requireNonNull(tracker, "tracker"), up));
    }

    /** The base priority of {@code router} changes (1..255; trackers still apply on top). */
    public void priorityChanged(String router, int basePriority) {
        send(router, new Input.PriorityChanged(basePriority));
    }

    /**
     * Feeds an input to a router on the loop.
     *
     * @deprecated use {@link #trackerChanged}, {@link #priorityChanged}, {@link #syncGroup}; links and
     *     addresses are watched by the node itself
     */
    @Deprecated(since = "0.1.0")
    public void input(String router, Input input) {
        send(router, Objects.requireNonNull(input, "input"));
    }

    private void send(String router, Input input) {
        Objects.requireNonNull(router, "router");
        if (closed) {
            return; // a tracker reporting while the node stops: nothing left to tell
        }
        loop.execute(() -> { // routers change on the loop only
            if (!runtime.isClosed() && !runtime.input(router, input)) {
                LOG.debug("input {} for {}: no such router (removed?)", input, router);
            }
        });
    }

    /** A snapshot of every router, taken on the loop. */
    public List<RouterStatus> status() {
        return onLoop("status", runtime::status);
    }

    /** Drops counted per interface for packets no router could be charged with (unknown VRID, bad header). */
    public Map<String, Map<DropReason, Long>> interfaceDrops() {
        return onLoop("interfaceDrops", runtime::interfaceDrops);
    }

    /**
     * Stops: each master sends priority 0 (hand-over within Skew_Time), the node's addresses are removed,
     * sockets closed, listeners get the last state changes. Returns within a few seconds whatever happens.
     *
     * @throws IllegalStateException when called on the node's loop thread (it would wait for itself)
     */
    @Override
    public void close() {
        stop(true);
    }

    /** What kill -9 leaves: no priority 0, timers gone, sockets closed; addresses stay. For tests. */
    void crash() {
        stop(false);
    }

    private void stop(boolean graceful) {
        requireOffLoop("close");
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.submit(() -> runtime.stop(graceful)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("node did not stop cleanly: {}", e.toString());
        } finally {
            shutDown();
        }
    }

    private void shutDown() {
        port.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        listeners.close();
    }

    private void requireOffLoop(String what) {
        if (port.inLoop()) {
            throw new IllegalStateException(what + "() was called on the node's event loop thread and would wait"
                    + " for that thread: call it from another thread (listeners run off the loop unless their"
                    + " executor runs them on it)");
        }
    }

    /** Runs on the loop and waits; a failure there is thrown here. */
    private <T> T onLoop(String what, Callable<T> task) {
        requireOffLoop(what);
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": the node's loop did not answer within 10 s", e);
        }
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "VrrpNode" + runtime;
    }

    /** Builds a {@link VrrpNode}; sockets open in the namespace of the thread calling {@link #build()}. */
    public static final class Builder {
        private final List<VirtualRouterConfig> configs = new ArrayList<>();
        private final List<NodeListener> listeners = new ArrayList<>();
        private final Map<String, Optional<String>> virtualMacs = new LinkedHashMap<>();
        private final Map<String, List<String>> syncGroups = new LinkedHashMap<>();
        private IoEventLoopGroup group; // set by SharedEventLoop (through NodeAccess) only
        private ThreadFactory threadFactory;
        private Executor listenerExecutor;
        private int garpRepeat = 5;
        private Duration garpDelay = Duration.ofSeconds(5);
        private Duration refreshInterval = Duration.ZERO;
        private int refreshRepeat = 1;
        private Integer lowerPriorityRepeat;
        private Duration lowerPriorityDelay;
        private boolean warmUp = true;
        private Duration startupDelay = Duration.ZERO;

        private Builder() {
        }

        /**
         * keepalived's {@code vrrp_startup_delay}: for this long after {@link #build()} no router of the node
         * becomes master, the owner included. Routers start as backups and follow a master they hear; their
         * master-down timers count from the end of the delay. For links that pass traffic only some seconds
         * after boot (bonds), so a node started at boot does not take over from a master it cannot hear yet.
         * Routers added later ({@link VrrpNode#addRouter}, a reload) start without it. Default zero.
         */
        public Builder startupDelay(Duration delay) {
            Objects.requireNonNull(delay, "startupDelay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("startupDelay must not be negative: " + delay);
            }
            this.startupDelay = delay;
            return this;
        }

        /** Adds a router; its {@code interfaceName} says where it runs. */
        public Builder addRouter(VirtualRouterConfig config) {
            configs.add(Objects.requireNonNull(config));
            return this;
        }

        /**
         * Makes the node's loop thread (one per node; every socket, timer and router of the node runs on it)
         * with this factory: to name it, set its priority or daemon flag, or put it in the application's
         * thread group. Without it the node makes its own. The node stops the thread on {@link #close()}.
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /** A listener, called in event order on the node's dispatcher thread unless {@link #listenerExecutor}. */
        public Builder listener(NodeListener listener) {
            listeners.add(Objects.requireNonNull(listener));
            return this;
        }

        /** Calls listeners on this executor (a single-threaded one keeps their order) instead of the node's own. */
        public Builder listenerExecutor(Executor executor) {
            this.listenerExecutor = executor;
            return this;
        }

        /**
         * keepalived's garp_master_repeat (default 5) and garp_master_delay (default 5 s; 0 = no second
         * burst). IPv6 routers send unsolicited Neighbor Advertisements with the same cadence, as keepalived.
         */
        public Builder gratuitousArp(int repeat, Duration delay) {
            if (repeat < 0 || delay.isNegative()) {
                throw new IllegalArgumentException("garp repeat and delay must not be negative");
            }
            this.garpRepeat = repeat;
            this.garpDelay = delay;
            return this;
        }

        /**
         * keepalived's garp_master_refresh (default 0: off) and garp_master_refresh_repeat (default 1): while
         * a router is master, its gratuitous ARPs (IPv4) and unsolicited Neighbor Advertisements (IPv6) are
         * sent again, {@code repeat} per address, every {@code interval}.
         */
        public Builder announceRefresh(Duration interval, int repeat) {
            if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10) || repeat < 1) {
                throw new IllegalArgumentException("announceRefresh: interval must be 0 (off) or at least 10 ms, and"
                        + " repeat at least 1; got " + interval + ", " + repeat);
            }
            this.refreshInterval = interval;
            this.refreshRepeat = repeat;
            return this;
        }

        /**
         * keepalived's garp_lower_prio_repeat and garp_lower_prio_delay: a master that hears a lower-priority
         * master (the two were cut apart, and neighbours may have followed the other) sends {@code repeat}
         * gratuitous ARPs (IPv4) or unsolicited Neighbor Advertisements (IPv6) per address at once and as many
         * again after {@code delay} (zero: no second burst). {@code repeat} 0 turns this off. Default: the
         * {@link #gratuitousArp} values, as keepalived.
         */
        public Builder lowerPriorityAnnouncements(int repeat, Duration delay) {
            if (repeat < 0 || delay.isNegative()) {
                throw new IllegalArgumentException("lowerPriorityAnnouncements: repeat and delay must not be negative;"
                        + " got " + repeat + ", " + delay);
            }
            this.lowerPriorityRepeat = repeat;
            this.lowerPriorityDelay = delay;
            return this;
        }

        /**
         * Gives a router a virtual MAC, as keepalived's {@code use_vmac}: while the node runs, a macvlan
         * (private mode) named {@code vrrp.<VRID>} on the router's interface carries 00:00:5e:00:01:{VRID}
         * (IPv4) or 00:00:5e:00:02:{VRID} (IPv6); the router's adverts, addresses and announcements use it,
         * so neighbours keep the same MAC across a failover. {@link #close()} deletes it; a crash leaves it,
         * and the next start takes it over. {@link RouterStatus#interfaceName()} is then the macvlan.
         *
         * @param router the {@link VirtualRouterConfig#name()} of a router added to this builder
         */
        public Builder virtualMac(String router) {
            virtualMacs.put(Objects.requireNonNull(router, "router"), Optional.empty());
            return this;
        }

        /** {@link #virtualMac(String)} with the macvlan's name (1 to 15 characters, no '/', ':' or space). */
        public Builder virtualMac(String router, String deviceName) {
            virtualMacs.put(Objects.requireNonNull(router, "router"), Optional.of(NodeConfigChecks.deviceName(deviceName)));
            return this;
        }

        /**
         * A sync group (keepalived's {@code vrrp_sync_group}): its routers move to MASTER, BACKUP and FAULT
         * together, and the group stays in FAULT until the last member's own fault clears.
         *
         * @param routers names of routers added to this builder, each in one group only
         */
        public Builder syncGroup(String name, List<String> routers) {
            Objects.requireNonNull(name, "name");
            if (syncGroups.putIfAbsent(name, List.copyOf(routers)) != null) {
                throw new IllegalArgumentException("syncGroup: " + name + " is declared already");
            }
            return this;
        }

        /**
         * Whether a take-over is rehearsed at start (default on): the master transition and the send path run
         * a few thousand times on scratch routers, sending nothing, so a backup's first take-over is not slowed
         * by cold code (a few ms at start, logged).
         */
        public Builder warmUp(boolean on) {
            this.warmUp = on;
            return this;
        }

        /**
         * Opens sockets and starts every router.
         *
         * @throws IOException naming the missing capability or the unknown interface
         */
        public VrrpNode build() throws IOException {
            if (group != null && threadFactory != null) {
                throw new IllegalArgumentException("threadFactory: this builder runs the node on a shared event loop"
                        + " group (SharedEventLoop.builderOn), whose threads are the group's; give one or the other");
            }
            NodeConfigChecks.check(configs, virtualMacs, syncGroups);
            return new VrrpNode(this);
        }
    }
}

