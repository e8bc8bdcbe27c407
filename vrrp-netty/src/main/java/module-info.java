/**
 * The Linux host shell for vrrp-core: {@link org.vrrp4j.netty.VrrpNode} runs virtual routers on raw IP
 * sockets (through the FFM API) registered on a Netty epoll loop. Needs
 * {@code --enable-native-access=org.vrrp4j.netty} and CAP_NET_RAW + CAP_NET_ADMIN. Linux x86_64 and aarch64.
 *
 * <p>{@code org.vrrp4j.netty} names no Netty type, so Netty is not required transitively: a node's user
 * reads no Netty module through this one. {@code org.vrrp4j.netty.shared} takes the application's own
 * Netty 4.2 epoll loop group; an application using it builds that group, so it requires
 * {@code io.netty.transport} itself.
 */
module org.vrrp4j.netty {
    requires transitive org.vrrp4j.core;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires io.netty.common;
    requires org.slf4j;

    exports org.vrrp4j.netty;
    exports org.vrrp4j.netty.shared;
    // the daemon's few system calls (signals, kill, mkfifo) share Libc's one downcall stub
    exports org.vrrp4j.netty.linux to org.vrrp4j.daemon;
}
