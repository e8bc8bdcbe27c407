package org.vrrp4j.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;

/**
 * The JDK AOT cache bin/vrrp4j hands the daemon's JVM ({@code -XX:AOTCache}, named in the system property
 * {@value #PROPERTY}). A cache the JVM could not map (cut short while it was written, made by another
 * runtime) leaves the JVM running without any class sharing at all, slower than with no cache; it is
 * removed here, so the next start makes a new one.
 */
final class AotCache {
    static final String PROPERTY = "vrrp4j.aot.cache";

    private AotCache() {
    }

    /** Checks this JVM: removes the cache it was given when it runs without class sharing. */
    static void discardIfUnused(Logger log) {
        String cache = System.getProperty(PROPERTY);
        if (cache != null && !cache.isBlank()) {
            discardIfUnused(Path.of(cache), System.getProperty("java.vm.info", ""), log);
        }
    }

    /**
     * Removes {@code cache} when {@code vmInfo} (the {@code java.vm.info} property: "mixed mode, sharing"
     * with an archive mapped) says the JVM shares no classes; returns whether it did.
     */
    static boolean discardIfUnused(Path cache, String vmInfo, Logger log) {
        if (vmInfo.contains("sharing")) {
            return false;
        }
        try {
            Files.deleteIfExists(cache);
            log.warn("the AOT cache {} could not be used (the JVM said why above); removed it, the next start makes"
                    + " a new one", cache);
            return true;
        } catch (IOException e) {
            log.warn("the AOT cache {} could not be used and could not be removed: {}", cache, e.toString());
            return false;
        }
    }
}
