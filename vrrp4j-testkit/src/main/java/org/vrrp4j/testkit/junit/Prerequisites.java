package org.vrrp4j.testkit.junit;

import org.junit.jupiter.api.Assumptions;

/**
 * The one rule for tests that need the machine: a missing prerequisite skips the test with the reason,
 * except under {@code CI=true}, where it fails, so CI can never pass by skipping.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** Whether this runs under CI ({@code CI=true}). */
    public static boolean underCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** Skips (or, under CI, fails) unless every prerequisite is there. */
    public static void require(Prerequisite... needed) {
        for (Prerequisite p : needed) {
            String why = p.unavailableReason();
            if (why != null) {
                unavailable(why);
            }
        }
    }

    /** Skips (or, under CI, fails) with {@code why}. */
    public static void unavailable(String why) {
        if (underCi()) {
            throw new AssertionError(why + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(why);
    }
}
