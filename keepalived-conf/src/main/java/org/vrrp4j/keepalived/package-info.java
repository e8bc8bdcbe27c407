/**
 * Reads keepalived.conf files (keepalived 2.2.7 syntax and defaults) into vrrp4j's model:
 * {@link org.vrrp4j.keepalived.KeepalivedConfigReader} is the entry point,
 * {@link org.vrrp4j.keepalived.KeepalivedConfig} the result and
 * {@link org.vrrp4j.keepalived.EffectiveConfig} prints it back (for {@code vrrp4j check}).
 */
package org.vrrp4j.keepalived;
