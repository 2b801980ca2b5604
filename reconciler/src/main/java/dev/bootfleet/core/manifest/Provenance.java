package dev.bootfleet.core.manifest;

/**
 * Which layer gave a merged host one of its values: what {@code bootfleet show host} prints.
 *
 * @param field the value, named as problems name it ({@code spec.image}, {@code spec.etc[/etc/motd]})
 * @param value the value in short ({@code quay.io/x/os@sha256:…}, {@code append}, {@code install})
 * @param from the layer and the line that set it: {@code group "web" (groups/web.yaml:11:5)}
 */
public record Provenance(String field, String value, String from) {}
