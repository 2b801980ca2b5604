package dev.bootfleet.app.server;

import static dev.bootfleet.app.server.ServerHarness.json;
import static dev.bootfleet.app.server.ServerIT.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Chromium;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard (issue 17, ADR 0024) in a real headless Chromium against a server in this process: a JGit
 * fleet repository with a rollout over the web hosts and a changed {@code /etc/motd}, simulated hosts posting
 * reports over HTTP. Each page is checked against the API's JSON, and a screenshot of it is written to
 * {@code target/screenshots/}. Every wait is on a condition with a bound; the refusals use plain HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
  static final Duration MAX = Duration.ofSeconds(60);
  /** The bound for a change to show on an open page. */
  static final Duration LIVE = Duration.ofSeconds(2);
  static final Path SHOTS = Path.of("target/screenshots");

  @RegisterExtension
  static final Chromium browser = new Chromium();

  @TempDir
  static Path tmp;

  static ServerHarness h;
  static ReconcilerServer server;
  static String operator;
  static final Map<String, String> tokens = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    h = new ServerHarness(tmp);
    // one window always open (every minute for two), one closed until 2099: the page names both states in words
    h.commit("rollout.yaml", RolloutServerIT.rollout("10m", true, """
          windows:
            cron:
              - {schedule: "0 * * ? * *", duration: 2m}
              - {schedule: "0 0 0 1 1 ? 2099", duration: 1h}
        """));
    Path web = h.work.resolve("groups/web.yaml");
    h.commit("groups/web.yaml", Files.readString(web).replace("changes here are overwritten.",
        "changes here are overwritten (see the dashboard)."));
    server = new ReconcilerServer(new ReconcilerServer.Config(h.url(), "main", "", "127.0.0.1", 0, tmp.resolve("data"),
        Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(900),
        ServerHarness.SECRET.getBytes(StandardCharsets.UTF_8), null), line -> System.err.println("[server] " + line));
    h.base = "http://127.0.0.1:" + server.start();
    ServerHarness.await("the first revision served", MAX, h::ready);
    operator = Files.readString(tmp.resolve("data/operator.token")).strip();
    for (String host : List.of("web-01", "web-02", "web-03", "edge-01", "core-01")) {
      tokens.put(host, h.hostToken(operator, host));
      report(host);
    }
    ServerHarness.await("the rollout's run", MAX, () -> call(() -> h.get("/v1/rollouts/web", operator).statusCode() == 200));
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** What web-01 reports its /etc/motd holds (with its text, so that the plan carries a diff). */
  static final String MOTD = "web-01: edited by hand\nManaged by bootfleet; changes here are overwritten.\n";

  static void report(String host) throws Exception {
    String body = ServerHarness.report(host);
    if (host.equals("web-01")) {
      tools.jackson.databind.node.ObjectNode doc = (tools.jackson.databind.node.ObjectNode) ServerHarness.JSON.readTree(body);
      for (JsonNode f : doc.get("etc").get("files")) {
        if (f.get("path").asString().equals("/etc/motd")) {
          ((tools.jackson.databind.node.ObjectNode) f).put("content", MOTD).put("sha256",
              dev.bootfleet.core.server.Tokens.hash(MOTD));
        }
      }
      body = doc.toString();
    }
    HttpResponse<String> r = h.post("/v1/hosts/" + host + "/status", tokens.get(host), body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
  }

  ChromeDriver driver() {
    return browser.driver();
  }

  WebDriverWait waiting(Duration max) {
    return new WebDriverWait(driver(), max);
  }

  void shot(String name) throws Exception {
    Path png = driver().getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  void logIn() {
    driver().get(h.base + "/");
    if (driver().getCurrentUrl().endsWith("/login")) {
      driver().findElement(By.id("token")).sendKeys(operator);
      driver().findElement(By.cssSelector("form[action='/login'] button")).click();
      waiting(MAX).until(ExpectedConditions.presenceOfElementLocated(By.id("hosts")));
    }
  }

  @Test
  @Order(1)
  void pages_needASession_andTheLoginFormRefusesAWrongToken() throws Exception {
    driver().manage().deleteAllCookies();
    driver().get(h.base + "/hosts/web-01");
    assertThat(driver().getCurrentUrl()).endsWith("/login");
    driver().findElement(By.id("token")).sendKeys("bfo_not-a-real-token");
    driver().findElement(By.cssSelector("form[action='/login'] button")).click();
    WebElement error = waiting(MAX).until(ExpectedConditions.presenceOfElementLocated(By.id("login-error")));
    assertThat(error.getText()).contains("token: not an operator credential");
    shot("login");
    HttpResponse<String> page = h.get("/", null);
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).hasValue("/login");
    assertThat(h.get("/events", null).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(2)
  void fleetPage_countsAndTable_matchTheApi_withTheSecurityHeaders() throws Exception {
    logIn();
    JsonNode api = json(h.get("/v1/hosts", operator));
    Map<String, Integer> counts = new HashMap<>();
    for (String st : List.of("in-sync", "drifted", "held", "unknown", "stalled")) {
      counts.put(st, 0);
    }
    for (JsonNode host : api.get("hosts")) {
      counts.merge(host.get("status").asString(), 1, Integer::sum);
      for (JsonNode c : host.get("conditions")) {
        if (c.get("type").asString().equals("Stalled") && c.get("status").asString().equals("True")) {
          counts.merge("stalled", 1, Integer::sum);
        }
      }
    }
    driver().get(h.base + "/");
    counts.forEach((st, n) -> assertThat(driver().findElement(By.cssSelector("#counts .n[data-status='" + st + "']"))
        .getText()).as(st).isEqualTo(Integer.toString(n)));
    List<WebElement> rows = driver().findElements(By.cssSelector("#hosts tbody tr"));
    assertThat(rows).hasSize(api.get("hosts").size());
    for (JsonNode host : api.get("hosts")) {
      WebElement row = driver().findElement(By.cssSelector("#hosts tr[data-host='" + host.get("name").asString() + "']"));
      assertThat(row.findElement(By.cssSelector("[data-status]")).getAttribute("data-status"))
          .isEqualTo(host.get("status").asString());
      assertThat(row.findElement(By.cssSelector("a")).getAttribute("href")).endsWith("/hosts/" + host.get("name").asString());
    }
    assertThat(driver().findElement(By.id("revision")).getText()).isEqualTo(api.get("revision").asString());
    shot("fleet");
    // filtered by the backend: a status's page lists exactly the API's hosts of that status, its counts unchanged
    String status = api.get("hosts").get(0).get("status").asString();
    List<String> ofStatus = new java.util.ArrayList<>();
    api.get("hosts").forEach(x -> {
      if (x.get("status").asString().equals(status)) {
        ofStatus.add(x.get("name").asString());
      }
    });
    driver().get(h.base + "/?status=" + status);
    assertThat(driver().findElements(By.cssSelector("#hosts tbody tr")).stream().map(e -> e.getAttribute("data-host"))
        .toList()).as(status).containsExactlyInAnyOrderElementsOf(ofStatus);
    counts.forEach((st, n) -> assertThat(driver().findElement(By.cssSelector("#counts .n[data-status='" + st + "']"))
        .getText()).as(st).isEqualTo(Integer.toString(n)));

    // the same page over plain HTTP with the browser's session: the headers of ADR 0024
    String cookie = "bootfleet_session=" + driver().manage().getCookieNamed("bootfleet_session").getValue();
    HttpResponse<String> page = h.send(h.req("/", null).header("Cookie", cookie).GET());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
    assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=\"");
    // a bad filter: one line naming each bad value
    HttpResponse<String> bad = h.send(h.req("/?status=green&label=x", null).header("Cookie", cookie).GET());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("label: &quot;x&quot; is not a label", "status: &quot;green&quot; is not one");
  }

  @Test
  @Order(3)
  void hostPage_showsThePlansEtcDiff() throws Exception {
    logIn();
    driver().get(h.base + "/hosts/web-01");
    WebElement plan = driver().findElement(By.id("plan"));
    assertThat(plan.getText()).contains("/etc/motd");
    List<WebElement> added = plan.findElements(By.cssSelector("pre.diff .add"));
    assertThat(added).extracting(WebElement::getText).anyMatch(t -> t.startsWith("+") && t.contains("(see the dashboard)"));
    assertThat(plan.findElements(By.cssSelector("pre.diff .del"))).extracting(WebElement::getText)
        .anyMatch(t -> t.startsWith("-") && t.contains("edited by hand"));
    assertThat(driver().findElement(By.id("host-status")).getText())
        .isEqualTo(json(h.get("/v1/hosts/web-01", operator)).get("status").asString().replace('-', ' '));
    shot("host");
  }

  @Test
  @Order(4)
  void aReportPostedWhileTheFleetPageIsOpen_showsWithinTwoSeconds() throws Exception {
    logIn();
    driver().get(h.base + "/");
    By lastReport = By.cssSelector("#hosts tr[data-host='db-01'] .last-report");
    assertThat(driver().findElement(lastReport).getText()).isEqualTo("never");
    waiting(MAX).until(d -> "open".equals(d.findElement(By.tagName("html")).getAttribute("data-live")));
    tokens.put("db-01", h.hostToken(operator, "db-01"));
    report("db-01");
    long posted = System.nanoTime();
    waiting(LIVE).pollingEvery(Duration.ofMillis(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> !d.findElement(lastReport).getText().equals("never")); // a swapped region: found again
    System.err.printf("[dashboard] the report showed %d ms after it was stored%n", (System.nanoTime() - posted) / 1_000_000);
    String at = json(h.get("/v1/hosts/db-01", operator)).get("lastReport").asString();
    waiting(MAX).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> d.findElement(lastReport).getText().equals(at));
  }

  @Test
  @Order(5)
  void pausingARollout_worksWithASession_andIsRefusedWithoutOneOrItsCsrfToken() throws Exception {
    // refusals over plain HTTP: nothing changes
    assertThat(h.send(form("/rollouts/web/pause", null, "")).statusCode()).isEqualTo(403);
    String cookie = login();
    String page = h.send(h.req("/rollouts/web", null).header("Cookie", cookie).GET()).body();
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
    assertThat(m.find()).as(page).isTrue();
    String csrf = m.group(1);
    assertThat(h.send(form("/rollouts/web/pause", cookie, "")).statusCode()).isEqualTo(403);
    assertThat(h.send(form("/rollouts/web/pause", cookie, "csrf=" + csrf.substring(1) + "x")).statusCode()).isEqualTo(403);
    assertThat(h.send(form("/rollouts/web/pause", "bootfleet_session=forged", "csrf=" + csrf)).statusCode()).isEqualTo(403);
    assertThat(h.send(form("/rollouts/web/pause", cookie, "csrf=" + csrf).header("Origin", "https://evil.example"))
        .statusCode()).isEqualTo(403);
    JsonNode before = json(h.get("/v1/rollouts/web", operator));
    assertThat(before.get("paused").asBoolean()).isFalse();
    assertThat(before.get("events").toString()).doesNotContain("paused");

    logIn();
    driver().get(h.base + "/rollouts");
    shot("rollouts");
    driver().findElement(By.linkText("web")).click();
    waiting(MAX).until(ExpectedConditions.presenceOfElementLocated(By.id("pause"))).click();
    waiting(MAX).until(ExpectedConditions.textToBePresentInElementLocated(By.id("rollout-state"), "paused"));
    JsonNode after = json(h.get("/v1/rollouts/web", operator));
    assertThat(after.get("paused").asBoolean()).isTrue();
    String operatorId = json(h.get("/v1/operators", operator)).get("operators").get(0).get("id").asString();
    assertThat(after.get("events").toString()).contains("operator:" + operatorId);
    assertThat(driver().findElements(By.cssSelector(".wave .bar"))).isNotEmpty();
    assertThat(driver().findElement(By.cssSelector(".wave .legend")).getText()).contains("pending", "staged",
        "rebooted", "healthy", "failed", "leased");
    assertThat(driver().findElements(By.cssSelector(".wave .legend .key-leased"))).as("leased is a state of the bar")
        .isNotEmpty();
    List<String> windows = driver().findElements(By.cssSelector("#rollout-windows li")).stream()
        .map(e -> e.getText()).toList();
    assertThat(windows).hasSize(2);
    assertThat(windows.get(0)).contains("cron 0 * * ? * * for 2m", "open").doesNotContain("closed");
    assertThat(windows.get(1)).contains("closed", "next opens at 2099-01-01T00:00:00Z");
    shot("rollout");
    // pausing again is refused by the backend: the page says why
    driver().findElement(By.id("pause")).click();
    assertThat(waiting(MAX).until(ExpectedConditions.presenceOfElementLocated(By.id("action-error"))).getText())
        .contains("paused already");
  }

  @Test
  @Order(6)
  void revisions_nameTheHostsEachCommitChanged_andAStalledOneShowsItsErrors() throws Exception {
    String before = json(h.get("/v1/revisions", operator)).get("served").asString();
    h.commit("hosts/core-01.yaml", Files.readString(h.work.resolve("hosts/core-01.yaml"))
        .replace("      - mitigations=auto,nosmt", "      - mitigations=auto,nosmt\n      - quiet"));
    byte[] first = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(h.webhook(first, ServerHarness.sign(first)).statusCode()).isEqualTo(202);
    ServerHarness.await("the next revision served", MAX,
        () -> call(() -> !json(h.get("/v1/revisions", operator)).get("served").asString().equals(before)));
    String next = json(h.get("/v1/revisions", operator)).get("served").asString();
    assertThat(json(h.get("/v1/revisions", operator)).get("history").get(0).get("hostsChanged").toString())
        .isEqualTo("[\"core-01\"]");
    logIn();
    driver().get(h.base + "/revisions");
    WebElement row = driver().findElement(By.xpath("//table[@id='history']//tr[th/code[text()='" + next + "']]"));
    assertThat(row.findElement(By.cssSelector(".changed")).getText()).isEqualTo("core-01");

    h.commit("hosts/web-02.yaml", Files.readString(h.work.resolve("hosts/web-02.yaml")).replace("spec: {}",
        "spec:\n  driver: windows\n"));
    byte[] push = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(h.webhook(push, ServerHarness.sign(push)).statusCode()).isEqualTo(202);
    ServerHarness.await("the revision stalled", MAX,
        () -> call(() -> json(h.get("/v1/revisions", operator)).get("stalled").asBoolean()));
    JsonNode errors = json(h.get("/v1/revisions", operator)).get("stalledRevision").get("errors");
    assertThat(errors).isNotEmpty();
    logIn();
    for (String path : List.of("/", "/revisions")) {
      driver().get(h.base + path);
      WebElement banner = driver().findElement(By.id("stalled"));
      assertThat(banner.getText()).contains("Stalled");
      for (JsonNode e : errors) {
        assertThat(banner.getText()).contains(e.asString());
      }
    }
    shot("revisions");
    driver().get(h.base + "/");
    shot("fleet-stalled");
  }

  /** Logs in over plain HTTP: the session cookie. */
  static String login() throws Exception {
    HttpResponse<String> r = h.send(HttpRequest.newBuilder(URI.create(h.base + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + operator)));
    assertThat(r.statusCode()).isEqualTo(303);
    String set = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(set).contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure");
    return set.substring(0, set.indexOf(';'));
  }

  static HttpRequest.Builder form(String path, String cookie, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    return cookie == null ? b : b.header("Cookie", cookie);
  }
}
