package org.vrrp4j.netty;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.vrrp4j.testkit.junit.Prerequisite;
import org.vrrp4j.testkit.junit.Prerequisites;
import org.vrrp4j.testkit.lab.Keepalived;
import org.vrrp4j.testkit.lab.NetnsLab;

/**
 * The interop tests' setting: keepalived 2.2.7 in namespace {@link #k} beside a vrrp4j node in namespace
 * {@link #v}; a subclass links the two as its test needs. Node, keepalived and namespaces are closed
 * after each test, whatever happened.
 */
abstract class KeepalivedBesideNode {
    @TempDir
    Path dir;
    NetnsLab lab;
    String k;
    String v;
    Keepalived keepalived;
    VrrpNode node;
    final StateEvents events = new StateEvents();

    /** Creates the two namespaces (not yet linked) and a keepalived named {@code name}. */
    void namespaces(String tag, String name) throws Exception {
        Prerequisites.require(Prerequisite.KEEPALIVED);
        lab = NetnsLab.create(tag);
        k = lab.add("k");
        v = lab.add("v");
        keepalived = new Keepalived(dir, name);
    }

    @AfterEach
    void cleanup() throws Exception {
        if (node != null) {
            node.close();
        }
        if (keepalived != null) {
            keepalived.close();
        }
        if (lab != null) {
            lab.close();
        }
    }
}
