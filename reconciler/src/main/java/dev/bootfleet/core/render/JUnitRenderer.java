package dev.bootfleet.core.render;

import dev.bootfleet.core.status.SyncStatus;

import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.text.Quote;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * JUnit XML, as CI test-report viewers read it: one test case per host; a drifted or held host is a
 * failure carrying its reason, an unknown host is skipped, the rest pass. In a change plan nothing fails.
 * Every value from Git or a host goes through {@link Quote}: XML 1.0 cannot hold control characters even
 * as character references, so they are written as {@code \u001B} text and the document always parses.
 */
public final class JUnitRenderer {

  public void render(Report report, Appendable out) throws IOException {
    List<HostPlan> hosts = report.plan().hosts();
    long failures = hosts.stream().filter(h -> Report.isFailure(h.status())).count();
    long skipped = hosts.stream().filter(h -> h.status() == SyncStatus.UNKNOWN).count();
    String suite = report.kind() == Report.Kind.DRIFT ? "bootfleet drift" : "bootfleet plan";
    StringWriter buf = new StringWriter();
    try {
      XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(buf);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("testsuites");
      x.writeAttribute("name", "bootfleet");
      attrs(x, hosts.size(), failures, skipped);
      x.writeCharacters("\n  ");
      x.writeStartElement("testsuite");
      x.writeAttribute("name", suite);
      attrs(x, hosts.size(), failures, skipped);
      x.writeAttribute("timestamp", report.plan().generatedAt().toString());
      x.writeCharacters("\n    ");
      x.writeStartElement("properties");
      property(x, "revision", report.plan().revision());
      if (report.plan().baseRevision() != null) {
        property(x, "baseRevision", report.plan().baseRevision());
      }
      x.writeCharacters("\n    ");
      x.writeEndElement();
      for (HostPlan h : hosts) {
        testcase(x, h);
      }
      x.writeCharacters("\n  ");
      x.writeEndElement();
      x.writeCharacters("\n");
      x.writeEndElement();
      x.writeCharacters("\n");
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write JUnit XML: " + e.getMessage(), e);
    }
    out.append(buf.toString());
  }

  private static void attrs(XMLStreamWriter x, long tests, long failures, long skipped) throws XMLStreamException {
    x.writeAttribute("tests", Long.toString(tests));
    x.writeAttribute("failures", Long.toString(failures));
    x.writeAttribute("errors", "0");
    x.writeAttribute("skipped", Long.toString(skipped));
  }

  private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
    x.writeCharacters("\n      ");
    x.writeEmptyElement("property");
    x.writeAttribute("name", name);
    x.writeAttribute("value", Quote.controls(value));
  }

  private static void testcase(XMLStreamWriter x, HostPlan h) throws XMLStreamException {
    x.writeCharacters("\n    ");
    x.writeStartElement("testcase");
    x.writeAttribute("classname", "bootfleet.hosts");
    x.writeAttribute("name", Quote.controls(h.name()));
    x.writeAttribute("time", "0");
    StringBuilder body = new StringBuilder();
    for (Action a : h.actions()) {
      body.append(Describe.action(a)).append('\n');
    }
    for (String n : h.notes()) {
      body.append("note: ").append(n).append('\n');
    }
    if (Report.isFailure(h.status())) {
      x.writeCharacters("\n      ");
      x.writeStartElement("failure");
      x.writeAttribute("type", h.status().id());
      x.writeAttribute("message", Quote.controls(h.reason()));
      x.writeCharacters(Quote.lines(body.toString()));
      x.writeEndElement();
      x.writeCharacters("\n    ");
    } else if (h.status() == SyncStatus.UNKNOWN) {
      x.writeCharacters("\n      ");
      x.writeEmptyElement("skipped");
      x.writeAttribute("message", Quote.controls(h.reason()));
      x.writeCharacters("\n    ");
    } else if (body.length() > 0) {
      x.writeCharacters("\n      ");
      x.writeStartElement("system-out");
      x.writeCharacters(Quote.lines(h.status().id() + ": " + h.reason() + "\n" + body));
      x.writeEndElement();
      x.writeCharacters("\n    ");
    }
    x.writeEndElement();
  }
}
