package org.vrrp4j.core.config;

import java.util.Objects;

/**
 * A configuration value broke a rule. {@link #field()} says which field as a value, so that a tool that
 * built the configuration from its own input (a config file reader) can point at the input that set it
 * without reading the message; the message names the field and the rule for people, e.g.
 * {@code "vrid: must be 1..255, got 300"}.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final VirtualRouterConfig.Field field;
    private final String subject;
    private final String rule;

    /**
     * A rule about a field as a whole; the message is {@code <property name>: <rule>}.
     *
     * @param field the field that broke the rule
     * @param rule  the rule, in words, with the offending value (never a secret)
     */
    public ConfigException(VirtualRouterConfig.Field field, String rule) {
        this(field, field.propertyName(), rule);
    }

    /**
     * A rule about one element of a field; the message is {@code <subject>: <rule>}.
     *
     * @param field   the field the element belongs to
     * @param subject the element, e.g. {@code virtual address 198.18.0.1} or {@code tracker if:eth0}
     * @param rule    the rule, in words, with the offending value (never a secret)
     */
    public ConfigException(VirtualRouterConfig.Field field, String subject, String rule) {
        super(subject + ": " + rule);
        this.field = Objects.requireNonNull(field, "field");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** The configuration field that broke the rule. */
    public VirtualRouterConfig.Field field() {
        return field;
    }

    /** What the message names: the field's property name, or the element of the field. */
    public String subject() {
        return subject;
    }

    /** The rule, in words, with the offending value. */
    public String rule() {
        return rule;
    }
}
