package org.vrrp4j.keepalived;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Turns a keepalived.conf and its includes into logical lines, the way keepalived 2.2.7's
 * {@code lib/parser.c} does ({@code read_line}, {@code decomment}, {@code alloc_strvec}):
 *
 * <ul>
 *   <li>leading whitespace goes; a {@code #} or {@code !} outside double quotes starts a comment (anywhere
 *       on the line, not only at a word start); {@code \#} and {@code \!} outside quotes are literal;</li>
 *   <li>there is no general line continuation (keepalived keeps a trailing {@code \} only for its
 *       multi-line {@code $NAME} definitions, which vrrp4j does not support);</li>
 *   <li>each {@code {} and {@code }} outside double quotes is a line of its own, so
 *       {@code authentication { auth_type PASS }} is four lines with one line number;</li>
 *   <li>words are split at whitespace; a double-quoted string is one word without its quotes
 *       (no escapes: that is keepalived's rule for ordinary keywords);</li>
 *   <li>{@code include PATTERN} (anywhere, also inside blocks) splices the files a glob pattern matches,
 *       in sorted order, relative to the including file's directory.</li>
 * </ul>
 */
final class ConfigLexer {
    /** Nesting limit for includes; deeper is almost certainly a mistake keepalived would also choke on. */
    private static final int MAX_INCLUDE_DEPTH = 32;

    /** One logical line: words, or a lone brace. {@code text} is the decommented segment. */
    record Line(SourceLocation where, String text, List<String> words) {
        boolean isOpen() {
            return text.equals("{");
        }

        boolean isClose() {
            return text.equals("}");
        }

        String keyword() {
            return words.getFirst();
        }

        int size() {
            return words.size();
        }
    }

    private final List<ConfigWarning> warnings;
    private final List<Line> out = new ArrayList<>();
    private final Deque<Path> including = new ArrayDeque<>();

    /** keepalived's config_id (its {@code -i}, default the host's name up to the first dot), for {@code @ID} lines. */
    private final String configId;

    private ConfigLexer(List<ConfigWarning> warnings, String configId) {
        this.warnings = warnings;
        this.configId = configId;
    }

    /** The logical lines of {@code file} with its includes spliced in. */
    static List<Line> lex(Path file, List<ConfigWarning> warnings) throws ConfigFileException {
        return lex(file, warnings, null);
    }

    /**
     * {@link #lex(Path, List)} with keepalived's config_id: a line {@code @ID rest} is {@code rest} when ID is
     * the config_id and nothing otherwise; {@code @^ID rest} the reverse (keepalived's {@code read_line}).
     *
     * @param configId the config_id, or null when there is none (every {@code @ID} line is then dropped)
     */
    static List<Line> lex(Path file, List<ConfigWarning> warnings, String configId) throws ConfigFileException {
        ConfigLexer lexer = new ConfigLexer(warnings, configId);
        if (!Files.isRegularFile(file)) {
            throw new ConfigFileException(file, 0, Files.exists(file) ? "not a regular file" : "file not found");
        }
        lexer.lexFile(file, null);
        return lexer.out;
    }

    private void lexFile(Path file, SourceLocation includedFrom) throws ConfigFileException {
        Path real;
        String content;
        try {
            real = file.toRealPath();
            content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            String why = "cannot read " + file + " (" + e.getClass().getSimpleName() + ")";
            throw includedFrom == null ? new ConfigFileException(file, 0, why) : new ConfigFileException(includedFrom, why);
        }
        if (including.contains(real)) {
            throw new ConfigFileException(includedFrom, "include cycle: " + file + " is already being read");
        }
        if (including.size() >= MAX_INCLUDE_DEPTH) {
            throw new ConfigFileException(includedFrom, "includes nested deeper than " + MAX_INCLUDE_DEPTH);
        }
        including.push(real);
        String[] rawLines = content.split("\r?\n|\r", -1);
        for (int i = 0; i < rawLines.length; i++) {
            SourceLocation where = new SourceLocation(file, i + 1);
            String text = decomment(rawLines[i], where);
            if (text.startsWith("@")) {
                text = conditional(text);
            }
            if (text.isEmpty()) {
                continue;
            }
            String includePattern = includePattern(text);
            if (includePattern != null) {
                include(file, includePattern, where);
                continue;
            }
            char c = text.charAt(0);
            int substitution = braceOutsideQuotes(text);
            if (substitution > 0 && text.charAt(substitution) == '{' && text.charAt(substitution - 1) == '$') {
                throw new ConfigFileException(where, "keepalived's ${NAME} parameter substitution is not supported by"
                        + " vrrp4j; write the value out");
            }
            if (c == '$' || c == '~') {
                throw new ConfigFileException(where, "keepalived's " + (c == '$' ? "$NAME parameter definitions"
                        : "~SEQ/~LST sequences")
                        + " are not supported by vrrp4j; write the configuration out");
            }
            splitAtBraces(text, where);
        }
        including.pop();
    }

    /** An {@code @ID rest} / {@code @^ID rest} line: {@code rest} when it applies to this config_id, else empty. */
    private String conditional(String text) {
        boolean reverse = text.startsWith("@^");
        int from = reverse ? 2 : 1;
        int end = from;
        while (end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != '\t') {
            end++;
        }
        if (end == text.length()) {
            return ""; // nothing after the id: keepalived drops the line
        }
        boolean matches = configId != null && text.substring(from, end).equals(configId);
        return matches != reverse ? text.substring(end).strip() : "";
    }

    /**
     * keepalived's {@code decomment}: strips leading/trailing blanks and the comment, keeps quoted text
     * as it is, turns {@code \#}/{@code \!} outside quotes into {@code #}/{@code !}.
     */
    private static String decomment(String raw, SourceLocation where) throws ConfigFileException {
        String s = raw.stripLeading();
        StringBuilder sb = new StringBuilder(s.length());
        boolean quote = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quote = !quote;
                sb.append(c);
            } else if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (!quote && (n == '#' || n == '!')) {
                    sb.append(n);
                } else {
                    sb.append(c).append(n);
                }
                i++;
            } else if (!quote && (c == '#' || c == '!')) {
                break;
            } else {
                sb.append(c);
            }
        }
        if (quote) {
            throw new ConfigFileException(where, "unterminated double quote");
        }
        return sb.toString().strip();
    }

    /** The pattern of an {@code include} line (also keepalived's includer/includem/... forms), else null. */
    private static String includePattern(String text) {
        if (!text.startsWith("include") || text.length() < 8) {
            return null;
        }
        int at;
        if (isBlank(text.charAt(7))) {
            at = 8;
        } else if ("rmwba".indexOf(text.charAt(7)) >= 0 && text.length() > 8 && isBlank(text.charAt(8))) {
            at = 9;
        } else {
            return null;
        }
        String p = text.substring(at).strip();
        if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
            p = p.substring(1, p.length() - 1);
        }
        return p;
    }

    private void include(Path includer, String pattern, SourceLocation where) throws ConfigFileException {
        if (pattern.isEmpty()) {
            throw new ConfigFileException(where, "include needs a file name or glob pattern");
        }
        boolean wildcard = hasWildcard(pattern);
        List<Path> files;
        try {
            files = glob(includer.getParent() == null ? Path.of("") : includer.getParent(), pattern);
        } catch (IOException | RuntimeException e) {
            throw new ConfigFileException(where, "include " + pattern + ": cannot list files ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (files.isEmpty()) {
            if (wildcard) {
                warnings.add(new ConfigWarning(where.file(), where.line(), "include " + pattern + ": no files match"));
                return;
            }
            throw new ConfigFileException(where, "include " + pattern + ": file not found");
        }
        for (Path f : files) {
            lexFile(f, where);
        }
    }

    private static boolean hasWildcard(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[{".indexOf(s.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * POSIX-glob-like expansion, one path segment at a time: a {@code *} does not cross {@code /} and does
     * not match a leading dot; results are regular files, sorted. Relative patterns start at the
     * including file's directory ({@code displayDir} keeps the paths in messages relative like the input).
     */
    private static List<Path> glob(Path displayDir, String pattern) throws IOException {
        Path start = pattern.startsWith("/") ? Path.of("/") : displayDir;
        List<Path> current = List.of(start);
        for (String segment : pattern.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            List<Path> next = new ArrayList<>();
            if (!hasWildcard(segment)) {
                for (Path c : current) {
                    next.add(c.resolve(segment));
                }
            } else {
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + segment);
                for (Path c : current) {
                    Path listDir = c.toString().isEmpty() ? Path.of(".") : c;
                    if (!Files.isDirectory(listDir)) {
                        continue;
                    }
                    List<Path> found = new ArrayList<>();
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(listDir)) {
                        for (Path p : ds) {
                            String name = p.getFileName().toString();
                            if (name.startsWith(".") && !segment.startsWith(".")) {
                                continue;
                            }
                            if (m.matches(Path.of(name))) {
                                found.add(c.resolve(name));
                            }
                        }
                    }
                    found.sort(Comparator.comparing(Path::toString));
                    next.addAll(found);
                }
            }
            current = next;
        }
        List<Path> files = new ArrayList<>();
        for (Path p : current) {
            if (Files.isRegularFile(p)) {
                files.add(p.normalize());
            }
        }
        return files;
    }

    /** keepalived's {@code read_line} brace handling: every brace outside quotes becomes its own line. */
    private void splitAtBraces(String text, SourceLocation where) {
        String rest = text;
        while (!rest.isEmpty()) {
            char c = rest.charAt(0);
            if (c == '{' || c == '}') {
                emit(String.valueOf(c), where);
                rest = rest.substring(1).strip();
                continue;
            }
            int brace = braceOutsideQuotes(rest);
            if (brace < 0) {
                emit(rest.strip(), where);
                return;
            }
            emit(rest.substring(0, brace).strip(), where);
            rest = rest.substring(brace);
        }
    }

    private static int braceOutsideQuotes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '}') {
                return i;
            }
            if (c == '"') {
                int close = s.indexOf('"', i + 1);
                if (close < 0) {
                    return -1;
                }
                i = close;
            }
        }
        return -1;
    }

    private void emit(String segment, SourceLocation where) {
        if (segment.isEmpty()) {
            return;
        }
        out.add(new Line(where, segment, words(segment)));
    }

    /** keepalived's {@code alloc_strvec}: whitespace-separated words; "..." is one word without the quotes. */
    static List<String> words(String s) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && isBlank(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            if (s.charAt(i) == '"') {
                int close = s.indexOf('"', i + 1);
                if (close < 0) {
                    // decomment() already refused lines with an odd number of unescaped quotes; what is left
                    // is an escaped quote that only script lines (quotedEscapedWords) give a meaning to
                    words.add(s.substring(i + 1));
                    break;
                }
                words.add(s.substring(i + 1, close));
                i = close + 1;
            } else {
                int start = i;
                while (i < n && !isBlank(s.charAt(i)) && s.charAt(i) != '"') {
                    i++;
                }
                words.add(s.substring(start, i));
            }
        }
        return words;
    }

    /**
     * keepalived's {@code alloc_strvec_quoted_escaped}, used for script command lines: single and double
     * quotes group (and may join) text, backslash escapes work ({@code \n}, {@code \t}, {@code \xHH},
     * octal, {@code \"} ...).
     */
    static List<String> quotedEscapedWords(String s, SourceLocation where) throws ConfigFileException {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && isBlank(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder w = new StringBuilder();
            char quote = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (c == '\\') {
                    i++;
                    if (i >= n) {
                        throw new ConfigFileException(where, "a '\\' at the end of a script line escapes nothing");
                    }
                    char e = s.charAt(i);
                    if (e == 'x' && i + 1 < n && Character.digit(s.charAt(i + 1), 16) >= 0) {
                        int v = 0;
                        i++;
                        while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
                            v = ((v << 4) | Character.digit(s.charAt(i), 16)) & 0xff;
                            i++;
                        }
                        w.append((char) v);
                    } else if (e == 'c' && i + 1 < n) {
                        w.append((char) (s.charAt(i + 1) & 0x1f));
                        i += 2;
                    } else if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        i++;
                        for (int k = 0; k < 2 && i < n && s.charAt(i) >= '0' && s.charAt(i) <= '7'; k++, i++) {
                            v = (v << 3) + (s.charAt(i) - '0');
                        }
                        w.append((char) (v & 0xff));
                    } else {
                        w.append(switch (e) {
                            case 'a' -> '\u0007';
                            case 'b' -> '\b';
                            case 'E' -> '\u001b';
                            case 'f' -> '\f';
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'v' -> '\u000b';
                            default -> e;
                        });
                        i++;
                    }
                } else if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        w.append(c);
                    }
                    i++;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                    i++;
                } else if (isBlank(c)) {
                    break;
                } else {
                    w.append(c);
                    i++;
                }
            }
            if (quote != 0) {
                throw new ConfigFileException(where, "missing terminating " + quote);
            }
            words.add(w.toString());
        }
        return words;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r' || c == '\u000b';
    }
}
