package org.vrrp4j.daemon;

import java.util.Locale;

/**
 * The launcher's slf4j binding is slf4j-simple, configured through system properties that must be set
 * before the first logger exists: so every command calls {@link #configure} before touching a library.
 */
final class Logging {
    /** Log levels the launcher accepts. */
    enum Level { ERROR, WARN, INFO, DEBUG, TRACE }

    private Logging() {
    }

    static void configure(Level level) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level.name().toLowerCase(Locale.ROOT));
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.out");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        // JAX-WS logs through java.util.logging; keep its chatter out of the daemon's output
        java.util.logging.Logger.getLogger("com.sun.xml.ws").setLevel(java.util.logging.Level.WARNING);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
