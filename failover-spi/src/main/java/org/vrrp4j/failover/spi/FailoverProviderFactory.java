package org.vrrp4j.failover.spi;

/**
 * Creates providers of one kind from their configuration. Implementations are found with
 * {@link java.util.ServiceLoader}: declare them in {@code module-info} ({@code provides ... with})
 * and in {@code META-INF/services/org.vrrp4j.failover.spi.FailoverProviderFactory}.
 */
public interface FailoverProviderFactory {

    /** The name configurations use, e.g. {@code netcup} or {@code exec}. */
    String name();

    /**
     * A provider for one resource. {@code config} holds only the provider's own keys: the runtime took
     * out the keys it owns (how to retry, re-verify and release) before, so a factory may reject every
     * key it does not know ({@link ProviderConfig#requireOnly}).
     *
     * @throws ProviderConfigException naming the key and the rule when the configuration is wrong
     */
    FailoverProvider create(ProviderConfig config);
}
