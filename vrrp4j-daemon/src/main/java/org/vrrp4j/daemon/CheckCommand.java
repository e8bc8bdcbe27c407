package org.vrrp4j.daemon;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * without calling them) and prints the effective configuration; exit 0 when valid, 1 when not.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a keepalived.conf and print the effective configuration; exit 0 if valid, 1 if not.")
final class CheckCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", defaultValue = "/etc/keepalived/keepalived.conf",
            description = "keepalived.conf to check (default: ${DEFAULT-VALUE})")
    Path file;

    @Option(names = {"-q", "--quiet"}, description = "print errors and warnings only")
    boolean quiet;

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
        bindingWarnings.forEach(w -> err.println("warning: " + w));
        errors.forEach(e -> err.println("error: " + e));
        err.flush();
        if (!quiet) {
            out.print(EffectiveConfig.render(config));
            out.flush();
        }
        return errors.isEmpty() ? 0 : 1;
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
        try (FailoverProvider p = Daemon.create(providers, b, where)) {
            BindingOptions.parse(Daemon.providerConfig(b)).warnings()
                    .forEach(w -> warnings.add(Daemon.where(where) + ": " + w));
        } catch (LaunchException e) {
            errors.add(e.getMessage());
        } catch (Exception e) {
            errors.add(Daemon.where(where) + ": failover_provider " + b.type() + ": " + e);
        }
    }
}
