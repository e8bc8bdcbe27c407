/**
 * The failover runtime: {@link org.vrrp4j.failover.FailoverCoordinator} runs the providers of the
 * {@link org.vrrp4j.failover.spi SPI} for routers' roles, as {@link org.vrrp4j.failover.BindingOptions}
 * say (parsed from a provider block, which also leaves the provider its own keys), on a
 * {@link org.vrrp4j.failover.FailoverScheduler}, retrying per {@link org.vrrp4j.failover.RetryPolicy} and
 * telling listeners each {@link org.vrrp4j.failover.FailoverEvent}; {@link org.vrrp4j.failover.FailoverProviders}
 * finds the provider factories. The decisions are a pure per-binding state machine; the coordinator is
 * the shell that owns threads, timers and cancellation.
 */
package org.vrrp4j.failover;
