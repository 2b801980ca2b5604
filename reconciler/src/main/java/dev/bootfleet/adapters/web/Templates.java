package dev.bootfleet.adapters.web;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pages' Mustache templates ({@code /web/templates/*.mustache} in the jar), compiled once. Every value is
 * HTML-escaped; a missing one renders as nothing.
 */
final class Templates {
  private final Mustache.Compiler compiler = Mustache.compiler().escapeHTML(true).defaultValue("").emptyStringIsFalse(true)
      .withLoader(name -> new StringReader(text(name)));
  private final Map<String, Template> compiled = new ConcurrentHashMap<>();

  String render(String name, Object model) {
    return compiled.computeIfAbsent(name, n -> compiler.compile(text(n))).execute(model);
  }

  private static String text(String name) {
    String path = "/web/templates/" + name + ".mustache";
    try (InputStream in = Templates.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
