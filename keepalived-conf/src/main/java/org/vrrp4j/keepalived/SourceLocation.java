package org.vrrp4j.keepalived;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where something was configured: a file and a 1-based line number.
 *
 * @param file the file as the reader opened it (the top-level path, or an included file's path)
 * @param line 1-based line number in that file
 */
public record SourceLocation(Path file, int line) {
    public SourceLocation {
        Objects.requireNonNull(file, "file");
    }

    /** {@code file:line}, the form compilers and keepalived use. */
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
