package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.core.fsm.State;

/** keepalived 2.2.7's wording (vrrp.c, vrrp_scheduler.c, vrrp_sync.c), for every change vrrp4j makes. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KeepalivedLinesTest {
    @Test
    void instanceChanges() {
        assertThat(KeepalivedLines.instance("VI_1", State.INITIALIZE, State.BACKUP)).hasValue("(VI_1) Entering BACKUP STATE (init)");
        assertThat(KeepalivedLines.instance("VI_1", State.INITIALIZE, State.FAULT)).hasValue("(VI_1) Entering FAULT STATE (init)");
        assertThat(KeepalivedLines.instance("VI_1", State.INITIALIZE, State.MASTER)).hasValue("(VI_1) Entering MASTER STATE");
        assertThat(KeepalivedLines.instance("VI_1", State.BACKUP, State.MASTER)).hasValue("(VI_1) Entering MASTER STATE");
        assertThat(KeepalivedLines.instance("VI_1", State.MASTER, State.BACKUP)).hasValue("(VI_1) Entering BACKUP STATE");
        assertThat(KeepalivedLines.instance("VI_1", State.MASTER, State.FAULT)).hasValue("(VI_1) Entering FAULT STATE");
        assertThat(KeepalivedLines.instance("VI_1", State.MASTER, State.INITIALIZE)).isEmpty();
    }

    @Test
    void syncGroupChanges() {
        assertThat(KeepalivedLines.syncGroup("G1", State.MASTER)).hasValue("VRRP_Group(G1) Syncing instances to MASTER state");
        assertThat(KeepalivedLines.syncGroup("G1", State.BACKUP)).hasValue("VRRP_Group(G1) Syncing instances to BACKUP state");
        assertThat(KeepalivedLines.syncGroup("G1", State.FAULT)).hasValue("VRRP_Group(G1) Syncing instances to FAULT state");
        assertThat(KeepalivedLines.syncGroup("G1", State.INITIALIZE)).isEmpty();
    }
}
