package org.vrrp4j.core.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IpLiterals} is the Java 21 stand-in for {@code InetAddress.ofLiteral} (Java 22): these tests run on
 * the build's JDK 25 and hold it to {@code ofLiteral}'s answer, address and family, or its refusal.
 */
@Timeout(10)
class IpLiteralsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "198.18.0.1", "0.0.0.0", "255.255.255.255", "224.0.0.18", "127.0.0.1",
        "198.18.1", "198.1", "3323068417", "0198.018.0.001",             // the JDK's other decimal forms
        "2001:db8::1", "::", "::1", "ff02::12", "fe80::1", "2001:DB8:0:0:0:0:0:1",
        "2001:db8:0:0:0:0:0:1", "[2001:db8::1]", "::ffff:198.18.0.1", "::198.18.0.1", "[::ffff:198.18.0.1]",
        "2001:db8::198.18.0.1", "fe80::1%1",
    })
    void parsesWhatOfLiteralParsesToTheSameAddress(String literal) {
        InetAddress expected = InetAddress.ofLiteral(literal);

        InetAddress parsed = IpLiterals.parse(literal);

        assertThat(parsed).isEqualTo(expected).hasSameClassAs(expected);
        assertThat(parsed.getAddress()).isEqualTo(expected.getAddress());
        assertThat(parsed.toString()).isEqualTo(expected.toString());
        if (parsed instanceof Inet6Address six) {
            assertThat(six.getScopeId()).isEqualTo(((Inet6Address) expected).getScopeId());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "198.18.0.256", "198.18.0.1.5", "198..0.1", ".198.18.0.1", "198.18.0.1.", " 198.18.0.1",
        "198.18.0.1 ", "0198.018.000.001", "4294967296", "198.16777216", "0x7f.0.0.1", "0177.0.0.1x", "-1.0.0.0",
        "localhost", "example.invalid", "vrrp4j", "a", "ff02", "[198.18.0.1]", "[]", "[", "[::1", "::1]",
        "2001:db8::g", "2001:db8:::1", "1:2:3:4:5:6:7:8:9", "2001:db8::1%", ":::", "::ffff:198.18.0.1%1",
        "zz::1", "[localhost]", "fe80::1%no-such-interface-here",
    })
    void refusesWhatOfLiteralRefuses(String notALiteral) {
        assertThatThrownBy(() -> InetAddress.ofLiteral(notALiteral)).isInstanceOf(IllegalArgumentException.class);

        assertThatThrownBy(() -> IpLiterals.parse(notALiteral))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IP address literal")
                .hasMessageContaining('"' + notALiteral + '"');
    }

    @Test
    void neverResolvesAHostName() {
        // "localhost" resolves on every machine (the hosts file): a lookup would return an address here
        assertThatThrownBy(() -> IpLiterals.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThat(IpLiterals.parse("127.0.0.1").getHostName()).isEqualTo(InetAddress.ofLiteral("127.0.0.1").getHostName());
    }

    @Test
    void agreesWithOfLiteralOnRandomDottedStrings() {
        Random random = new Random(21);
        String alphabet = "0123456789.:abcdefx%[]";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int len = 1 + random.nextInt(16);
            for (int j = 0; j < len; j++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String literal = s.toString();
            InetAddress expected;
            try {
                expected = InetAddress.ofLiteral(literal);
            } catch (IllegalArgumentException refused) {
                assertThatThrownBy(() -> IpLiterals.parse(literal)).as(literal).isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            assertThat(IpLiterals.parse(literal)).as(literal).isEqualTo(expected).hasSameClassAs(expected);
        }
    }

    @Test
    void ipv4MappedIsIpv4AndTheGroupsAreTheWellKnownOnes() {
        assertThat(IpLiterals.parse("::ffff:198.18.0.1")).isInstanceOf(Inet4Address.class);
        assertThat(VrrpCodec.IPV4_GROUP.getAddress()).containsExactly(224, 0, 0, 18);
        assertThat(VrrpCodec.IPV6_GROUP).isInstanceOf(Inet6Address.class);
        assertThat(VrrpCodec.IPV6_GROUP.getHostAddress()).isEqualTo("ff02:0:0:0:0:0:0:12");
    }

    @Test
    void nullIsAProgrammingError() {
        assertThatThrownBy(() -> IpLiterals.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
