package org.vrrp4j.core.config;

/**
 * A configuration value broke a rule. The message names the field and the rule, e.g.
 * {@code "vrid: must be 1..255, got 300"}.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String rule;

    public ConfigException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
        this.rule = rule;
    }

    /** The configuration field that broke the rule. */
    public String field() {
        return field;
    }

    /** The rule, in words, with the offending value. */
    public String rule() {
        return rule;
    }
}
