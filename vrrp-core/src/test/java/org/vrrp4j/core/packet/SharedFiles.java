package org.vrrp4j.core.packet;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the project's {@code ../shared} directory (conformance captures). Absent: the test is
 * skipped with a message, except with {@code CI=true}, where it fails so CI cannot pass silently.
 */
final class SharedFiles {
    private SharedFiles() {
    }

    static Path require(String relative) {
        String env = System.getenv("VRRP4J_SHARED");
        Path[] candidates = {
                env == null ? null : Path.of(env),
                Path.of("..", "..", "shared"),  // from a module directory
                Path.of("..", "shared"),        // from the repository root
        };
        for (Path base : candidates) {
            if (base != null && Files.isRegularFile(base.resolve(relative))) {
                return base.resolve(relative);
            }
        }
        String msg = "shared file " + relative + " not found (expected ../shared beside the repository)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(msg + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(msg);
        return null;
    }
}
