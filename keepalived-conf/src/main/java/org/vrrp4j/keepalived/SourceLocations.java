package org.vrrp4j.keepalived;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the values of a {@link KeepalivedConfig} were configured: a side table beside the values, so that
 * the values themselves compare with {@code equals} wherever they sit in the file (a reload that only
 * moved lines changes nothing).
 *
 * <p>Keys ({@link #asMap()}) are words separated by single spaces, in the order the reader met them:
 * <ul>
 *   <li>{@code vrrp_instance NAME}, {@code vrrp_script NAME}, {@code vrrp_sync_group NAME}: the block's line;</li>
 *   <li>{@code vrrp_instance NAME KEYWORD}: the line of a keyword the instance gave (the last one if repeated;
 *       {@code auth_type} and {@code auth_pass} of its {@code authentication} block included);</li>
 *   <li>{@code global_defs KEYWORD}: the line of {@code script_user} or {@code enable_script_security};</li>
 *   <li>{@code vrrp_instance NAME providers[I]}, {@code vrrp_sync_group NAME providers[I]}: the line of the
 *       {@code I}th entry of {@link Instance#providers()} / {@link SyncGroup#providers()} (a
 *       {@code failover_provider} line, or for the {@code exec} block of notify scripts the first notify line);</li>
 *   <li>{@code vrrp_instance NAME providers[I] KEY}, {@code vrrp_sync_group NAME providers[I] KEY}: the line of
 *       one notify keyword of such an {@code exec} block ({@code notify_master}, ...).</li>
 * </ul>
 */
public final class SourceLocations {
    /** No locations: for configurations that were not read from a file. */
    public static final SourceLocations NONE = new SourceLocations(Map.of());

    private static final String INSTANCE = "vrrp_instance ";
    private static final String SCRIPT = "vrrp_script ";
    private static final String SYNC_GROUP = "vrrp_sync_group ";
    private static final String GLOBAL = "global_defs ";

    private final Map<String, SourceLocation> byKey;

    /** @param byKey locations by the keys described above; copied */
    public SourceLocations(Map<String, SourceLocation> byKey) {
        this.byKey = Collections.unmodifiableMap(new LinkedHashMap<>(byKey));
    }

    /** The {@code vrrp_instance} line of instance {@code name}. */
    public Optional<SourceLocation> instance(String name) {
        return get(INSTANCE + name);
    }

    /** The line of {@code keyword} in instance {@code name}, if the instance gave it. */
    public Optional<SourceLocation> instanceKeyword(String name, String keyword) {
        return get(INSTANCE + name + " " + keyword);
    }

    /** The line of the {@code index}th of instance {@code name}'s {@link Instance#providers()}. */
    public Optional<SourceLocation> instanceProvider(String name, int index) {
        return get(providerKey(INSTANCE + name, index));
    }

    /** The line of key {@code key} (a notify keyword) of instance {@code name}'s {@code index}th provider. */
    public Optional<SourceLocation> instanceProviderKey(String name, int index, String key) {
        return get(providerKey(INSTANCE + name, index) + " " + key);
    }

    /** The {@code vrrp_script} line of script {@code name}. */
    public Optional<SourceLocation> script(String name) {
        return get(SCRIPT + name);
    }

    /** The {@code vrrp_sync_group} line of group {@code name}. */
    public Optional<SourceLocation> syncGroup(String name) {
        return get(SYNC_GROUP + name);
    }

    /** The line of the {@code index}th of group {@code name}'s {@link SyncGroup#providers()}. */
    public Optional<SourceLocation> syncGroupProvider(String name, int index) {
        return get(providerKey(SYNC_GROUP + name, index));
    }

    /** The line of key {@code key} (a notify keyword) of group {@code name}'s {@code index}th provider. */
    public Optional<SourceLocation> syncGroupProviderKey(String name, int index, String key) {
        return get(providerKey(SYNC_GROUP + name, index) + " " + key);
    }

    /** The line of {@code keyword} in {@code global_defs} ({@code script_user}, {@code enable_script_security}). */
    public Optional<SourceLocation> global(String keyword) {
        return get(GLOBAL + keyword);
    }

    /** Every location by key, in file order; unmodifiable. */
    public Map<String, SourceLocation> asMap() {
        return byKey;
    }

    private Optional<SourceLocation> get(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    private static String providerKey(String owner, int index) {
        return owner + " providers[" + index + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceLocations s && byKey.equals(s.byKey);
    }

    @Override
    public int hashCode() {
        return byKey.hashCode();
    }

    @Override
    public String toString() {
        return "SourceLocations" + byKey;
    }

    /** What the readers fill in while they read; keys as above. */
    static final class Builder {
        private final Map<String, SourceLocation> byKey = new LinkedHashMap<>();

        void instance(String name, SourceLocation where) {
            put(INSTANCE + name, where);
        }

        void instanceKeyword(String name, String keyword, SourceLocation where) {
            put(INSTANCE + name + " " + keyword, where);
        }

        void instanceProvider(String name, int index, SourceLocation where) {
            put(providerKey(INSTANCE + name, index), where);
        }

        void instanceProviderKey(String name, int index, String key, SourceLocation where) {
            put(providerKey(INSTANCE + name, index) + " " + key, where);
        }

        void syncGroupProviderKey(String name, int index, String key, SourceLocation where) {
            put(providerKey(SYNC_GROUP + name, index) + " " + key, where);
        }

        void script(String name, SourceLocation where) {
            put(SCRIPT + name, where);
        }

        void syncGroup(String name, SourceLocation where) {
            put(SYNC_GROUP + name, where);
        }

        void syncGroupProvider(String name, int index, SourceLocation where) {
            put(providerKey(SYNC_GROUP + name, index), where);
        }

        void global(String keyword, SourceLocation where) {
            put(GLOBAL + keyword, where);
        }

        private void put(String key, SourceLocation where) {
            byKey.put(key, Objects.requireNonNull(where, key));
        }

        SourceLocations build() {
            return new SourceLocations(byKey);
        }
    }
}
