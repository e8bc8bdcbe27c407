package org.vrrp4j.keepalived;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Something in the file that vrrp4j read but does not act on, or changed as keepalived would
 * (an unknown keyword, an unsupported option, a truncated password...). keepalived logs the same
 * situations and starts anyway; so does vrrp4j.
 *
 * @param file    the file
 * @param line    1-based line
 * @param message what was ignored or changed, and why; never contains a secret
 */
public record ConfigWarning(Path file, int line, String message) {
    public ConfigWarning {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /** {@code file:line: message}. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
