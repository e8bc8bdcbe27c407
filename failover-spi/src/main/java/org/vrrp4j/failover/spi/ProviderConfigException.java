package org.vrrp4j.failover.spi;

/** A provider configuration value broke a rule; the message names the key and the rule, never a secret. */
public final class ProviderConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ProviderConfigException(String key, String rule) {
        super(key + ": " + rule);
        this.key = key;
    }

    /** The key at fault. */
    public String key() {
        return key;
    }
}
