package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man pages and the bash completion come from the command line's definition: every command has a page
 * naming each of its options, the main page names every subcommand, the completion offers them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliDocsTest {
    @TempDir
    Path dir;

    /** Every command but {@code help}, the main one first. */
    private static List<CommandSpec> commands(CommandSpec spec) {
        List<CommandSpec> all = new ArrayList<>();
        all.add(spec);
        for (CommandLine sub : spec.subcommands().values()) {
            if (!(sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand)) {
                all.addAll(commands(sub.getCommandSpec()));
            }
        }
        return all;
    }

    @Test
    void everyCommandHasAPageThatNamesEachOfItsOptions() throws Exception {
        CliDocs.write(dir, "1.2.3");
        List<CommandSpec> commands = commands(Vrrp4j.commandLine().getCommandSpec());
        assertThat(commands).extracting(CommandSpec::qualifiedName)
                .contains("vrrp4j", "vrrp4j run", "vrrp4j check", "vrrp4j status", "vrrp4j netcup", "vrrp4j netcup login",
                        "vrrp4j failover-agent");
        for (CommandSpec c : commands) {
            String name = CliDocs.pageName(c);
            Path page = dir.resolve("man").resolve(name + ".1");
            String troff = Files.readString(page);
            assertThat(troff).as(name).startsWith(".TH \"" + name.toUpperCase(java.util.Locale.ROOT) + "\" 1 ")
                    .contains("\"vrrp4j 1.2.3\"").contains(".SH NAME\n" + CliDocs.esc(name) + " \\- ")
                    .contains(".SH SYNOPSIS", ".SH DESCRIPTION");
            for (OptionSpec o : c.options()) {
                for (String n : o.names()) {
                    assertThat(troff).as(name + " " + n).contains("\\fB" + CliDocs.esc(n) + "\\fR");
                }
            }
            try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("man-gz").resolve(name + ".1.gz")))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).as("the .deb's copy").isEqualTo(troff);
            }
        }
        String check = Files.readString(dir.resolve("man/vrrp4j-check.1"));
        assertThat(check).contains("\\fB\\-\\-strict\\fR").contains(".SH EXIT STATUS").contains(".TP\n\\fB2\\fR\n");
        assertThat(check).contains("\\fB\\-f\\fR, \\fB\\-\\-use\\-file\\fR \\fIFILE\\fR")
                .as("the default value is rendered").contains("/etc/keepalived/keepalived.conf").doesNotContain("${");
        try (var files = Files.list(dir.resolve("man"))) {
            assertThat(files.count()).as("one page per command, none for help").isEqualTo(commands.size());
        }
    }

    @Test
    void theMainPageNamesEverySubcommandAndPointsToItsPage() throws Exception {
        Map<String, String> pages = CliDocs.manPages(Vrrp4j.commandLine(), "dev");
        String main = pages.get("vrrp4j.1");
        assertThat(main).contains(".SH COMMANDS", ".SH FILES", ".SH SEE ALSO");
        for (String sub : Vrrp4j.commandLine().getSubcommands().keySet()) {
            assertThat(main).as(sub).contains(".TP\n\\fB" + CliDocs.esc(sub) + "\\fR\n"); // failover\-agent
        }
        assertThat(main).contains("See \\fBvrrp4j\\-check\\fR(1).", "See \\fBvrrp4j\\-netcup\\fR(1).");
        assertThat(pages.get("vrrp4j-netcup.1")).contains("See \\fBvrrp4j\\-netcup\\-login\\fR(1).");
        assertThat(pages.get("vrrp4j-netcup-login.1")).contains("\\fBvrrp4j\\-netcup\\fR(1)");
    }

    @Test
    void theCompletionScriptOffersTheSubcommandsAndTheirOptions() throws Exception {
        CliDocs.write(dir, "dev");
        String bash = Files.readString(dir.resolve("completion/vrrp4j"));
        assertThat(bash).contains("complete -F").contains("vrrp4j");
        for (String sub : Vrrp4j.commandLine().getSubcommands().keySet()) {
            assertThat(bash).as(sub).containsPattern("commands=\"[^\"]*\\b" + sub + "\\b");
        }
        assertThat(bash).contains("--strict").contains("--use-file").contains("--token-file");
    }

    @Test
    void textThatTroffWouldReadAsARequestOrAnEscapeIsQuoted() {
        assertThat(CliDocs.esc(".not a request")).isEqualTo("\\&.not a request");
        assertThat(CliDocs.esc("'quoted")).isEqualTo("\\&'quoted");
        assertThat(CliDocs.esc("a\\b --x")).isEqualTo("a\\eb \\-\\-x");
    }
}
