package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;

/** The seed tutorial's two keepalived.conf files, unchanged, read into the model vrrp4j runs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeedConfigTest {
    @TempDir
    Path tmp;

    private KeepalivedConfig readSeed(String server) throws IOException, ConfigFileException {
        Path conf = tmp.resolve(server + ".conf");
        Files.writeString(conf, Corpus.seedConfig(server));
        return KeepalivedConfigReader.read(conf, name -> null);
    }

    @Test
    void s1IsTheOwnerAndS2TheBackupOfVrid101() throws Exception {
        KeepalivedConfig s1 = readSeed("s1");
        KeepalivedConfig s2 = readSeed("s2");

        assertSeedInstance(s1, 255, InitialState.MASTER);
        assertSeedInstance(s2, 254, InitialState.BACKUP);
        assertThat(s1.global().vrrpVersion()).isEqualTo(VrrpVersion.V2);
        assertThat(s1.global().garp()).isEqualTo(GarpSettings.KEEPALIVED_DEFAULTS);
        // the two nodes must agree on everything on the wire but the priority
        VirtualRouterConfig r1 = s1.instances().getFirst().router();
        VirtualRouterConfig r2 = s2.instances().getFirst().router();
        assertThat(r2.toBuilder().priority(255).build()).isEqualTo(r1);
    }

    private static void assertSeedInstance(KeepalivedConfig c, int priority, InitialState state) throws Exception {
        assertThat(c.instances()).hasSize(1);
        Instance i = c.instances().getFirst();
        VirtualRouterConfig r = i.router();
        assertThat(i.name()).isEqualTo("VI_1");
        assertThat(r.name()).isEqualTo("VI_1");
        assertThat(i.initialState()).isEqualTo(state);
        assertThat(r.interfaceName()).isEqualTo("eth1");
        assertThat(r.vrid()).isEqualTo(101);
        assertThat(r.priority()).isEqualTo(priority);
        assertThat(r.version()).isEqualTo(VrrpVersion.V2);
        assertThat(r.family()).isEqualTo(IpFamily.IPV4);
        assertThat(r.advertInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.preempt()).isTrue();
        assertThat(r.isUnicast()).isFalse();
        // keepalived truncates CUSTOM_PASSWORD to its first 8 bytes on the wire
        assertThat(r.authKey()).contains(VrrpAuthKey.ofPassword("CUSTOM_P"));
        assertThat(r.virtualAddresses()).containsExactly(VirtualAddress.of(InetAddress.getByName("10.132.0.100")));
        assertThat(i.providers()).hasSize(1);
        ProviderBlock exec = i.providers().getFirst();
        assertThat(exec.type()).isEqualTo("exec");
        assertThat(exec.values()).containsExactly(
                Map.entry("notify_master", "/PATH/TO/YOUR/SCRIPT/to_master.sh"),
                Map.entry("notify_backup", "/PATH/TO/YOUR/SCRIPT/to_backup.sh"),
                Map.entry("notify_fault", "/PATH/TO/YOUR/SCRIPT/to_backup.sh"));
        assertThat(c.locations().instanceProvider("VI_1", 0).orElseThrow().line()).isEqualTo(14);
        assertThat(c.warnings()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(9);
            assertThat(w.message()).contains("auth_pass is longer than 8 bytes");
        });
    }

    @Test
    void renderShowsNoPasswordAndReadsBackToTheSameRouters() throws Exception {
        for (String server : new String[] {"s1", "s2"}) {
            KeepalivedConfig c = readSeed(server);
            String text = EffectiveConfig.render(c);

            assertThat(text).doesNotContain("CUSTOM_P").contains("auth_pass ****")
                    .contains("virtual_router_id 101").contains("advert_int 2").contains("10.132.0.100/32");
            assertThat(c.toString()).doesNotContain("CUSTOM_P");
            assertThat(c.warnings().toString()).doesNotContain("CUSTOM_P");

            Path rendered = tmp.resolve(server + "-effective.conf");
            Files.writeString(rendered, text);
            KeepalivedConfig back = KeepalivedConfigReader.read(rendered, name -> null);
            Instance before = c.instances().getFirst();
            Instance after = back.instances().getFirst();
            // the password is masked, so compare with the masked key
            assertThat(after.router()).isEqualTo(before.router().toBuilder()
                    .authKey(VrrpAuthKey.ofPassword(EffectiveConfig.MASK)).build());
            assertThat(after.initialState()).isEqualTo(before.initialState());
            assertThat(after.garp()).isEqualTo(before.garp());
            assertThat(after.providers()).extracting(ProviderBlock::type, ProviderBlock::values)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("exec", before.providers().getFirst().values()));
            assertThat(back.global()).isEqualTo(c.global());
        }
    }
}
