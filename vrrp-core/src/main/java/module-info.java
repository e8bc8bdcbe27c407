/**
 * The pure VRRP engine: packet codec ({@link org.vrrp4j.core.packet}), the virtual-router
 * state machine ({@link org.vrrp4j.core.fsm}) and its configuration ({@link org.vrrp4j.core.config}).
 *
 * <p>No threads, no clock, no sockets, no logging: time and packets come in as inputs, what to do
 * leaves as values. Any host shell (the project's Netty shell, a user's own transport, the simulator
 * in this module's test-jar) drives it.
 */
module org.vrrp4j.core {
    exports org.vrrp4j.core.packet;
    exports org.vrrp4j.core.fsm;
    exports org.vrrp4j.core.config;
}
