package org.vrrp4j.daemon;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vrrp4j.keepalived.ConfigFileException;
import org.vrrp4j.keepalived.ConfigWarning;
import org.vrrp4j.keepalived.EffectiveConfig;
import org.vrrp4j.keepalived.Instance;
import org.vrrp4j.keepalived.KeepalivedConfig;
import org.vrrp4j.keepalived.KeepalivedConfigReader;
import org.vrrp4j.keepalived.ProviderBlock;
import org.vrrp4j.keepalived.SourceLocation;
import org.vrrp4j.keepalived.SyncGroup;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.BindingOptions;
import org.vrrp4j.failover.FailoverProviders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vrrp4j check}: like {@code keepalived -t}, validates a configuration (providers included,
 * without calling them) and prints the effective configuration; exit 0 when valid, 1 when not,
 * 2 with {@code --strict} when the file uses what vrrp4j does not run as keepalived would. A file with
 * keepalived's load balancer ({@code virtual_server}) gets a prominent notice even without
 * {@code --strict}: starting vrrp4j's unit stops keepalived, and with it that load balancer.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a keepalived.conf and print the effective configuration (defaults filled in, "
                + "secrets masked) with every warning as file:line.",
                "A file with keepalived's load balancer (virtual_server, virtual_server_group) gets a notice: "
                + "vrrp4j does not run it.",
                "With --online, every failover provider also proves its credentials and its lookup (netcup: the "
                + "login, this server and the failover IP) without moving anything, one line per provider."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the configuration is valid (with --strict: and uses only what vrrp4j supports)",
                "1:the configuration is invalid (errors as file:line)",
                "2:--strict only: valid, but uses keywords or options vrrp4j ignores, does not support or does "
                        + "not know (each listed as file:line)",
                "3:--online only: valid, but a provider's credentials or lookup failed (a FAILED line says which and why)"})
final class CheckCommand implements java.util.concurrent.Callable<Integer> {
    /** Exit status of {@code --strict} when the file uses what vrrp4j does not run as keepalived would. */
    static final int EXIT_NOT_STRICT = 2;
    /** Exit status of {@code --online} when a provider's check failed. */
    static final int EXIT_CHECK_FAILED = 3;

    /** keepalived's load-balancer blocks: whoever relies on them loses them when keepalived stops. */
    static final Set<String> LOAD_BALANCER_BLOCKS = Set.of("virtual_server", "virtual_server_group");

    @Option(names = "--strict", description = "exit 2 when the file uses a keyword or option that vrrp4j "
            + "ignores, does not support or does not know, listing each as file:line")
    boolean strict;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", defaultValue = "/etc/keepalived/keepalived.conf",
            description = "keepalived.conf to check (default: ${DEFAULT-VALUE})")
    Path file;

    @Option(names = {"-q", "--quiet"}, description = "print errors and warnings only")
    boolean quiet;

    @Option(names = "--online", description = "also have every failover provider prove its credentials and lookup "
            + "(calls the provider's API, moves nothing; netcup REST refreshes its token); prints one line per provider "
            + "instead of the effective configuration; exit 3 when one fails")
    boolean online;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Logging.configure(Logging.Level.WARN);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KeepalivedConfig config;
        try {
            config = KeepalivedConfigReader.read(file);
        } catch (ConfigFileException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
        for (ConfigWarning w : config.warnings()) {
            err.println("warning: " + w);
        }
        List<String> bindingWarnings = new ArrayList<>();
        List<String> errors = new ArrayList<>(providerErrors(config, bindingWarnings));
        // script_user, vrrp_script user, enable_script_security: decided as `run` will, for the user running check
        ScriptUsers.Resolution users = ScriptUsers.resolve(config);
        errors.addAll(users.problems());
        bindingWarnings.addAll(users.warnings());
        bindingWarnings.forEach(w -> err.println("warning: " + w));
        errors.forEach(e -> err.println("error: " + e));
        err.flush();
        if (!quiet && !online) {
            out.print(EffectiveConfig.render(config));
            out.flush();
        }
        printLoadBalancerNotice(config.warnings(), err);
        if (!errors.isEmpty()) {
            return 1;
        }
        if (online) {
            try {
                if (!OnlineCheck.run(config, out)) {
                    return EXIT_CHECK_FAILED;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EXIT_CHECK_FAILED;
            }
        }
        return strict && !printStrictFindings(config.warnings(), err) ? EXIT_NOT_STRICT : 0;
    }

    /**
     * Lists, as {@code file:line}, every warning where vrrp4j does less than keepalived would; returns
     * whether there was none.
     */
    private static boolean printStrictFindings(List<ConfigWarning> warnings, PrintWriter err) {
        List<ConfigWarning> findings = warnings.stream().filter(w -> w.kind().differsFromKeepalived()).toList();
        if (findings.isEmpty()) {
            return true;
        }
        err.println();
        err.println("strict: " + findings.size() + " line(s) that vrrp4j does not run as keepalived would:");
        for (ConfigWarning w : findings) {
            err.println("strict: " + w.file() + ":" + w.line() + ": " + label(w.kind()) + ": " + w.message());
        }
        err.flush();
        return false;
    }

    private static String label(ConfigWarning.Kind kind) {
        return switch (kind) {
            case UNKNOWN_KEYWORD -> "unknown";
            case UNSUPPORTED -> "unsupported";
            case IGNORED -> "ignored";
            case ADJUSTED -> "adjusted";
        };
    }

    /**
     * A separate, prominent block on stderr when the file holds keepalived's load balancer: the warning
     * lines alone are easy to miss, and the unit's {@code Conflicts=keepalived.service} would take the
     * load balancer down with keepalived. The exit status stays what the configuration's validity says.
     */
    private static void printLoadBalancerNotice(List<ConfigWarning> warnings, PrintWriter err) {
        List<ConfigWarning> blocks = warnings.stream()
                .filter(w -> w.kind() == ConfigWarning.Kind.UNSUPPORTED && LOAD_BALANCER_BLOCKS.contains(w.keyword()))
                .toList();
        if (blocks.isEmpty()) {
            return;
        }
        String rule = "!".repeat(78);
        err.println();
        err.println(rule);
        err.println("!! LOAD BALANCER NOT RUN: this file configures keepalived's load balancer (LVS/IPVS):");
        for (ConfigWarning w : blocks) {
            err.println("!!   " + w.file() + ":" + w.line() + ": " + w.keyword());
        }
        err.println("!! vrrp4j runs VRRP only and ignores these blocks. Its systemd unit has");
        err.println("!! Conflicts=keepalived.service: starting vrrp4j STOPS keepalived, and with it");
        err.println("!! these virtual servers. Keep keepalived for them, or run keepalived's checker");
        err.println("!! alone (keepalived --check, a file with only these blocks, a vrrp4j unit");
        err.println("!! copy without Conflicts=). See docs/migrating-from-keepalived.md at");
        err.println("!! https://github.com/vrrp4j/vrrp4j");
        err.println(rule);
        err.flush();
    }

    /**
     * Creates (and closes) every provider, which validates its keys, values and secrets' sources; the
     * binding keys' warnings (an old {@code retry seed}) go to {@code warnings} with their file:line.
     */
    static List<String> providerErrors(KeepalivedConfig config, List<String> warnings) {
        FailoverProviders providers = FailoverProviders.discover();
        List<String> errors = new ArrayList<>();
        for (Instance i : config.instances()) {
            for (int k = 0; k < i.providers().size(); k++) {
                check(providers, i.providers().get(k), config.locations().instanceProvider(i.name(), k), errors, warnings);
            }
        }
        for (SyncGroup g : config.syncGroups()) {
            for (int k = 0; k < g.providers().size(); k++) {
                check(providers, g.providers().get(k), config.locations().syncGroupProvider(g.name(), k), errors, warnings);
            }
        }
        return errors;
    }

    private static void check(FailoverProviders providers, ProviderBlock b, Optional<SourceLocation> where,
            List<String> errors, List<String> warnings) {
        // a notify script's own user (KEY_user) is resolved by ScriptUsers (checked there), not by the provider
        try (FailoverProvider p = Daemon.create(providers, ScriptUsers.withoutUserKeys(b), where)) {
            BindingOptions.parse(Daemon.providerConfig(b)).warnings()
                    .forEach(w -> warnings.add(Daemon.where(where) + ": " + w));
        } catch (LaunchException e) {
            errors.add(e.getMessage());
        } catch (Exception e) {
            errors.add(Daemon.where(where) + ": failover_provider " + b.type() + ": " + e);
        }
    }
}
