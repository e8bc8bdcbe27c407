package org.vrrp4j.netty.internal;

import io.netty.channel.IoEventLoopGroup;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.vrrp4j.netty.VrrpNode;

/**
 * Lets {@code org.vrrp4j.netty.shared} give a {@link VrrpNode.Builder} a Netty loop group without a
 * public method of the builder naming a Netty type. Not exported by the module: not API.
 * {@link VrrpNode} registers the setter when its class is initialized, which {@link VrrpNode#builder()}
 * has done by the time a builder exists.
 */
public final class NodeAccess {
    private static volatile BiConsumer<VrrpNode.Builder, IoEventLoopGroup> groupSetter;

    private NodeAccess() {
    }

    /** Called once, by {@link VrrpNode}'s static initializer. */
    public static void register(BiConsumer<VrrpNode.Builder, IoEventLoopGroup> setter) {
        if (groupSetter != null) {
            throw new IllegalStateException("the node's group setter is registered already");
        }
        groupSetter = Objects.requireNonNull(setter);
    }

    /** A new builder whose node will run on {@code group}. */
    public static VrrpNode.Builder builderOn(IoEventLoopGroup group) {
        VrrpNode.Builder builder = VrrpNode.builder();
        groupSetter.accept(builder, group);
        return builder;
    }
}
