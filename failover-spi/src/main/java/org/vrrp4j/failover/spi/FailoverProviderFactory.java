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
     * A provider for one resource.
     *
     * @throws ProviderConfigException naming the key and the rule when the configuration is wrong
     */
    FailoverProvider create(ProviderConfig config);
}
