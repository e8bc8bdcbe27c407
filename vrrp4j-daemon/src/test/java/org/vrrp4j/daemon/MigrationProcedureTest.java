package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.Tutorial;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.lab.FailoverPairLab;

/**
 * The live switch of docs/migrating-from-keepalived.md, step by step, on a keepalived pair in network
 * namespaces with the tutorial's files: the backup is replaced without the master noticing, the master's
 * keepalived hands over with priority 0 (the new backup takes over well inside Master_Down_Interval), the
 * old master comes back as vrrp4j backup without taking over, and a reload moves mastership back when
 * chosen.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MigrationProcedureTest {
    private static final Duration STEP = Duration.ofSeconds(25);
    /** The tutorial's advert_int 2: Master_Down_Interval is 3 × 2 s + Skew_Time. */
    private static final Duration MASTER_DOWN = Duration.ofSeconds(6);
    /** vrrp4j's state lines as they are and in keepalived's wording, which is being added. */
    private static final String VRRP4J_BACKUP = "VI_1: \\w+ -> BACKUP|\\(VI_1\\) Entering BACKUP STATE";
    private static final String VRRP4J_MASTER = "VI_1: \\w+ -> MASTER|\\(VI_1\\) Entering MASTER STATE";

    private FailoverPairLab lab;

    @BeforeEach
    void lab() throws Exception {
        Prerequisites.require(Prerequisite.NETNS);
        Prerequisites.require(Prerequisite.KEEPALIVED);
        lab = FailoverPairLab.create("v4jmig", FailoverPairLab.javaCommand(Vrrp4j.class.getName()));
    }

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    /** The tutorial's file for server n, on the lab's address, without its notify scripts. */
    private static String tutorial(int n) throws Exception {
        return Tutorial.keepalivedConf(n, FailoverPairLab.VIP).lines()
                .filter(l -> !l.contains("notify_")).collect(Collectors.joining("\n", "", "\n"));
    }

    private static List<String> textSince(FailoverPairLab.Node node, int mark) {
        List<FailoverPairLab.Node.Line> lines = node.lines();
        return lines.subList(mark, lines.size()).stream().map(FailoverPairLab.Node.Line::text).toList();
    }

    @Test
    void aKeepalivedPairBecomesAVrrp4jPairOneNodeAtATimeWithOnePlannedHandOver() throws Exception {
        String s1File = tutorial(1);
        String s2File = tutorial(2);
        FailoverPairLab.Node s1 = lab.startKeepalived(1, s1File, null);
        FailoverPairLab.Node s2 = lab.startKeepalived(2, s2File, null);
        s1.awaitLine("\\(VI_1\\) Entering MASTER STATE", 0, STEP);
        s2.awaitLine("\\(VI_1\\) Entering BACKUP STATE", 0, STEP);

        // step 1: the backup. Its keepalived stops (a backup sends nothing), vrrp4j starts with the same file
        int s1Mark = s1.mark();
        assertThat(s2.terminate(STEP)).as("keepalived on s2 stops").isNotEqualTo(-1);
        s2 = lab.startVrrp4j(2, s2File, null);
        s2.awaitLine(VRRP4J_BACKUP, 0, STEP);
        Thread.sleep(MASTER_DOWN.plusSeconds(2).toMillis()); // longer than a backup that hears nothing would wait
        assertThat(textSince(s2, 0)).as("vrrp4j on s2 hears keepalived's adverts and stays backup")
                .noneMatch(l -> l.matches(".*(" + VRRP4J_MASTER + ").*"));
        assertThat(textSince(s1, s1Mark)).as("keepalived on s1 noticed nothing")
                .noneMatch(l -> l.contains("Entering BACKUP STATE") || l.contains("Entering MASTER STATE"));
        assertThat(lab.holdsVip(1)).isTrue();
        assertThat(lab.holdsVip(2)).isFalse();

        // step 2: the master. Its file makes it a backup for when it returns (the running keepalived does not
        // re-read it), then keepalived stops and sends priority 0: s2 takes over within Skew_Time
        String s1AsBackup = s1File.replace("state MASTER", "state BACKUP").replace("priority 255", "priority 100");
        int s2Mark = s2.mark();
        long stopped = System.nanoTime();
        assertThat(s1.terminate(STEP)).as("keepalived on s1 stops").isNotEqualTo(-1);
        FailoverPairLab.Node.Line took = s2.awaitLine(VRRP4J_MASTER, s2Mark, STEP);
        assertThat(Duration.ofNanos(took.atNanos() - stopped)).as("a priority-0 hand-over, not a master-down timeout")
                .isLessThan(Duration.ofSeconds(2));
        FailoverPairLab.await("s2 holds the virtual address", STEP, () -> holds(2));

        s1 = lab.startVrrp4j(1, s1AsBackup, null);
        s1.awaitLine(VRRP4J_BACKUP, 0, STEP);
        s2Mark = s2.mark();
        Thread.sleep(MASTER_DOWN.toMillis());
        assertThat(textSince(s2, s2Mark)).as("s2 stays master while s1 returns").isEmpty();
        assertThat(textSince(s1, 0)).noneMatch(l -> l.matches(".*(" + VRRP4J_MASTER + ").*"));
        assertThat(lab.holdsVip(1)).isFalse();
        assertThat(lab.holdsVip(2)).isTrue();

        // afterwards, when chosen: s1's file as it was, a reload, and the owner takes over again
        java.nio.file.Files.writeString(lab.configFile(1), s1File);
        int s1Mark2 = s1.mark();
        s2Mark = s2.mark();
        s1.signal("HUP");
        s1.awaitLine(VRRP4J_MASTER, s1Mark2, STEP);
        s2.awaitLine(VRRP4J_BACKUP, s2Mark, STEP);
        FailoverPairLab.await("s1 holds the virtual address again", STEP, () -> holds(1) && !holds(2));
    }

    private boolean holds(int n) {
        try {
            return lab.holdsVip(n);
        } catch (Exception e) {
            return false;
        }
    }
}
