package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrp4j.daemon.LauncherTest.vrrp4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.daemon.LauncherTest.Result;
import org.vrrp4j.testkit.netcup.NetcupRestStandIn;
import org.vrrp4j.testkit.netcup.NetcupSoapStandIn;

/**
 * {@code vrrp4j check --online -f FILE} (issue 11 item 5) against the netcup REST and SOAP stand-ins on
 * 127.0.0.1: each provider proves its login and lookup, one line each, nothing moved; wrong credentials give
 * a FAILED line that says what to do, exit 3, and no secret anywhere in the output.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckOnlineTest {
    private static final String ME = "v2201909876543210";

    @TempDir
    Path dir;
    NetcupRestStandIn scp;
    NetcupSoapStandIn soap;
    Path token;
    Path password;

    @BeforeEach
    void start() throws Exception {
        scp = new NetcupRestStandIn();
        soap = new NetcupSoapStandIn();
        token = secret("netcup.token", NetcupRestStandIn.INITIAL_REFRESH_TOKEN);
        password = secret("webservice.pass", NetcupSoapStandIn.PASSWORD);
    }

    @AfterEach
    void stop() {
        scp.close();
        soap.close();
    }

    private Path secret(String name, String value) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, value + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    /** VI_1 with a REST provider (its block at line 7), VI_2 with a SOAP one (line 22). */
    private Path conf() throws Exception {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, """
                vrrp_instance VI_1 {
                    interface eth1
                    virtual_router_id 51
                    virtual_ipaddress {
                        198.18.1.100
                    }
                    failover_provider netcup {
                        api rest
                        failover_ip %s
                        server %s
                        token_file %s
                        api_url %s
                        auth_url %s
                    }
                }
                vrrp_instance VI_2 {
                    interface eth1
                    virtual_router_id 52
                    virtual_ipaddress {
                        198.18.1.101
                    }
                    failover_provider netcup {
                        api soap
                        failover_ip %s
                        server %s
                        login %s
                        password_file %s
                        soap_url %s
                    }
                }
                """.formatted(NetcupRestStandIn.FAILOVER_V4, ME, token, scp.api(), scp.realm(),
                NetcupSoapStandIn.FAILOVER, ME, NetcupSoapStandIn.LOGIN, password, soap.url()));
        return f;
    }

    @Test
    void everyProviderProvesItsLoginAndLookupOnOneLineAndNothingMoves() throws Exception {
        Path conf = conf();
        Result r = vrrp4j("check", "--online", "-f", conf.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out().lines().toList()).as(r.out()).hasSize(2).satisfiesExactly(
                l -> assertThat(l).startsWith("ok     VI_1 " + conf + ":7 netcup failover IP " + NetcupRestStandIn.FAILOVER_V4)
                        .contains("token refreshed; server " + ME + " is id 102; " + NetcupRestStandIn.FAILOVER_V4
                                + " is routed to server 101").contains("credentials expire "),
                l -> assertThat(l).startsWith("ok     VI_2 " + conf + ":22 netcup failover IP " + NetcupSoapStandIn.FAILOVER)
                        .contains("login accepted; " + ME + " does not hold " + NetcupSoapStandIn.FAILOVER));
        assertThat(scp.patches()).as("nothing routed").isZero();
        assertThat(soap.changes()).as("nothing routed").isEmpty();
        assertThat(scp.refreshes()).as("the offline token was used (kept alive)").isEqualTo(1);
        assertThat(Files.readString(token)).as("and the rotated token stored").doesNotContain("initial");
    }

    @Test
    void wrongCredentialsFailWithALineThatSaysWhatToDoExitThreeAndPrintNoSecret() throws Exception {
        Files.writeString(token, "refresh-token-revoked-SECRET\n");
        Files.writeString(password, "wrong-webservice-PASSWORD-SECRET\n");
        Path conf = conf();
        Result r = vrrp4j("check", "--online", "-f", conf.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(CheckCommand.EXIT_CHECK_FAILED);
        assertThat(r.out().lines().toList()).as(r.out()).hasSize(2).satisfiesExactly(
                l -> assertThat(l).startsWith("FAILED VI_1 " + conf + ":7 ").contains("invalid_grant")
                        .contains("run `vrrp4j netcup login` again"),
                l -> assertThat(l).startsWith("FAILED VI_2 " + conf + ":22 ")
                        .contains("netcup rejected the login or webservice password"));
        assertThat(r.out() + r.err()).doesNotContain("SECRET").doesNotContain(NetcupSoapStandIn.PASSWORD);
        assertThat(scp.patches()).isZero();
        assertThat(soap.changes()).isEmpty();
    }

    @Test
    void anInvalidFileIsRefusedBeforeAnythingIsCalled() throws Exception {
        Path conf = dir.resolve("broken.conf");
        Files.writeString(conf, Files.readString(conf()).replace("api rest\n", "api rest\n    mac 02:00:00:00:00:01\n"));
        Result r = vrrp4j("check", "--online", "-f", conf.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(conf + ":7: failover_provider netcup").contains("mac");
        assertThat(scp.requests()).isEmpty();
        assertThat(soap.operations()).isEmpty();
    }
}
