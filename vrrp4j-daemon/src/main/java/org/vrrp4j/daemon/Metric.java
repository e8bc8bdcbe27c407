package org.vrrp4j.daemon;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One metric, defined once: its Prometheus name, type and help, the scope it belongs to, where it sits
 * in {@code /status}'s JSON, and how its samples are read from a {@link Daemon.Snapshot}. Both
 * {@code /metrics} and {@code /status} are rendered from the same definitions ({@link MetricTable}),
 * so they cannot drift apart.
 *
 * @param name     the Prometheus name
 * @param type     the Prometheus type
 * @param help     the HELP text
 * @param scope    what one sample describes; its labels come first
 * @param jsonPath where the value sits in the scope's JSON object ({@code counters.advertisementsSent});
 *                 further labels ({@code reason}) nest below it by value
 * @param samples  the samples of a snapshot
 */
record Metric(String name, Type type, String help, Scope scope, String jsonPath,
        Function<Daemon.Snapshot, List<Sample>> samples) {

    Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(samples, "samples");
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("not a Prometheus metric name: " + name);
        }
    }

    /** Prometheus types used here. */
    enum Type {
        GAUGE, COUNTER, HISTOGRAM;

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a sample describes; the scope's labels identify the JSON object it belongs to.
     * {@code NONE}: the metric is not in {@code /status} (keepalived_exporter's names).
     */
    enum Scope {
        DAEMON(List.of()),
        ROUTER(List.of("router", "vrid", "interface")),
        SYNC_GROUP(List.of("group")),
        INTERFACE(List.of("interface")),
        BINDING(List.of("router", "resource", "provider")),
        NONE(List.of());

        final List<String> labels;

        Scope(List<String> labels) {
            this.labels = labels;
        }
    }

    /** A sample's value. */
    sealed interface Value {
    }

    /** A plain number. */
    record Num(double value) implements Value {
    }

    /** A yes/no: 1 or 0 in Prometheus, true or false in JSON. */
    record Flag(boolean value) implements Value {
    }

    /** A state: its number in Prometheus (the help lists them), its name in JSON. */
    record Named(int number, String name) implements Value {
    }

    /** An info metric: value 1 in Prometheus, its labels as an object in JSON. */
    record Info() implements Value {
    }

    /** A histogram: cumulative bucket counts (upper bounds {@code bounds}, then +Inf), sum and count. */
    record Buckets(double[] bounds, long[] cumulative, double sum, long count) implements Value {
        Buckets {
            if (cumulative.length != bounds.length + 1) {
                throw new IllegalArgumentException("one count per bound and +Inf");
            }
            bounds = bounds.clone();
            cumulative = cumulative.clone();
        }
    }

    /** One sample: labels in order (the scope's first) and its value. */
    record Sample(Map<String, String> labels, Value value) {
        Sample {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
            Objects.requireNonNull(value, "value");
        }

        static Sample of(Map<String, String> labels, long value) {
            return new Sample(labels, new Num(value));
        }
    }

    /** Labels in the order given: name, value, name, value, ... */
    static Map<String, String> labels(String... nameValue) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put(nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    /** Labels that extend {@code base}. */
    static Map<String, String> labels(Map<String, String> base, String... nameValue) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.putAll(labels(nameValue));
        return m;
    }
}
