/**
 * The node on the application's own Netty 4.2 epoll loop group ({@link
 * org.vrrp4j.netty.shared.SharedEventLoop}): the one package of vrrp4j whose API names Netty types, kept
 * apart so that {@code org.vrrp4j.netty} names none.
 */
package org.vrrp4j.netty.shared;
