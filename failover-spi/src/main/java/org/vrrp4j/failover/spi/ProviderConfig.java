package org.vrrp4j.failover.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A provider's configuration: string keys and values as written in the configuration file, with typed
 * accessors that name the key on error. Secrets never appear inline: key {@code K} is read from the
 * environment variable named by {@code K_env} or from the file named by {@code K_file}.
 */
public final class ProviderConfig {
    private final String name;
    private final Map<String, String> values;
    private final Function<String, String> environment;

    private ProviderConfig(String name, Map<String, String> values, Function<String, String> environment) {
        this.name = name;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.environment = environment;
    }

    /** A configuration reading secrets from the process environment. */
    public static ProviderConfig of(String name, Map<String, String> values) {
        return new ProviderConfig(name, values, System::getenv);
    }

    /** A configuration with an explicit environment (tests, embedding applications). */
    public static ProviderConfig of(String name, Map<String, String> values, Function<String, String> environment) {
        return new ProviderConfig(name, values, environment);
    }

    /** The instance name, for messages (e.g. the VRRP instance it belongs to). */
    public String name() {
        return name;
    }

    /** The raw keys, in the order written. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Fails when a key is not one of {@code allowed} (catches typos, as keepalived warns). */
    public void requireOnly(Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw fail(unknown.iterator().next(),
                    "unknown key for " + name + "; known keys: " + new TreeSet<>(allowed));
        }
    }

    /**
     * This configuration without {@code keys}: the coordinator takes the keys it owns (see
     * {@code BindingOptions}) out before a provider's factory sees the rest.
     */
    public ProviderConfig without(Set<String> keys) {
        Map<String, String> rest = new LinkedHashMap<>(values);
        rest.keySet().removeAll(keys);
        return new ProviderConfig(name, rest, environment);
    }

    /** An optional string. */
    public Optional<String> optionalString(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    /** A required string. */
    public String string(String key) {
        return optionalString(key).orElseThrow(() -> fail(key, "is required"));
    }

    /** A string with a default. */
    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    /** An integer within [min, max], with a default. */
    public int integer(String key, int defaultValue, int min, int max) {
        Optional<String> v = optionalString(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            int i = Integer.parseInt(v.get());
            if (i < min || i > max) {
                throw fail(key, "must be " + min + ".." + max + ", got " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw fail(key, "must be an integer, got '" + v.get() + "'");
        }
    }

    /** A boolean ({@code true/false/yes/no/on/off}), with a default. */
    public boolean bool(String key, boolean defaultValue) {
        Optional<String> v = optionalString(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw fail(key, "must be true or false, got '" + v.get() + "'");
        };
    }

    /** A duration: {@code 250ms}, {@code 3s}, {@code 5m}, {@code 1h}, or a plain number of seconds. */
    public Duration duration(String key, Duration defaultValue) {
        Optional<String> v = optionalString(key);
        try {
            return v.isEmpty() ? defaultValue : parseDuration(key, v.get());
        } catch (ProviderConfigException e) {
            throw fail(key, e.getMessage().substring(key.length() + 2));
        }
    }

    /** An enum constant, matched case-insensitively. */
    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Optional<String> v = optionalString(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.get())) {
                return e;
            }
        }
        Set<String> names = new TreeSet<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw fail(key, "must be one of " + names + ", got '" + v.get() + "'");
    }

    /** A path. */
    public Optional<Path> path(String key) {
        return optionalString(key).map(Path::of);
    }

    /**
     * A secret from {@code key_env} (an environment variable's name) or {@code key_file} (a file whose
     * first line is the secret). An inline {@code key} is refused: configuration files get copied,
     * printed and committed.
     */
    public Optional<Secret> optionalSecret(String key) {
        if (values.containsKey(key)) {
            throw fail(key, "secrets are not written inline; use " + key + "_env or " + key + "_file");
        }
        Optional<String> env = optionalString(key + "_env");
        Optional<String> file = optionalString(key + "_file");
        if (env.isPresent() && file.isPresent()) {
            throw fail(key, "give " + key + "_env or " + key + "_file, not both");
        }
        if (env.isPresent()) {
            String value = environment.apply(env.get());
            if (value == null || value.isEmpty()) {
                throw fail(key + "_env", "environment variable " + env.get() + " is not set");
            }
            return Optional.of(Secret.of(value, "env " + env.get()));
        }
        if (file.isPresent()) {
            Path p = Path.of(file.get());
            try {
                String content = Files.readString(p, StandardCharsets.UTF_8);
                String first = content.lines().findFirst().orElse("").strip();
                if (first.isEmpty()) {
                    throw fail(key + "_file", p + " is empty");
                }
                return Optional.of(Secret.of(first, "file " + p));
            } catch (IOException e) {
                throw fail(key + "_file", "cannot read " + p + ": " + e.getClass().getSimpleName());
            }
        }
        return Optional.empty();
    }

    /** A required secret. */
    public Secret secret(String key) {
        return optionalSecret(key).orElseThrow(() -> fail(key,
                "is required: set " + key + "_env (an environment variable) or " + key + "_file (a file)"));
    }

    /** An error that names the key, the rule and this provider instance. */
    private ProviderConfigException fail(String key, String rule) {
        return new ProviderConfigException(key, rule + " (provider " + name + ")");
    }

    /**
     * A duration as configurations write it: {@code 250ms}, {@code 3s}, {@code 1.5s}, {@code 5m},
     * {@code 1h}, ISO-8601 ({@code PT3S}), or a plain number of seconds.
     *
     * @throws ProviderConfigException naming {@code key} when the text is not a duration or is negative
     */
    public static Duration parseDuration(String key, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("-")) {
                throw new ProviderConfigException(key, "must not be negative, got '" + text + "'");
            }
            if (t.startsWith("pt")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT)); // ISO-8601, e.g. PT3S
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("d")) { // check_interval's unit: 1d
                return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new ProviderConfigException(key, "must be a duration like 500ms, 3s, 5m, 1h, 1d, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        // secrets are never inline (see optionalSecret), so the values are safe to show
        return "ProviderConfig[" + name + " " + values + "]";
    }
}
