package org.vrrp4j.benchmarks;

import java.io.IOException;
import java.nio.file.Path;

/** One VRRP daemon in a lab namespace, running a keepalived.conf: keepalived itself or vrrp4j. */
interface Peer {

    /** Starts the daemon with {@code config} in namespace {@code ns}; its log goes to {@code log}. */
    void start(String ns, Path config, Path log) throws IOException, InterruptedException;

    /** kill -9: no priority-0 advert, no cleanup. */
    void kill() throws IOException, InterruptedException;

    /** The implementation's name for tables. */
    String name();

    /** Process ids to account CPU and memory to (keepalived has a parent and a VRRP child). */
    java.util.List<Long> pids() throws IOException;
}
