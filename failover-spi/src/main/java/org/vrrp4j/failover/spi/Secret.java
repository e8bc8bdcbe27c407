package org.vrrp4j.failover.spi;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A secret value (password, token). {@link #toString()} never shows it; only {@link #reveal()} does,
 * at the one place that puts it on the wire.
 */
public final class Secret {
    private final String value;
    private final String origin;

    private Secret(String value, String origin) {
        this.value = Objects.requireNonNull(value, "value");
        this.origin = Objects.requireNonNull(origin, "origin");
    }

    /** A secret with a description of where it came from (shown instead of the value). */
    public static Secret of(String value, String origin) {
        return new Secret(value, origin);
    }

    /** The secret itself. Do not log it. */
    public String reveal() {
        return value;
    }

    /** Where it came from, e.g. {@code "env NETCUP_PASSWORD"} or {@code "file /etc/vrrp4j/netcup.pass"}. */
    public String origin() {
        return origin;
    }

    /** Whether the value is empty. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 1;
    }

    @Override
    public String toString() {
        return "Secret[****, from " + origin + "]";
    }
}
