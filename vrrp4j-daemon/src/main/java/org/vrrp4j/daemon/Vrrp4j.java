package org.vrrp4j.daemon;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vrrp4j} command: a keepalived.conf-compatible VRRP daemon with failover providers.
 * {@code bin/vrrp4j} of the distribution runs this class.
 */
@Command(name = "vrrp4j", mixinStandardHelpOptions = true, versionProvider = Vrrp4j.Version.class,
        description = "VRRP (RFC 9568 / RFC 3768) and failover IPs, keepalived.conf compatible.",
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, NetcupCommand.class,
                FailoverAgentCommand.class,
                CommandLine.HelpCommand.class})
public final class Vrrp4j {

    private Vrrp4j() {
    }

    /** Runs a command line; returns its exit code. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** Runs a command line writing to {@code out} and {@code err}; returns its exit code. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    /** The command line with its subcommands; also what the man pages and completion are generated from. */
    static CommandLine commandLine() {
        return new CommandLine(new Vrrp4j()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** The process entry point. */
    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("run") || args[0].equals("failover-agent"))) {
            DaemonSignals.install(); // before anything else: a SIGHUP during start-up must not end the daemon
            RunCommand plain = RunCommand.fromPlainArguments(args); // null: picocli reads them
            if (plain != null) {
                int status;
                try {
                    status = plain.call();
                } catch (RuntimeException | Error e) { // as picocli's execute: the trace, status 1, and exit
                    e.printStackTrace();
                    status = 1;
                }
                System.exit(status);
            }
        }
        System.exit(execute(args));
    }

    /** The version from the jar's manifest (absent when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Vrrp4j.class.getPackage().getImplementationVersion();
            return new String[] {"vrrp4j " + (v == null ? "(development build)" : v),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
