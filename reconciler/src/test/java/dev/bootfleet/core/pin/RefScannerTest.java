package dev.bootfleet.core.pin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.Problem;
import org.junit.jupiter.api.Test;

class RefScannerTest {
  @Test
  void scan_findsHostsAndGroupsOfTheRegistryTransportOnly() {
    String text = """
        apiVersion: bootfleet.dev/v1alpha1
        kind: HostGroup
        metadata: {name: web}
        spec:
          selector: {}
          image: {ref: quay.io/example/web-os:42}
        ---
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata: {name: usb-01}
        spec:
          image: {ref: /mnt/usb/os.oci, transport: oci}
        ---
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata: {name: local-01}
        spec:
          image: {ref: localhost/os:1, transport: containers-storage}
        ---
        apiVersion: apps/v1
        kind: Deployment
        spec:
          image: {ref: quay.io/example/not-ours:1}
        ---
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata: {name: web-01}
        spec:
          image:
            ref: quay.io/example/web-os@sha256:%s
        """.formatted("c".repeat(64));

    RefScanner.Result r = RefScanner.scan("fleet.yaml", text);

    assertThat(r.problems()).isEmpty();
    assertThat(r.sites()).extracting(s -> s.kind() + "/" + s.name() + "@" + s.pos().line() + ":" + s.document())
        .containsExactly("HostGroup/web@6:0", "Host/web-01@30:4");
  }

  @Test
  void scan_malformedReference_isAProblemNamingFileLineAndReference() {
    String text = "apiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata: {name: h}\nspec:\n  image:\n"
        + "    ref: web-os:42\n";

    RefScanner.Result r = RefScanner.scan("hosts/h.yaml", text);

    assertThat(r.sites()).isEmpty();
    assertThat(r.problems()).singleElement().extracting(Problem::format).asString()
        .startsWith("hosts/h.yaml:6:10: error: spec.image.ref: \"web-os:42\" has no registry");
  }
}
