package org.vrrp4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.failover.spi.FailoverProviderFactory;
import org.vrrp4j.failover.spi.ProviderConfigException;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.Secret;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;

/** Typed accessors, secrets from env or file that never print, discovery by name. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProviderConfigTest {
    @TempDir
    Path dir;

    @Test
    void typedAccessorsNameTheKeyOnError() {
        ProviderConfig c = ProviderConfig.of("VI_1", Map.of("n", "7", "d", "250ms", "b", "yes", "e", "rest", "bad", "x"));
        assertThat(c.integer("n", 1, 1, 10)).isEqualTo(7);
        assertThat(c.duration("d", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(c.duration("missing", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.bool("b", false)).isTrue();
        assertThatThrownBy(() -> c.integer("bad", 1, 1, 10)).hasMessage("bad: must be an integer, got 'x' (provider VI_1)");
        assertThatThrownBy(() -> c.integer("n", 1, 1, 5)).hasMessage("n: must be 1..5, got 7 (provider VI_1)");
        assertThatThrownBy(() -> c.string("missing")).hasMessage("missing: is required (provider VI_1)");
        assertThatThrownBy(() -> c.bool("bad", true)).hasMessageStartingWith("bad: must be true or false");
        assertThat(ProviderConfig.parseDuration("k", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ProviderConfig.parseDuration("k", "1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ProviderConfig.parseDuration("k", "PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> ProviderConfig.of("netcup[vip1]", Map.of("timeout", "-5s")).duration("timeout", Duration.ZERO))
                .hasMessage("timeout: must not be negative, got '-5s' (provider netcup[vip1])");
    }

    @Test
    void secretsComeFromTheEnvironmentOrAFileAndNeverPrint() throws Exception {
        Path file = dir.resolve("pass");
        Files.writeString(file, "s3cr3t-from-file\n");
        ProviderConfig c = ProviderConfig.of("VI_1", Map.of("password_file", file.toString(), "token_env", "TOKEN"),
                Map.of("TOKEN", "s3cr3t-from-env")::get);
        Secret password = c.secret("password");
        Secret token = c.secret("token");
        assertThat(password.reveal()).isEqualTo("s3cr3t-from-file");
        assertThat(token.reveal()).isEqualTo("s3cr3t-from-env");
        assertThat(password.toString() + token + c).doesNotContain("s3cr3t").contains("****");
    }

    @Test
    void inlineSecretsAndMissingSourcesAreRefusedWithoutEchoingTheValue() {
        assertThatThrownBy(() -> ProviderConfig.of("x", Map.of("password", "hunter2")).secret("password"))
                .hasMessageContaining("password_env or password_file").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ProviderConfig.of("x", Map.of("password_env", "NOPE"), k -> null).secret("password"))
                .hasMessage("password_env: environment variable NOPE is not set (provider x)");
        assertThatThrownBy(() -> ProviderConfig.of("x", Map.of()).secret("password"))
                .hasMessageStartingWith("password: is required");
        assertThatThrownBy(() -> ProviderConfig.of("x", Map.of("password_file", dir.resolve("none").toString())).secret("password"))
                .hasMessageStartingWith("password_file: cannot read");
    }

    @Test
    void inputsAfterCloseAreIgnoredRatherThanThrownIntoTheVrrpLoop() {
        FailoverCoordinator c = FailoverCoordinator.builder().build();
        c.close();
        c.update(new RoleChange("VI_1", false, RouterState.MASTER, 100));
        c.reassert("VI_1");
        assertThat(c.status()).isEmpty();
    }

    @Test
    void theBindingKeysAreSplitOffBeforeTheProviderSeesTheBlock() {
        BindingOptions.Parsed p = BindingOptions.parse(ProviderConfig.of("VI_1",
                Map.of("retry", "fixed 5 2s", "reverify", "0", "release", "no", "notify", "/bin/true")));
        assertThat(p.options()).isEqualTo(new BindingOptions(RetryPolicy.fixed(5, Duration.ofSeconds(2)), Duration.ZERO, false));
        assertThat(p.providerConfig().keys()).containsExactly("notify");
        assertThat(p.providerConfig().name()).isEqualTo("VI_1");
        assertThat(p.warnings()).isEmpty();
        assertThat(BindingOptions.parse(ProviderConfig.of("VI_1", Map.of())).options()).isEqualTo(BindingOptions.standard());
        assertThat(FailoverProviders.discover().create("exec", p.providerConfig()).resource()).contains("VI_1");
    }

    @Test
    void aProviderNeverSeesTheBindingKeys() {
        ProviderConfig unsplit = ProviderConfig.of("VI_1", Map.of("retry", "standard", "notify", "/bin/true"));
        assertThatThrownBy(() -> FailoverProviders.discover().create("exec", unsplit))
                .isInstanceOf(ProviderConfigException.class).hasMessageStartingWith("retry: is the coordinator's")
                .hasMessageContaining("BindingOptions.parse");
    }

    @Test
    void theOldRetryNameSeedStillWorksAndSaysWhatToWriteInstead() {
        BindingOptions.Parsed p = BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("retry", "seed")));
        assertThat(p.options().retry()).isEqualTo(RetryPolicy.fixed(10, Duration.ofSeconds(3)));
        assertThat(p.warnings()).singleElement().asString().startsWith("retry: 'seed' is an old name for 'fixed 10 3s'")
                .endsWith("(provider VI_1)");
    }

    @Test
    void aFixedRetryIsTriesApartWithinADeadlineThatLeavesRoomForEachTry() {
        RetryPolicy p = RetryPolicy.fixed(10, Duration.ofSeconds(3));
        assertThat(p.maxAttempts()).isEqualTo(10);
        assertThat(p.backoff(1, new Random(1))).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.backoff(9, new Random(1))).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.deadline()).isEqualTo(Duration.ofSeconds(60));
        assertThat(RetryPolicy.fixed(2, Duration.ofSeconds(1)).deadline()).as("at least a minute").isEqualTo(Duration.ofMinutes(1));
        assertThat(RetryPolicy.fixed(100, Duration.ofSeconds(3)).deadline()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void badRetryValuesNameTheKeyTheRuleAndTheBlock() {
        assertThatThrownBy(() -> BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("retry", "forever"))))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessage("retry: must be 'standard' or 'fixed ATTEMPTS INTERVAL' (e.g. 'fixed 10 3s'), got 'forever' (provider VI_1)");
        assertThatThrownBy(() -> BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("retry", "fixed 10"))))
                .hasMessageStartingWith("retry: must be 'standard' or 'fixed ATTEMPTS INTERVAL'");
        assertThatThrownBy(() -> BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("retry", "fixed ten 3s"))))
                .hasMessage("retry: fixed: attempts must be a whole number, got 'ten' (provider VI_1)");
        assertThatThrownBy(() -> BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("retry", "fixed 0 3s"))))
                .hasMessage("retry: fixed: attempts must be 1..1000, got 0 (provider VI_1)");
        assertThatThrownBy(() -> BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("retry", "fixed 3 soon"))))
                .hasMessage("retry: fixed: the interval must be a duration like 500ms, 3s, 5m, 1h, 1d, got 'soon' (provider VI_1)");
        assertThatThrownBy(() -> BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("reverify", "-1s"))))
                .hasMessageStartingWith("reverify: must not be negative");
    }

    @Test
    void checkIntervalIsTheBindingsADayByDefaultZeroOffAndNeverReachesTheProvider() {
        BindingOptions.Parsed none = BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("failover_ip", "198.18.200.7")));
        assertThat(none.options().checkEvery()).isEqualTo(Duration.ofDays(1));
        BindingOptions.Parsed hourly = BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("check_interval", "6h",
                "failover_ip", "198.18.200.7")));
        assertThat(hourly.options().checkEvery()).isEqualTo(Duration.ofHours(6));
        assertThat(hourly.providerConfig().keys()).containsExactly("failover_ip");
        assertThat(BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("check_interval", "2d"))).options().checkEvery())
                .isEqualTo(Duration.ofDays(2));
        assertThat(BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("check_interval", "0"))).options().checkEvery())
                .isZero();
        assertThatThrownBy(() -> BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("check_interval", "daily"))))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith("check_interval: must be a duration like 500ms, 3s, 5m, 1h, 1d, got 'daily'");
        assertThatThrownBy(() -> BindingOptions.parse(ProviderConfig.of("VI_1", Map.of("check_interval", "-1d"))))
                .hasMessageStartingWith("check_interval: must not be negative");
    }

    @Test
    void providersAreFoundByNameAndAnUnknownNameListsTheKnownOnes() {
        FailoverProviders p = FailoverProviders.discover();
        assertThat(p.names()).contains("exec");
        assertThatThrownBy(() -> p.factory("nope")).isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("unknown failover provider 'nope'").hasMessageContaining("exec");
    }

    @Test
    void theServicesFileAndModuleInfoBothDeclareTheExecProvider() throws Exception {
        assertThat(Files.readString(Path.of("src/main/resources/META-INF/services/org.vrrp4j.failover.spi.FailoverProviderFactory")))
                .contains("org.vrrp4j.failover.exec.ExecProviderFactory");
        assertThat(FailoverProviders.class.getModule().getDescriptor()).isNotNull()
                .satisfies(d -> assertThat(d.provides()).anySatisfy(pr -> assertThat(pr.providers())
                        .contains("org.vrrp4j.failover.exec.ExecProviderFactory")));
    }
}
