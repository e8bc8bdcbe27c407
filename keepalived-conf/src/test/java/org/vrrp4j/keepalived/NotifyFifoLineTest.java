package org.vrrp4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vrrp4j.keepalived.NotifyFifoLine.Event;

/**
 * keepalived 2.2.7's notify FIFO lines, as recorded from /usr/sbin/keepalived 2.2.7 in a namespace (start,
 * transition to MASTER, SIGTERM), and its SIGUSR1 data dump.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NotifyFifoLineTest {

    @Test
    void readsWhatKeepalived227WroteFromStartToStop() throws Exception {
        // the FIFO's bytes from a real run: a sync group G1 {VI_1} and an instance VI_2
        String recorded = """
                GROUP "G1" BACKUP 0
                INSTANCE "VI_1" BACKUP 150
                INSTANCE "VI_2" BACKUP 100
                INSTANCE "VI_1" MASTER 150
                GROUP "G1" MASTER 0
                INSTANCE "VI_2" MASTER 100
                INSTANCE "VI_1" STOP 150
                INSTANCE "VI_2" STOP 100
                GROUP "G1" STOP 0
                """;
        var lines = recorded.lines().map(l -> {
            try {
                return NotifyFifoLine.parse(l).orElseThrow();
            } catch (NotifyFifoLine.MalformedLineException e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertThat(lines).extracting(NotifyFifoLine::toString).containsExactlyElementsOf(recorded.lines().toList());
        assertThat(lines.get(0)).isEqualTo(new NotifyFifoLine(true, "G1", Event.BACKUP, 0));
        assertThat(lines.get(3)).isEqualTo(new NotifyFifoLine(false, "VI_1", Event.MASTER, 150));
        assertThat(lines.get(6).event()).isEqualTo(Event.STOP);
    }

    @Test
    void readsEventsThatAreNotRoles() throws Exception {
        assertThat(NotifyFifoLine.parse("INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 150").orElseThrow().event().isRole())
                .isFalse();
        assertThat(NotifyFifoLine.parse("INSTANCE \"VI_1\" BACKUP_PRIORITY 90").orElseThrow().event())
                .isEqualTo(Event.BACKUP_PRIORITY);
        assertThat(NotifyFifoLine.parse("INSTANCE \"VI_1\" DELETED 100").orElseThrow().event().isRole()).isTrue();
        assertThat(NotifyFifoLine.parse("INSTANCE \"a \"quoted\" name\" FAULT 0\r").orElseThrow().name())
                .isEqualTo("a \"quoted\" name");
    }

    @Test
    void skipsTheCheckersLinesAndBlankLines() throws Exception {
        assertThat(NotifyFifoLine.parse("VS [198.18.0.15]:tcp:80 UP")).isEmpty();
        assertThat(NotifyFifoLine.parse("RS [198.18.0.4]:tcp:80 [198.18.0.15]:tcp:80 DOWN")).isEmpty();
        assertThat(NotifyFifoLine.parse("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSTANCE VI_1 MASTER 100", "INSTANCE \"VI_1\" MASTER", "INSTANCE \"VI_1\" master 100",
            "INSTANCE \"VI_1\" {UNKNOWN} 100", "INSTANCE \"VI_1\" MASTER 256", "INSTANCE \"\" MASTER 100",
            "GROUP \"G1\" MASTER -1", "garbage", "INSTANCE \"VI_1\" MASTER 100 extra", "\u0000\u0001\u00ff"})
    void refusesMalformedLinesSayingWhat(String line) {
        assertThatThrownBy(() -> NotifyFifoLine.parse(line)).isInstanceOf(NotifyFifoLine.MalformedLineException.class)
                .hasMessageNotContaining("\u0000");
    }

    @Test
    void quotesAtMost80CharactersOfAMalformedLine() {
        assertThatThrownBy(() -> NotifyFifoLine.parse("x".repeat(10_000)))
                .isInstanceOf(NotifyFifoLine.MalformedLineException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(160));
    }

    @Test
    void readsStatesFromKeepalived227sDataDump() throws Exception {
        String dump = Files.readString(Corpus.file("agent/keepalived-2.2.7.data"));
        KeepalivedStateDump d = KeepalivedStateDump.parse(dump);
        assertThat(d.instances()).containsExactly(java.util.Map.entry("VI_1", "MASTER"), java.util.Map.entry("VI_2", "MASTER"));
        assertThat(d.groups()).containsExactly(java.util.Map.entry("G1", "MASTER"));
        assertThat(d.priorities()).containsExactly(java.util.Map.entry("VI_1", 150), java.util.Map.entry("VI_2", 100));
        assertThat(d.complete()).isTrue();
        // keepalived renames the file into place before it writes it: a half-written dump says so
        KeepalivedStateDump half = KeepalivedStateDump.parse(dump.substring(0, dump.indexOf(" VRRP Instance = VI_2")));
        assertThat(half.complete()).isFalse();
        assertThat(half.instances()).containsOnlyKeys("VI_1");
        assertThat(d.toString()).doesNotContain("auth_pass", "Password");
    }
}
