package dev.bootfleet.adapters.http;

/** An answer other than success: a status, its title and a one-line detail (never a secret). */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  final String title;

  HttpError(int status, String title, String detail) {
    super(detail.replaceAll("[\\r\\n]+", " "), null, false, false);
    this.status = status;
    this.title = title;
  }

  static HttpError badRequest(String detail) {
    return new HttpError(400, "Bad Request", detail);
  }

  static HttpError unauthorized() {
    return new HttpError(401, "Unauthorized", "a valid credential is required (Authorization: Bearer <token>)");
  }

  static HttpError forbidden(String detail) {
    return new HttpError(403, "Forbidden", detail);
  }

  static HttpError notFound(String detail) {
    return new HttpError(404, "Not Found", detail);
  }

  static HttpError tooLarge(long max) {
    return new HttpError(413, "Content Too Large", "the body is larger than " + max + " bytes");
  }
}
