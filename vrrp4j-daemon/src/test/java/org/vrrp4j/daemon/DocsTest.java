package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the operator documentation tells people to type exists: every {@code vrrp4j} command in the
 * migration guide's shell blocks parses with the real command line, and every man page the systemd unit
 * names is one the build generates.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocsTest {
    /** The module's tests run in vrrp4j-daemon/; the docs are the project's. */
    private static final Path ROOT = Path.of("..");

    /** The {@code vrrp4j ...} commands of the {@code sh} blocks, split at {@code &&}, comments removed. */
    static List<String> vrrp4jCommands(List<String> markdown) {
        List<String> commands = new ArrayList<>();
        boolean inSh = false;
        for (String line : markdown) {
            String t = line.strip();
            if (t.startsWith("```")) {
                inSh = !inSh && t.equals("```sh");
                continue;
            }
            if (!inSh) {
                continue;
            }
            for (String part : t.split("&&|;")) {
                String c = part.replaceAll("\\s+#.*$", "").strip();
                if (c.startsWith("vrrp4j ")) {
                    commands.add(c);
                }
            }
        }
        return commands;
    }

    @Test
    void everyVrrp4jCommandOfTheMigrationGuideParses() throws Exception {
        List<String> commands = vrrp4jCommands(Files.readAllLines(ROOT.resolve("docs/migrating-from-keepalived.md")));
        assertThat(commands).as("the guide's commands").hasSizeGreaterThanOrEqualTo(5)
                .anySatisfy(c -> assertThat(c).startsWith("vrrp4j check --strict"))
                .anySatisfy(c -> assertThat(c).startsWith("vrrp4j status"))
                .anySatisfy(c -> assertThat(c).startsWith("vrrp4j netcup login"));
        for (String c : commands) {
            String[] args = c.substring("vrrp4j ".length()).split("\\s+");
            assertThatCode(() -> Vrrp4j.commandLine().parseArgs(args)).as(c).doesNotThrowAnyException();
        }
    }

    @Test
    void theExtractionFindsCommandsAndTheParserRefusesAMistypedOne() {
        List<String> found = vrrp4jCommands(List.of("```sh", "vrrp4j check -f x   # a comment",
                "systemctl stop a && vrrp4j status", "```", "vrrp4j run outside a block"));
        assertThat(found).containsExactly("vrrp4j check -f x", "vrrp4j status");
        assertThatCode(() -> Vrrp4j.commandLine().parseArgs("check", "--strikt"))
                .isInstanceOf(picocli.CommandLine.ParameterException.class);
    }

    @Test
    void theUnitDocumentsTheGeneratedManPagesAndTheProject() throws Exception {
        String unit = Files.readString(Path.of("src/dist/systemd/vrrp4j.service"));
        Matcher doc = Pattern.compile("(?m)^Documentation=(.*)$").matcher(unit);
        assertThat(doc.find()).as("Documentation= in [Unit]").isTrue();
        List<String> refs = Arrays.asList(doc.group(1).strip().split("\\s+"));
        assertThat(refs).contains("man:vrrp4j(1)", "https://github.com/vrrp4j/vrrp4j");
        var pages = CliDocs.manPages(Vrrp4j.commandLine(), "dev").keySet();
        for (String ref : refs) {
            if (ref.startsWith("man:")) {
                String page = ref.substring(4).replace("(1)", ".1");
                assertThat(pages).as(ref).contains(page);
            }
        }
    }

    @Test
    void theRootScriptsDropInIsAServiceSectionThatRunsAsRoot() throws Exception {
        String dropIn = Files.readString(Path.of("src/dist/systemd/vrrp4j.service.d/root-scripts.conf"));
        List<String> settings = dropIn.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(settings.getFirst()).isEqualTo("[Service]");
        assertThat(settings).contains("DynamicUser=no", "User=root")
                .as("the unit's bounding set is reset before the wider one").containsSubsequence(
                        "CapabilityBoundingSet=", "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN CAP_CHOWN "
                                + "CAP_DAC_OVERRIDE CAP_FOWNER CAP_KILL CAP_SETUID CAP_SETGID CAP_SYS_ADMIN");
        assertThat(dropIn).contains("NOT enabled by default");
    }
}
