package org.vrrp4j.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code docs/conformance.md} names, for each checklist row, the tests that check it. This fails when a
 * row names a test method or scenario file that does not exist in the repository's sources (a renamed
 * or deleted test would otherwise leave the document claiming coverage it no longer has), when a status
 * is not covered/partly/open, when an open row names tests or a covered one none, or when the counts
 * line disagrees with the table.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConformanceChecklistTest {
    /** The repository root: the tests run in the module's directory. */
    private static final Path ROOT = Path.of("..");
    private static final Path DOC = ROOT.resolve("docs/conformance.md");
    private static final Pattern METHOD_REF = Pattern.compile("([a-z0-9][a-z0-9-]*): ([A-Z][A-Za-z0-9_]*)#([a-z][A-Za-z0-9_]*)");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern COUNTS = Pattern.compile("Counts: covered (\\d+), partly (\\d+), open (\\d+)\\.");
    private static final Pattern TEST_ANNOTATION = Pattern.compile(
            "@(Test|ParameterizedTest|FuzzTest|RepeatedTest|TestFactory|TestTemplate)\\b");

    record Row(int line, String id, String status, List<String> tests) {
    }

    static List<Row> rows(List<String> lines) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (!l.startsWith("|") || l.startsWith("|---") || l.startsWith("| id ")) {
                continue;
            }
            String[] cells = l.substring(1, l.length() - 1).split("(?<!\\\\)\\|", -1);
            if (cells.length != 4) {
                throw new AssertionError("conformance.md:" + (i + 1) + ": a row has 4 cells (id, requirement, status, tests), got "
                        + cells.length + ": " + l);
            }
            List<String> tests = new ArrayList<>();
            Matcher m = CODE.matcher(cells[3]);
            while (m.find()) {
                tests.add(m.group(1));
            }
            rows.add(new Row(i + 1, cells[0].strip(), cells[2].strip(), tests));
        }
        return rows;
    }

    /** Why {@code ref} names nothing in the repository, or empty when it names a test or a scenario file. */
    static Optional<String> missing(String ref) throws IOException {
        Matcher m = METHOD_REF.matcher(ref);
        if (m.matches()) {
            Path tests = ROOT.resolve(m.group(1)).resolve("src/test/java");
            if (!Files.isDirectory(tests)) {
                return Optional.of("no module " + m.group(1) + " with test sources");
            }
            List<Path> classes;
            try (Stream<Path> s = Files.walk(tests)) {
                classes = s.filter(p -> p.getFileName().toString().equals(m.group(2) + ".java")).toList();
            }
            if (classes.isEmpty()) {
                return Optional.of("no class " + m.group(2) + " in " + tests);
            }
            for (Path c : classes) {
                if (isTestMethod(Files.readAllLines(c), m.group(3))) {
                    return Optional.empty();
                }
            }
            return Optional.of("no test method " + m.group(3) + " in " + classes);
        }
        if (ref.startsWith("vrrp-core/src/test/resources/scenarios/") && ref.endsWith(".txt")) {
            return Files.isRegularFile(ROOT.resolve(ref)) ? Optional.empty() : Optional.of("no scenario file " + ref);
        }
        return Optional.of("neither 'module: Class#method' nor a scenario file");
    }

    /** A {@code void method(} declaration with a JUnit/Jazzer test annotation on one of the lines above it. */
    static boolean isTestMethod(List<String> source, String method) {
        Pattern decl = Pattern.compile("\\bvoid " + Pattern.quote(method) + "\\(");
        for (int i = 0; i < source.size(); i++) {
            if (decl.matcher(source.get(i)).find()) {
                for (int j = i; j >= Math.max(0, i - 4); j--) {
                    if (TEST_ANNOTATION.matcher(source.get(j)).find()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void everyTestARowNamesExistsAndTheStatusesAndCountsAgree() throws IOException {
        assertThat(DOC).as("docs/conformance.md beside the modules").isRegularFile();
        List<String> lines = Files.readAllLines(DOC);
        List<Row> rows = rows(lines);
        assertThat(rows).as("checklist rows").hasSizeGreaterThanOrEqualTo(30);

        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<String, Integer> counts = new TreeMap<>(Map.of("covered", 0, "partly", 0, "open", 0));
        for (Row r : rows) {
            String at = "conformance.md:" + r.line() + " " + r.id() + ": ";
            if (!ids.add(r.id())) {
                problems.add(at + "duplicate id");
            }
            if (!counts.containsKey(r.status())) {
                problems.add(at + "status must be covered, partly or open, got '" + r.status() + "'");
                continue;
            }
            counts.merge(r.status(), 1, Integer::sum);
            if (r.status().equals("open") && !r.tests().isEmpty()) {
                problems.add(at + "an open row names no test, got " + r.tests());
            }
            if (!r.status().equals("open") && r.tests().isEmpty()) {
                problems.add(at + r.status() + " but no test named");
            }
            for (String t : r.tests()) {
                missing(t).ifPresent(why -> problems.add(at + "`" + t + "`: " + why));
            }
        }
        assertThat(problems).as("rows naming what does not exist").isEmpty();

        Matcher c = lines.stream().map(COUNTS::matcher).filter(Matcher::find).findFirst()
                .orElseThrow(() -> new AssertionError("conformance.md has no 'Counts: covered N, partly N, open N.' line"));
        assertThat(Map.of("covered", Integer.parseInt(c.group(1)), "partly", Integer.parseInt(c.group(2)),
                "open", Integer.parseInt(c.group(3)))).as("the counts line").isEqualTo(counts);
    }

    @Test
    void theCheckCatchesAMissingMethodClassModuleOrFile() throws IOException {
        assertThat(missing("vrrp-core: ConformanceChecklistTest#everyTestARowNamesExistsAndTheStatusesAndCountsAgree")).isEmpty();
        assertThat(missing("vrrp-core: ConformanceChecklistTest#noSuchTest")).get().asString().contains("no test method");
        assertThat(missing("vrrp-core: ConformanceChecklistTest#isTestMethod")).as("a helper is not a test")
                .get().asString().contains("no test method");
        assertThat(missing("vrrp-core: NoSuchClassTest#x")).get().asString().contains("no class");
        assertThat(missing("no-such-module: CodecGoldenTest#x")).get().asString().contains("no module");
        assertThat(missing("vrrp-core/src/test/resources/scenarios/rfc9568-6.4-shutdown.txt")).isEmpty();
        assertThat(missing("vrrp-core/src/test/resources/scenarios/no-such.txt")).get().asString().contains("no scenario file");
        assertThat(missing("CodecGoldenTest")).isPresent();
        assertThat(rows(List.of("| Z1 | a \\| b | covered | `x: Y#z` `w: V#u` |"))).containsExactly(
                new Row(1, "Z1", "covered", List.of("x: Y#z", "w: V#u")));
    }
}
