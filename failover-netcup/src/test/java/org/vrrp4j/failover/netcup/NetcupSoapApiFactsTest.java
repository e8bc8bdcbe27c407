package org.vrrp4j.failover.netcup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.testkit.failover.DirectContext;
import org.vrrp4j.testkit.netcup.NetcupSoapStandIn;

/**
 * The SOAP provider against the webservice as it really is (FACTS.md): discontinued (404/410, pages
 * instead of SOAP), interface ids that are strings, a slow {@code changeIPRouting} that a cancellation
 * must abort. Against {@link NetcupSoapStandIn}, a real HTTP server on 127.0.0.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetcupSoapApiFactsTest {
    private static final String ME = NetcupSoapStandIn.SERVER_2;

    @TempDir
    Path dir;
    NetcupSoapStandIn service;
    Path passwordFile;

    @BeforeEach
    void publish() throws Exception {
        service = new NetcupSoapStandIn();
        passwordFile = dir.resolve("webservice.pass");
        Files.writeString(passwordFile, NetcupSoapStandIn.PASSWORD + "\n");
    }

    @AfterEach
    void unpublish() {
        service.close();
    }

    private FailoverProvider provider() {
        Map<String, String> keys = new HashMap<>(Map.of("api", "soap", "failover_ip", NetcupSoapStandIn.FAILOVER,
                "server", ME, "login", NetcupSoapStandIn.LOGIN, "password_file", passwordFile.toString(),
                "soap_url", service.url().toString(), "verify_poll", "50ms", "request_timeout", "10s"));
        return FailoverProviders.discover().create("netcup", ProviderConfig.of("VI_1", keys));
    }

    private static FailoverContext ctx(Cancellation c) {
        return DirectContext.of(new RoleChange("VI_1", false, RoleChange.RouterState.MASTER, 254), c);
    }

    // ---- 5: discontinued ------------------------------------------------------------------------------

    @Test
    void aDiscontinuedEndpointIsPermanentAndSaysToUseRest() throws Exception {
        for (int status : new int[] {404, 410, 200}) {
            service.discontinued(status);
            try (FailoverProvider p = provider()) {
                assertThat(p.acquire(ctx(new Cancellation()))).as("HTTP %d with a page", status)
                        .isInstanceOfSatisfying(FailoverOutcome.PermanentFailure.class, f -> assertThat(f.message())
                                .contains("discontinued the SOAP webservice on 2026-05-01").contains("api rest"));
            }
        }
        assertThat(service.changes()).isEmpty();
    }

    // ---- 7: interface ids are optional strings ---------------------------------------------------------

    @Test
    void theInterfaceIdIsReadAsAString() throws Exception {
        try (FailoverProvider p = provider()) {
            assertThat(p.acquire(ctx(new Cancellation()))).isInstanceOfSatisfying(FailoverOutcome.Done.class,
                    d -> assertThat(d.detail()).contains(service.mac(ME) + " via interface " + NetcupSoapStandIn.PUBLIC_INTERFACE_ID));
        }
    }

    // ---- 9: a call in flight is aborted ----------------------------------------------------------------

    @Test
    void cancellingDuringASlowChangeIpRoutingAbortsTheCallAndNothingMoreIsSent() throws Exception {
        service.changeDelayMillis(1500);
        try (FailoverProvider p = provider()) {
            Cancellation c = new Cancellation();
            Thread canceller = Thread.ofVirtual().start(() -> {
                while (service.changes().isEmpty()) {
                    Thread.onSpinWait();
                }
                c.cancel();
            });
            long start = System.nanoTime();
            assertThat(p.acquire(ctx(c))).isInstanceOf(FailoverOutcome.Cancelled.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1200));
            canceller.join();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (service.abortedChanges() == 0 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(service.abortedChanges()).as("the connection was closed, the answer never delivered").isEqualTo(1);
            Thread.sleep(500); // a re-sent POST (the JDK retries buffered ones) would arrive by now
            assertThat(service.changes()).as("no second or late change").hasSize(1);
        }
    }
}
