package org.vrrp4j.keepalived;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * One failover provider's configuration: a {@code failover_provider TYPE { key value ... }} block of a
 * {@code vrrp_instance} (vrrp4j's extension), or the block of type {@code exec} the reader builds from
 * an instance's or sync group's notify scripts. Values are raw strings; the provider validates keys
 * and values when it is created, not the reader. Its line is in {@link KeepalivedConfig#locations()}.
 *
 * @param type   the provider's name ({@code exec}, {@code netcup}, ...)
 * @param values keys and values in file order (unmodifiable)
 */
public record ProviderBlock(String type, Map<String, String> values) {

    /** The provider type the reader gives notify scripts. */
    public static final String EXEC = "exec";

    public ProviderBlock {
        Objects.requireNonNull(type, "type");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Whether a key's value is a secret by its name (password, token, secret, key, ...):
     * {@link #toString()} and {@link EffectiveConfig} print such values as {@code ****}. Keys that say
     * where a secret is ({@code *_file}, {@code *_env}, {@code *_path}) are not secrets themselves.
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith("_file") || k.endsWith("_env") || k.endsWith("_path")) {
            return false;
        }
        return k.contains("pass") || k.contains("secret") || k.contains("token") || k.contains("key")
                || k.contains("credential") || k.contains("auth");
    }

    /** Type, keys and values, with secret values masked. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "ProviderBlock[" + type + " {", "}]");
        values.forEach((k, v) -> j.add(k + "=" + (isSecretKey(k) ? "****" : v)));
        return j.toString();
    }
}
