package org.vrrp4j.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An oracle for the scenario files' timings, independent of the code under test: every {@code arm} line's
 * deadline is recomputed here from the RFCs' formulas and the scenario's own inputs, so a file rewritten with
 * {@code -Dvrrp4j.rewrite=true} from a wrong state machine cannot bless wrong times.
 *
 * <ul>
 *   <li>{@code arm ADVERT}: the input's time plus the router's own Advertisement_Interval; when the input is
 *       the Adver_Timer firing late, its deadline plus the interval is allowed too (vrrp4j keeps the cadence
 *       instead of drifting by each late wake-up);</li>
 *   <li>{@code arm MASTER_DOWN}: the input's time plus Master_Down_Interval = 3 × Master_Adver_Interval +
 *       Skew_Time, or plus Skew_Time alone (after a priority 0, RFC 9568 §6.4.2). Skew_Time is
 *       ((256 − Priority) × Master_Adver_Interval) / 256 in VRRPv3 (§6.1) and (256 − Priority) / 256 s in
 *       VRRPv2 (RFC 3768 §6.1); Master_Adver_Interval is the router's own or, for a v3 backup, the one in the
 *       last advert it heard (§6.4.2).</li>
 * </ul>
 *
 * A timer armed during keepalived's {@code vrrp_startup_delay} ({@code start ... delay=}) counts from the
 * delay's end; an owner, a backup during the delay, takes over right at its end.
 * Routers with trackers or a {@code preempt_delay} are left out (their priority and deadlines follow rules
 * of keepalived's that this oracle does not restate); the test says how many lines it checked and skipped.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScenarioTimingOracleTest {
    private static final Path DIR = Path.of("src/test/resources/scenarios");
    private static final double EPSILON_MS = 1e-6;

    /** What the oracle knows of one router. */
    private static final class Router {
        boolean v2;
        int priority;
        double intervalMs;
        Double heardIntervalMs;
        Double armedAdvertAt;
        Double startupDelayEndsAt;
        boolean skipped;
    }

    @Test
    void everyArmedDeadlineIsTheRfcsFormulaOfTheScenariosOwnInputs() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        int checked = 0;
        int skipped = 0;
        List<String> wrong = new ArrayList<>();
        for (Path f : files) {
            Map<String, Router> routers = new HashMap<>();
            double inputAt = 0;
            boolean advertTimerInput = false;
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n).strip();
                String[] w = line.split("\\s+");
                if (line.startsWith("router ")) {
                    routers.put(w[1], router(w));
                } else if (line.startsWith("> ")) {
                    inputAt = Double.parseDouble(line.substring(line.lastIndexOf('@') + 1));
                    Router r = routers.get(w[1]);
                    Map<String, String> kv = keyValues(w);
                    advertTimerInput = "timer".equals(w[2]) && "ADVERT".equals(kv.get("kind"));
                    if (r != null && "advert".equals(w[2]) && kv.containsKey("interval") && !kv.containsKey("version")) {
                        // v3 carries centiseconds, v2 seconds
                        r.heardIntervalMs = Double.parseDouble(kv.get("interval")) * (r.v2 ? 1_000 : 10);
                    }
                    if (r != null && "start".equals(w[2]) && kv.containsKey("delay")) {
                        r.startupDelayEndsAt = inputAt + millis(kv.get("delay"));
                    }
                    if (r != null && "priority".equals(w[2])) {
                        r.priority = Integer.parseInt(kv.get("base"));
                    }
                } else if (line.startsWith("< ") && w.length >= 5 && "arm".equals(w[2])) {
                    Router r = routers.get(w[1]);
                    if (r == null || r.skipped) {
                        skipped++;
                        continue;
                    }
                    double at = Double.parseDouble(w[4].substring(1));
                    double delta = at - inputAt;
                    List<Double> allowed = allowed(w[3], r);
                    if ("MASTER_DOWN".equals(w[3]) && r.startupDelayEndsAt != null && inputAt < r.startupDelayEndsAt) {
                        // keepalived's vrrp_startup_delay: a timer armed during the delay counts from its end, and
                        // an owner (which starts as a backup then) takes over right at the end
                        double shift = r.startupDelayEndsAt - inputAt;
                        allowed = new ArrayList<>(allowed.stream().map(a -> a + shift).toList());
                        if (r.priority == 255) {
                            allowed.add(shift);
                        }
                    }
                    if ("ADVERT".equals(w[3]) && advertTimerInput && r.armedAdvertAt != null) {
                        allowed.add(r.armedAdvertAt + r.intervalMs - inputAt); // the cadence kept from the deadline
                    }
                    if ("ADVERT".equals(w[3])) {
                        r.armedAdvertAt = at;
                    }
                    checked++;
                    if (allowed.stream().noneMatch(a -> Math.abs(a - delta) < EPSILON_MS)) {
                        wrong.add(f.getFileName() + ":" + (n + 1) + ": " + line + " is " + delta + " ms after its input; the RFC gives "
                                + allowed);
                    }
                }
            }
        }
        System.out.printf("ScenarioTimingOracleTest: %d armed deadlines checked against the formulas, %d left out%n", checked, skipped);
        assertThat(wrong).as("deadlines that are not the RFC's").isEmpty();
        assertThat(checked).as("the oracle checked the files, not nothing").isGreaterThan(50);
    }

    private static Router router(String[] w) {
        Map<String, String> kv = keyValues(w);
        Router r = new Router();
        r.v2 = "2".equals(kv.get("version"));
        r.priority = Integer.parseInt(kv.getOrDefault("prio", "100"));
        String interval = kv.getOrDefault("interval", "100cs");
        r.intervalMs = interval.endsWith("cs") ? Double.parseDouble(interval.substring(0, interval.length() - 2)) * 10
                : Double.parseDouble(interval.substring(0, interval.length() - 1)) * 1_000;
        r.skipped = kv.containsKey("tracker") || kv.containsKey("preempt_delay");
        return r;
    }

    private static double millis(String duration) {
        return duration.endsWith("ms") ? Double.parseDouble(duration.substring(0, duration.length() - 2))
                : Double.parseDouble(duration.substring(0, duration.length() - 1)) * 1_000;
    }

    private static Map<String, String> keyValues(String[] words) {
        Map<String, String> kv = new HashMap<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                kv.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return kv;
    }

    /** The deadlines' distances from their input that the RFC allows for a timer of {@code kind}. */
    private static List<Double> allowed(String kind, Router r) {
        List<Double> out = new ArrayList<>();
        if ("ADVERT".equals(kind)) {
            out.add(r.intervalMs);
            return out;
        }
        List<Double> intervals = new ArrayList<>(List.of(r.intervalMs));
        if (r.heardIntervalMs != null && !r.v2) {
            intervals.add(r.heardIntervalMs);
        }
        for (double interval : intervals) {
            double skew = r.v2 ? (256 - r.priority) * 1_000.0 / 256 : (256 - r.priority) * interval / 256;
            out.add(3 * interval + skew); // Master_Down_Interval
            out.add(skew); // after a priority 0
        }
        return out;
    }
}
