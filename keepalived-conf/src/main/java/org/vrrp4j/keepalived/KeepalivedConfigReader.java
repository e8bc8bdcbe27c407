package org.vrrp4j.keepalived;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads a keepalived.conf (keepalived 2.2.7 syntax, includes with globs) into a {@link KeepalivedConfig}.
 *
 * <p>What keepalived would accept with a log message (an unknown keyword, an option vrrp4j does not
 * implement, a password longer than 8 bytes), and a keyword vrrp4j reads but does not act on (see
 * {@link Keywords}), becomes a {@link ConfigWarning} with {@code file:line}.
 * What makes the file mean something other than it says (a bad value for a known keyword, a missing
 * {@code interface} or {@code virtual_router_id}, a duplicate instance, an unbalanced brace, a
 * {@code track_script} naming no script) is a {@link ConfigFileException} with {@code file:line} and the
 * rule. keepalived's defaults apply: VRRP version 2, advert_int 1 s, priority 100 (255 for
 * {@code state MASTER} without a priority), accept mode on.
 *
 * <p>The values in the result carry no source locations: {@link KeepalivedConfig#locations()} says where
 * each was configured.
 *
 * <p>vrrp4j's extension: {@code failover_provider TYPE { key value ... }} inside a {@code vrrp_instance}
 * configures a failover provider; the notify scripts of an instance become one {@code exec} provider
 * block, so existing scripts keep working.
 */
public final class KeepalivedConfigReader {
    private KeepalivedConfigReader() {
    }

    /** Reads {@code file}; environment variables come from {@link System#getenv(String)}. */
    public static KeepalivedConfig read(Path file) throws ConfigFileException {
        return read(file, System::getenv);
    }

    /**
     * Reads {@code file} and the files it includes.
     *
     * @param file the configuration file; included relative paths are relative to the including file's directory
     * @param env  environment lookup (returns null when unset); used for {@code HOSTNAME}, the default
     *             {@code router_id} before the kernel's host name
     * @throws ConfigFileException for any problem, with {@code file:line} and the rule; nothing else is thrown
     */
    public static KeepalivedConfig read(Path file, Function<String, String> env) throws ConfigFileException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(env, "env");
        try {
            return new ConfigParser(file, env).parse();
        } catch (ConfigFileException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // a reader bug must still surface as a configuration error, with no value (maybe a secret) in it
            throw new ConfigFileException(file, 0, "internal error while reading the configuration ("
                    + e.getClass().getName() + ")");
        }
    }
}
