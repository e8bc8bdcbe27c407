package org.vrrp4j.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's {@code shared} directory beside the repository (the tutorial, conformance captures). */
public final class SharedFiles {
    private SharedFiles() {
    }

    /**
     * {@code VRRP4J_SHARED} when set (the parent POM passes it to every test), else the {@code shared}
     * directory beside the first parent that holds {@code mvnw}.
     */
    public static Path dir() {
        String env = System.getenv("VRRP4J_SHARED");
        if (env != null && !env.isBlank() && Files.isDirectory(Path.of(env))) {
            return Path.of(env);
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolveSibling("shared"))) {
                return p.resolveSibling("shared");
            }
        }
        return here.resolve("../shared").normalize();
    }
}
