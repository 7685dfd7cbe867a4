package org.pghardstorage.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.it.cli.Cli;

/**
 * What every console browser test shares: Debian's headless Chromium driven through its
 * chromedriver by Selenium WebDriver against the EAR on the real Payara (started once per test JVM
 * by {@link TestServer}), signing in, waiting, screenshots kept under {@code
 * it/target/screenshots}, the planner's form, and deployments registered through the API.
 */
abstract class AbstractConsoleBrowserIT {
  // Debian's packages (see .ci/run); named explicitly so that Selenium Manager never tries to
  // download a browser or driver (the test network is closed).
  protected static final String CHROMIUM = "/usr/bin/chromium";
  protected static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  protected static final Duration PAGE_WAIT = Duration.ofSeconds(60);

  protected WebDriver browser;

  @BeforeAll
  static void findChromium() {
    for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(Path.of(binary))) {
        throw new IllegalStateException(
            binary + " is missing: apt-get install -y chromium chromium-driver");
      }
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
  }

  @BeforeEach
  void openBrowser() {
    TestServer.get();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    // As root Chromium needs --no-sandbox; the rest keeps a fresh profile quiet and offline.
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--user-data-dir=" + Locations.newRunDir("pghs-chromium-"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // One chromedriver per browser: quitting a ChromeDriver also stops the service it was given.
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withEnvironment(browserEnvironment())
                .build(),
            options);
  }

  /**
   * The environment of chromedriver, which Chromium inherits: a subclass sets {@code TZ} to run the
   * browser in a time zone other than the test JVM's.
   */
  protected Map<String, String> browserEnvironment() {
    return Map.of();
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  /** The run the page says it started, after a click on one of its action buttons. */
  protected long startedRun(String job) {
    waitFor(By.id("action-started"));
    String said = browser.findElement(By.id("action-started")).getText();
    Matcher m = Pattern.compile(job + " started: job run (\\d+) \\(").matcher(said);
    assertThat(m.find()).as(said).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** The text of the job table's row of {@code run}. */
  protected String jobTableRow(long run) {
    return browser
        .findElement(By.id("jobs"))
        .findElement(By.xpath("./tbody/tr[td[1][normalize-space()='" + run + "']]"))
        .getText();
  }

  protected static JsonNode awaitRunEnds(long run) {
    return OperationsIT.await(
        "job run " + run + " ends",
        () ->
            OperationsIT.json(
                TestServer.send("GET", "/api/v1/jobs/" + run, TestServer.get().viewer(), null)),
        j -> !j.path("state").asText().equals("running"));
  }

  protected static List<JsonNode> backups(String db) {
    List<JsonNode> out = new ArrayList<>();
    OperationsIT.json(
            TestServer.send(
                "GET", "/api/v1/deployments/" + db + "/backups", TestServer.get().viewer(), null))
        .path("items")
        .forEach(out::add);
    return out;
  }

  protected static List<Long> runIds(String db) {
    List<Long> out = new ArrayList<>();
    OperationsIT.json(
            TestServer.send(
                "GET", "/api/v1/jobs?deployment=" + db, TestServer.get().viewer(), null))
        .path("items")
        .forEach(j -> out.add(j.path("id").asLong()));
    return out;
  }

  /** Fills in the planner's form and submits it. */
  protected void plan(String kind, String value, String target) {
    new Select(browser.findElement(By.id("planner:kind"))).selectByValue(kind);
    for (Map.Entry<String, String> f :
        Map.of("planner:value", value, "planner:target", target).entrySet()) {
      WebElement input = browser.findElement(By.id(f.getKey()));
      input.clear();
      input.sendKeys(f.getValue());
    }
    WebElement before = browser.findElement(By.id("planner:plan"));
    before.click();
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.stalenessOf(before));
    waitFor(By.id("planner:plan"));
  }

  /** The plan's fields as the planner shows them: JSON path to value. */
  protected List<Map.Entry<String, String>> planShown() {
    return browser.findElements(By.cssSelector("#plan-fields tbody tr")).stream()
        .map(
            tr ->
                Map.entry(
                    tr.findElement(By.tagName("th")).getAttribute("textContent"),
                    tr.findElement(By.tagName("td")).getAttribute("textContent")))
        .toList();
  }

  protected static JsonNode apiPlan(String db, String request, int status) {
    HttpResponse<String> r =
        TestServer.send(
            "POST",
            "/api/v1/deployments/" + db + "/restore-plans",
            TestServer.get().viewer(),
            request);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return OperationsIT.json(r);
  }

  /** A JSON document's fields in document order, JSON path to value, as the planner lists them. */
  protected static List<Map.Entry<String, String>> fields(JsonNode document) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    flatten("", document, out);
    return out;
  }

  protected static void flatten(String path, JsonNode v, List<Map.Entry<String, String>> out) {
    if (v.isContainerNode() && v.isEmpty()) {
      out.add(Map.entry(path, v.isObject() ? "{}" : "[]"));
    } else if (v.isObject()) {
      v.fields()
          .forEachRemaining(
              e ->
                  flatten(
                      path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out));
    } else if (v.isArray()) {
      for (int i = 0; i < v.size(); i++) {
        flatten(path + "[" + i + "]", v.get(i), out);
      }
    } else {
      out.add(Map.entry(path, v.asText()));
    }
  }

  /**
   * Registers {@code pg} as deployment {@code name} with a fresh file repository under {@code work}
   * and its password in {@code password}, without a streamer: a backup receives its own WAL on a
   * temporary slot.
   */
  protected static void createDeployment(String name, PgCluster pg, Path work, Path password)
      throws IOException {
    createDeployment(name, pg, work, password, false);
  }

  /** As {@link #createDeployment(String, PgCluster, Path, Path)}, with its streamer if asked. */
  protected static void createDeployment(
      String name, PgCluster pg, Path work, Path password, boolean streaming) throws IOException {
    pg.createRole("backup", "backup-secret", true);
    String repo = "file://" + work.resolve("repo");
    // group-readable, so that a cluster restored from it can fetch WAL as PostgreSQL's OS user
    Cli.Result init = Cli.initRepository(repo);
    assertThat(init.exitCode()).as(init.toString()).isZero();
    Files.writeString(password, "backup-secret\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    HttpResponse<String> created =
        TestServer.send(
            "POST",
            "/api/v1/deployments",
            TestServer.get().admin(),
            "{\"name\": \""
                + name
                + "\", \"conninfo\": \"host=127.0.0.1 port="
                + pg.port()
                + " user=backup dbname=postgres\", \"password_ref\": \"file:"
                + password
                + "\", \"repository_url\": \""
                + repo
                + "\", \"streaming\": "
                + streaming
                + "}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  protected void signIn(String name, String password) {
    browser.findElement(By.id("username")).sendKeys(name);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("sign-in")).click();
  }

  protected void awaitLoginForm() {
    waitFor(By.id("login-form"));
  }

  protected void waitFor(By what) {
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.presenceOfElementLocated(what));
  }

  protected List<String> cspViolations() {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy"))
        .toList();
  }

  protected void screenshot(String name) {
    keep(name, (TakesScreenshot) browser);
  }

  /** Keeps a screenshot of {@code what} (the window, or one element) as {@code name}.png. */
  protected static void keep(String name, TakesScreenshot what) {
    Path dir = Path.of(System.getProperty("pghs.it.screenshots", "target/screenshots"));
    try {
      Files.createDirectories(dir);
      File shot = what.getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not keep the screenshot " + name, e);
    }
  }

  /** The words a POSIX shell makes of {@code line}, as the target host's shell would split it. */
  protected static List<String> shellWords(String line) {
    String out =
        Cmd.check(
                List.of("/bin/sh", "-c", "set -- " + line + "; printf '%s\\0' \"$@\""),
                Duration.ofSeconds(30))
            .output();
    return List.of(out.substring(0, out.length() - 1).split("\0", -1));
  }

  protected static String url(String path) {
    return TestServer.get().baseUrl() + path;
  }
}
