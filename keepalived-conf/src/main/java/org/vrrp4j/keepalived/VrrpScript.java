package org.vrrp4j.keepalived;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code vrrp_script} block: a check command that instances track with {@code track_script}. Its line is
 * in {@link KeepalivedConfig#locations()}.
 *
 * @param name     the block's name
 * @param script   the command line (keepalived's first argument of {@code script}, quotes removed; split
 *                 into words by whoever runs it, with quotes grouping words)
 * @param interval seconds between runs (default 1 s)
 * @param timeout  a run longer than this fails (default: the interval)
 * @param weight   priority change, -253..253 (default 0: failure means FAULT)
 * @param rise     successes needed to count as up (default 1)
 * @param fall     failures needed to count as down (default 1)
 * @param user     the user to run as (keepalived {@code user}); empty means {@code script_user}'s
 */
public record VrrpScript(String name, String script, Duration interval, Duration timeout,
        int weight, int rise, int fall, Optional<String> user) {
    public VrrpScript {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(user, "user");
    }
}
