package org.vrrp4j.daemon.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The daemon's SLF4J 2 binding, found by {@code ServiceLoader}: one line per event on standard output,
 * with the sd-daemon level prefix when standard output is systemd-journald's stream (see
 * {@link DaemonLog}). Replaces slf4j-simple, which cannot write that prefix.
 */
public final class DaemonLogProvider implements SLF4JServiceProvider {
    private final ILoggerFactory loggers = DaemonLog::logger;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** For {@code ServiceLoader}. */
    public DaemonLogProvider() {
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up: the level and the output format are read when each line is written
    }
}
