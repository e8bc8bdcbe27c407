package org.vrrp4j.daemon;

/** The daemon cannot start or a command cannot run: the message says what and where. */
final class LaunchException extends Exception {
    LaunchException(String message) {
        super(message);
    }

    LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
