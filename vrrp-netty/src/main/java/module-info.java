/**
 * The Linux host shell for vrrp-core: {@link org.vrrp4j.netty.VrrpNode} runs virtual routers on raw IP
 * sockets (through the FFM API) registered on a Netty epoll loop. Needs
 * {@code --enable-native-access=org.vrrp4j.netty} and CAP_NET_RAW + CAP_NET_ADMIN.
 */
module org.vrrp4j.netty {
    requires transitive org.vrrp4j.core;
    requires transitive io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires io.netty.common;
    requires org.slf4j;

    exports org.vrrp4j.netty;
}
