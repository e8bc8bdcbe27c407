package org.vrrp4j.daemon;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.vrrp4j.failover.netcup.NetcupException;
import org.vrrp4j.failover.netcup.NetcupLogin;
import org.vrrp4j.failover.netcup.NetcupProviderFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vrrp4j netcup login}: netcup's REST device-flow login, storing the offline refresh token. */
@Command(name = "netcup", mixinStandardHelpOptions = true, description = "netcup helpers.",
        subcommands = NetcupCommand.Login.class)
final class NetcupCommand {

    @Command(name = "login", mixinStandardHelpOptions = true, description = {
            "Log in to netcup's SCP REST API with the device flow: open the URL printed, confirm the code;",
            "the offline refresh token is written to --token-file (mode 0600) for the provider's token_file."})
    static final class Login implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "where to store the token")
        Path tokenFile;

        @Option(names = "--auth-url", paramLabel = "URL", description = "the OpenID Connect realm (default: netcup's)")
        URI authUrl = URI.create(NetcupProviderFactory.DEFAULT_AUTH_URL);

        @Option(names = "--timeout", paramLabel = "DURATION", description = "how long to wait for the confirmation (default: PT10M)")
        Duration timeout = Duration.ofMinutes(10);

        @Override
        public Integer call() throws InterruptedException {
            Logging.configure(Logging.Level.WARN);
            try {
                NetcupLogin.login(authUrl, tokenFile, System.out, timeout);
                return 0;
            } catch (NetcupException e) {
                System.err.println("vrrp4j netcup login: " + e.getMessage());
                return 1;
            }
        }
    }
}
