package io.nightjar.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/check-report.sh} on real reports: headless Chromium renders the page and keeps every chart. The
 * rendering test is skipped where Debian's chromium is not installed ({@code apt-get install -y chromium}); the
 * offline check needs no browser.
 */
class ReportChromiumTest {

  @Test
  void chromiumRendersEveryChart(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
        "Debian's chromium is not installed (apt-get install -y chromium): rendering check skipped");
    Path report = tmp.resolve("report.html");
    Files.writeString(report, ReportWriter.html(SampleReports.als()), StandardCharsets.UTF_8);
    Result result = run(report, tmp.resolve("report.png"));
    assertEquals(0, result.code(), result.output());
    assertTrue(result.output().contains("check-report: PASS") && result.output().contains(" 5 <svg> chart(s)"),
        result.output());
    assertTrue(Files.size(tmp.resolve("report.png")) > 10_000, "a screenshot with something on it");
  }

  @Test
  void aReportThatReachesForTheNetworkFails(@TempDir Path tmp) throws Exception {
    String html = ReportWriter.html(SampleReports.minimal())
        .replace("</footer>", "<img src=\"https://cdn.example.invalid/logo.png\" alt=\"\"/></footer>");
    Path report = tmp.resolve("report.html");
    Files.writeString(report, html, StandardCharsets.UTF_8);
    Result result = run(report, tmp.resolve("report.png"));
    assertEquals(1, result.code(), result.output());
    assertTrue(result.output().contains("FAIL") && result.output().contains("cdn.example.invalid"), result.output());
  }

  private record Result(int code, String output) {}

  private static Result run(Path report, Path png) throws IOException, InterruptedException {
    Path script = TestFiles.projectDir().resolve("scripts/check-report.sh");
    Process process = new ProcessBuilder("bash", script.toString(), report.toString(), png.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("check-report.sh did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}
