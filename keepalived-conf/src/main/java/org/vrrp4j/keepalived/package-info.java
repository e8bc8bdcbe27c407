/**
 * Reads keepalived.conf files (keepalived 2.2.7 syntax and defaults) into vrrp4j's model.
 *
 * <p>{@link org.vrrp4j.keepalived.KeepalivedConfigReader#read(java.nio.file.Path)} reads a file with its
 * includes and returns a {@link org.vrrp4j.keepalived.KeepalivedConfig}, or throws a
 * {@link org.vrrp4j.keepalived.ConfigFileException} saying {@code file:line} and the rule broken. The
 * result holds immutable values that compare with {@code equals}: {@link org.vrrp4j.keepalived.GlobalDefs},
 * {@link org.vrrp4j.keepalived.Instance} (a validated core
 * {@link org.vrrp4j.core.config.VirtualRouterConfig} plus tracking, VMAC, gratuitous ARP and failover
 * {@link org.vrrp4j.keepalived.ProviderBlock}s, notify scripts included as an {@code exec} block),
 * {@link org.vrrp4j.keepalived.VrrpScript} and {@link org.vrrp4j.keepalived.SyncGroup}. The values carry no
 * source locations, so the same settings on other lines are equal values (a reload can compare with
 * {@code equals}); where each instance, script, sync group, provider block and instance keyword was
 * configured is in the side table {@link org.vrrp4j.keepalived.KeepalivedConfig#locations()}
 * ({@link org.vrrp4j.keepalived.SourceLocations}). What keepalived would accept with a log message, and
 * what vrrp4j reads but does not act on, is a {@link org.vrrp4j.keepalived.ConfigWarning} with
 * {@code file:line} in {@link org.vrrp4j.keepalived.KeepalivedConfig#warnings()}, in the order found.
 * {@link org.vrrp4j.keepalived.Keywords#all()} lists every keyword the reader knows with its block and
 * whether it is supported, read but ignored (with a warning) or unsupported;
 * {@link org.vrrp4j.keepalived.EffectiveConfig} prints a configuration back with its defaults written out
 * (for {@code vrrp4j check}).
 *
 * <p>For {@code vrrp4j failover-agent}, which runs providers for a keepalived that stays:
 * {@link org.vrrp4j.keepalived.FailoverAgentConfigReader} reads its failover.conf (top-level provider blocks
 * naming an instance or sync group), {@link org.vrrp4j.keepalived.NotifyFifoLine} parses keepalived 2.2.7's
 * notify FIFO lines and {@link org.vrrp4j.keepalived.KeepalivedStateDump} the states of its SIGUSR1 data dump.
 */
package org.vrrp4j.keepalived;
