package org.vrrp4j.failover;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.vrrp4j.failover.spi.FailoverProviderFactory;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.spi.ProviderConfig;

/** Finds provider factories with {@link ServiceLoader}. */
public final class FailoverProviders {
    private final Map<String, FailoverProviderFactory> factories;

    private FailoverProviders(Map<String, FailoverProviderFactory> factories) {
        this.factories = factories;
    }

    /** The factories visible to this module's class loader or module layer. */
    public static FailoverProviders discover() {
        return discover(ServiceLoader.load(FailoverProviderFactory.class, FailoverProviders.class.getClassLoader()));
    }

    /** The factories a given loader finds (the first of each name wins, as slf4j does with bindings). */
    public static FailoverProviders discover(ServiceLoader<FailoverProviderFactory> loader) {
        Map<String, FailoverProviderFactory> found = new TreeMap<>();
        for (FailoverProviderFactory f : loader) {
            found.putIfAbsent(f.name(), f);
        }
        return new FailoverProviders(Map.copyOf(found));
    }

    /** The names found, sorted. */
    public java.util.Set<String> names() {
        return new java.util.TreeSet<>(factories.keySet());
    }

    /**
     * The factory called {@code name}.
     *
     * @throws ProviderConfigException listing the known names when there is none
     */
    public FailoverProviderFactory factory(String name) {
        FailoverProviderFactory f = factories.get(name);
        if (f == null) {
            throw new ProviderConfigException("provider", "unknown failover provider '" + name + "'; known: " + names());
        }
        return f;
    }

    /**
     * Creates a provider called {@code name} from {@code config}, which must not carry the binding's keys
     * ({@link BindingOptions#KEYS}): parse a configuration block with {@link BindingOptions#parse} and pass
     * its {@link BindingOptions.Parsed#providerConfig() providerConfig()}.
     *
     * @throws ProviderConfigException for an unknown name, a binding key, or the factory's own complaint
     */
    public FailoverProvider create(String name, ProviderConfig config) {
        FailoverProviderFactory factory = factory(name);
        for (String key : config.keys()) {
            if (BindingOptions.KEYS.contains(key)) {
                throw new ProviderConfigException(key, "is the coordinator's, not provider " + name
                        + "'s: split it off with BindingOptions.parse first (provider " + config.name() + ")");
            }
        }
        return factory.create(config);
    }
}
