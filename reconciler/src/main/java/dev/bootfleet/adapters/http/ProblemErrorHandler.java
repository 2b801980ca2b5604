package dev.bootfleet.adapters.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jetty's own refusals, made before a request reaches a route (a path Jetty finds ambiguous, such as
 * one with an encoded NUL), in the API's form: one line of {@code application/problem+json} in place of
 * Jetty's HTML page. The detail never repeats the request, and the answer says {@code Connection: close}.
 */
final class ProblemErrorHandler extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
    byte[] body = problem(status);
    response.setStatus(status < 400 || status > 599 ? 500 : status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, ApiServer.PROBLEM_JSON);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    // Jetty drops the connection after such a refusal; saying so keeps a client from sending its next
    // request down a socket that is about to close (the JDK's client then fails with "received no bytes")
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  /** A request Jetty could not parse (a malformed header, say): the same problem JSON. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, ApiServer.PROBLEM_JSON);
    fields.put(HttpHeader.CONNECTION, "close");
    return ByteBuffer.wrap(problem(status));
  }

  private static byte[] problem(int status) {
    int s = status < 400 || status > 599 ? 500 : status;
    String title = HttpStatus.getMessage(s);
    String detail = s == 400 ? "the request's URI or headers are malformed (expected a plain path such as"
        + " /v1/hosts/NAME and well-formed headers)" : title;
    return JsonMapper.shared().writeValueAsString(JsonMapper.shared().createObjectNode().put("type", "about:blank")
        .put("title", title).put("status", s).put("detail", detail)).getBytes(StandardCharsets.UTF_8);
  }
}
