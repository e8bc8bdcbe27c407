package org.vrrp4j.failover.exec;

import java.util.Set;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.FailoverProviderFactory;
import org.vrrp4j.failover.spi.ProviderConfig;

/**
 * The {@code exec} provider: keepalived's notify scripts. Keys: {@code notify_master},
 * {@code notify_backup}, {@code notify_fault}, {@code notify_stop} (run without arguments),
 * {@code notify} (run with {@code INSTANCE|GROUP name STATE priority}), {@code timeout} (default 5m),
 * {@code kill_grace} (default 2s), {@code group} (true for a sync group's scripts), {@code unset_env}
 * (environment variables the scripts must not inherit, e.g. those holding other providers' secrets; the
 * daemon fills it in from every {@code *_env} key of the configuration), {@code run_as} ({@code UID:GID}:
 * the scripts run as that user and group with its supplementary groups, through util-linux {@code setpriv};
 * the daemon fills it in from keepalived's {@code script_user}), and per script {@code notify_master_run_as},
 * {@code notify_backup_run_as}, {@code notify_fault_run_as}, {@code notify_stop_run_as}, {@code notify_run_as}
 * ({@code UID:GID}, or {@code self} for the daemon's own user: that script's user in place of {@code run_as}; the
 * daemon fills them in from keepalived's {@code notify_master SCRIPT USER [GROUP]}).
 */
public final class ExecProviderFactory implements FailoverProviderFactory {
    static final Set<String> KEYS = Set.of("notify_master", "notify_backup", "notify_fault", "notify_stop",
            "notify", "timeout", "kill_grace", "group", "unset_env", "run_as", "notify_master_run_as",
            "notify_backup_run_as", "notify_fault_run_as", "notify_stop_run_as", "notify_run_as");

    @Override
    public String name() {
        return "exec";
    }

    @Override
    public FailoverProvider create(ProviderConfig config) {
        config.requireOnly(KEYS);
        return new ExecProvider(config);
    }
}
