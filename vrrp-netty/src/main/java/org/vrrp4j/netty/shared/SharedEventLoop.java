package org.vrrp4j.netty.shared;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandle;
import java.util.Objects;
import org.vrrp4j.netty.VrrpNode;
import org.vrrp4j.netty.internal.NodeAccess;

/**
 * Runs a {@link VrrpNode} on the application's own Netty 4.2 epoll loop group, sharing its threads,
 * instead of on a loop thread of the node's own.
 *
 * <p>Why apart from {@link VrrpNode.Builder}: this is the only place where vrrp4j's API names a Netty
 * type. An application that uses another Netty (4.1 has no {@code IoEventLoopGroup}) or none embeds a
 * node through {@code org.vrrp4j.netty}, whose signatures mention no Netty type; only an application
 * that already builds Netty 4.2 epoll groups comes here. On the module path such an application
 * {@code requires io.netty.transport} (and {@code io.netty.transport.classes.epoll} for
 * {@code EpollIoHandler}) itself, to build the group; vrrp-netty does not require Netty transitively,
 * because a transitive dependency is per module, and would put Netty in front of every node user.
 */
public final class SharedEventLoop {
    private SharedEventLoop() {
    }

    /**
     * A node builder whose node runs on one loop of {@code group} (picked with {@code group.next()}). The
     * group stays the application's: closing the node leaves it running, and the application shuts it
     * down after the node. The node's blocking methods must not be called on that loop's thread.
     *
     * @param group an epoll group: {@code new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory())}
     * @throws IllegalArgumentException when the group's loops are not epoll loops (raw sockets join epoll)
     */
    @SuppressWarnings("exports") // io.netty.transport is not required transitively on purpose (see above)
    public static VrrpNode.Builder builderOn(IoEventLoopGroup group) {
        Objects.requireNonNull(group, "group");
        if (!group.isCompatible(EpollIoHandle.class)) {
            throw new IllegalArgumentException("SharedEventLoop.builderOn: the group's loops are not epoll loops ("
                    + group.getClass().getName() + "); vrrp4j's raw sockets need one made with"
                    + " new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory())");
        }
        return NodeAccess.builderOn(group);
    }
}
