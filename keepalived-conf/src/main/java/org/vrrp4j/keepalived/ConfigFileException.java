package org.vrrp4j.keepalived;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The configuration file cannot be used: a known keyword with a bad value, a missing required
 * keyword, an unbalanced brace, an unreadable or cyclic include. The message is
 * {@code <file>:<line>: <rule>}; it never contains a secret.
 */
public final class ConfigFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String rule;

    /**
     * @param file the file with the error
     * @param line 1-based line of the error (0 when the file itself is the problem, e.g. unreadable)
     * @param rule what is wrong, in words, naming the keyword
     */
    public ConfigFileException(Path file, int line, String rule) {
        super(file + ":" + line + ": " + rule);
        this.file = Objects.requireNonNull(file, "file");
        this.line = line;
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    ConfigFileException(SourceLocation where, String rule) {
        this(where.file(), where.line(), rule);
    }

    /** The file with the error. */
    public Path file() {
        return file;
    }

    /** 1-based line number of the error. */
    public int line() {
        return line;
    }

    /** The rule that was broken, without the location. */
    public String rule() {
        return rule;
    }
}
