package org.vrrp4j.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man pages ({@code vrrp4j(1)}, one per subcommand) and the bash completion, generated from the
 * command line's own definition at build time, so they cannot drift from what {@code --help} says.
 * picocli's own generator writes AsciiDoc, which needs Asciidoctor (a Ruby runtime) to become troff; the
 * few constructs a man page needs are rendered here directly.
 */
final class CliDocs {
    private static final String PROJECT_URL = "https://github.com/vrrp4j/vrrp4j";

    private CliDocs() {
    }

    /** {@code CliDocs OUTPUT_DIR VERSION}: writes {@code man/*.1}, {@code man-gz/*.1.gz} and {@code completion/vrrp4j}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: CliDocs OUTPUT_DIR VERSION");
        }
        write(Path.of(args[0]), args[1]);
    }

    /** Writes the pages and the completion script under {@code dir}. */
    static void write(Path dir, String version) throws IOException {
        CommandLine cli = Vrrp4j.commandLine();
        Path man = Files.createDirectories(dir.resolve("man"));
        Path gz = Files.createDirectories(dir.resolve("man-gz"));
        for (Map.Entry<String, String> page : manPages(cli, version).entrySet()) {
            byte[] troff = page.getValue().getBytes(StandardCharsets.UTF_8);
            Files.write(man.resolve(page.getKey()), troff);
            // GZIPOutputStream writes no time stamp or name: the same page gives the same bytes
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz.resolve(page.getKey() + ".gz")))) {
                out.write(troff);
            }
        }
        Path completion = Files.createDirectories(dir.resolve("completion"));
        Files.writeString(completion.resolve("vrrp4j"), AutoComplete.bash("vrrp4j", cli), StandardCharsets.UTF_8);
    }

    /** File name ({@code vrrp4j-check.1}) to troff, for the command and each subcommand but {@code help}. */
    static Map<String, String> manPages(CommandLine cli, String version) {
        Map<String, String> pages = new LinkedHashMap<>();
        collect(cli.getCommandSpec(), version, pages);
        return pages;
    }

    private static void collect(CommandSpec spec, String version, Map<String, String> pages) {
        pages.put(pageName(spec) + ".1", page(spec, version));
        for (CommandLine sub : spec.subcommands().values()) {
            if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            if (!pages.containsKey(pageName(sub.getCommandSpec()) + ".1")) { // aliases list a command twice
                collect(sub.getCommandSpec(), version, pages);
            }
        }
    }

    /** {@code vrrp4j netcup login} → {@code vrrp4j-netcup-login}. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    private static String page(CommandSpec spec, String version) {
        StringBuilder t = new StringBuilder();
        String name = pageName(spec);
        String[] description = spec.usageMessage().description();
        t.append(".TH \"").append(name.toUpperCase(java.util.Locale.ROOT)).append("\" 1 \"\" \"vrrp4j ")
                .append(esc(version)).append("\" \"vrrp4j manual\"\n");
        t.append(".SH NAME\n").append(esc(name)).append(" \\- ")
                .append(esc(description.length > 0 ? description[0] : "")).append('\n');

        t.append(".SH SYNOPSIS\n.B ").append(esc(spec.qualifiedName())).append('\n');
        for (OptionSpec o : spec.options()) {
            t.append(o.required() ? "" : "[").append("\\fB").append(esc(o.longestName())).append("\\fR");
            if (o.arity().max() > 0) {
                t.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
            }
            t.append(o.required() ? "" : "]").append('\n');
        }
        if (!spec.subcommands().isEmpty()) {
            t.append("\\fICOMMAND\\fR\n");
        }

        t.append(".SH DESCRIPTION\n");
        for (String line : description) {
            t.append(".PP\n").append(esc(line)).append('\n');
        }

        if (!spec.options().isEmpty()) {
            t.append(".SH OPTIONS\n");
            for (OptionSpec o : spec.options()) {
                List<String> names = new ArrayList<>();
                for (String n : o.names()) {
                    names.add("\\fB" + esc(n) + "\\fR");
                }
                t.append(".TP\n").append(String.join(", ", names));
                if (o.arity().max() > 0) {
                    t.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
                }
                t.append('\n').append(esc(String.join(" ", o.renderedDescription()))).append('\n');
            }
        }

        if (!spec.subcommands().isEmpty()) {
            t.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                CommandSpec sub = e.getValue().getCommandSpec();
                String[] d = sub.usageMessage().description();
                t.append(".TP\n\\fB").append(esc(e.getKey())).append("\\fR\n")
                        .append(esc(d.length > 0 ? d[0] : ""));
                if (!(sub.userObject() instanceof CommandLine.HelpCommand)) {
                    t.append(" See \\fB").append(esc(pageName(sub))).append("\\fR(1).");
                }
                t.append('\n');
            }
        }

        Map<String, String> exitCodes = spec.usageMessage().exitCodeList();
        if (!exitCodes.isEmpty()) {
            t.append(".SH EXIT STATUS\n");
            exitCodes.forEach((code, what) -> t.append(".TP\n\\fB").append(esc(code.strip())).append("\\fR\n")
                    .append(esc(what)).append('\n'));
        }

        if (spec.parent() == null) {
            t.append("""
                    .SH FILES
                    .TP
                    /etc/keepalived/keepalived.conf
                    the configuration read by default; see \\fBkeepalived.conf\\fR(5)
                    .TP
                    /lib/systemd/system/vrrp4j.service
                    the systemd unit (the .deb); a drop-in for notify scripts that need root is in the
                    distribution's systemd/vrrp4j.service.d/
                    """);
        }
        t.append(".SH SEE ALSO\n");
        List<String> seeAlso = new ArrayList<>();
        if (spec.parent() != null) {
            seeAlso.add("\\fB" + esc(pageName(spec.parent())) + "\\fR(1)");
        }
        seeAlso.add("\\fBkeepalived.conf\\fR(5)");
        seeAlso.add("\\fBkeepalived\\fR(8)");
        t.append(String.join(", ", seeAlso)).append('\n').append(".PP\n").append(esc(PROJECT_URL)).append('\n');
        return t.toString();
    }

    /** Text for troff: backslashes escaped, minus signs as {@code \-}, no line starting with a control character. */
    static String esc(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-").replace("%n", " ");
        StringBuilder out = new StringBuilder();
        for (String line : e.split("\n", -1)) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return out.toString();
    }
}
