/**
 * The failover provider SPI: everything a provider author needs, and nothing of the runtime that
 * drives providers.
 *
 * <p>A provider moves one resource (a hoster's failover IP, a cloud's floating address, the effect of a
 * notify script) to this node:
 * <ul>
 * <li>{@link org.vrrp4j.failover.spi.FailoverProvider}: {@code acquire} (check, change, verify), and
 *     optionally {@code release} and {@code locate}; calls block and must stop promptly when cancelled;</li>
 * <li>{@link org.vrrp4j.failover.spi.FailoverProviderFactory}: creates providers of one kind from a
 *     {@link org.vrrp4j.failover.spi.ProviderConfig} (typed values, secrets from environment or file as
 *     {@link org.vrrp4j.failover.spi.Secret}, errors as
 *     {@link org.vrrp4j.failover.spi.ProviderConfigException} naming the key);</li>
 * <li>{@link org.vrrp4j.failover.spi.FailoverContext}: what one call gets: the
 *     {@link org.vrrp4j.failover.spi.RoleChange} that caused it, its
 *     {@link org.vrrp4j.failover.spi.Cancellation}, the attempt, the clock and the deadline;</li>
 * <li>{@link org.vrrp4j.failover.spi.FailoverOutcome} and {@link org.vrrp4j.failover.spi.Location}: what
 *     a call found, typed, so the runtime can decide whether to retry, give up or re-acquire.</li>
 * </ul>
 *
 * <p>Register a factory in {@code module-info} ({@code provides org.vrrp4j.failover.spi.FailoverProviderFactory
 * with ...}) and in {@code META-INF/services/org.vrrp4j.failover.spi.FailoverProviderFactory}. A factory
 * sees only its own keys: the runtime takes the binding's keys ({@code retry}, {@code reverify},
 * {@code release}) out of a configuration block first. Retries, cancellation on role loss, one call at a
 * time, re-verification and timeouts are the runtime's job ({@code org.vrrp4j.failover}), not the
 * provider's.
 */
package org.vrrp4j.failover.spi;
