import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, suite, test } from "node:test";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { fullPush, tunnel } from "../registry.testdata.js";
import { initiatorTunnel, testReporter } from "./reporter.testdata.js";
import { startReportingServer } from "./start-reporting-server.js";
import type { ReportingServer } from "./reporting-server-options.js";
import { waitFor } from "./server.testdata.js";

const chromium = "/usr/bin/chromium";

/** Debian's chromium must be there in CI; locally its absence skips these tests with the reason printed. */
function chromiumMissing(): string | undefined {
  if (existsSync(chromium)) return undefined;
  const reason = `${chromium} is not installed (apt-get install -y chromium)`;
  if (process.env["CI"] !== undefined && process.env["CI"] !== "false") throw new Error(`${reason}; CI must install it`);
  process.stderr.write(`skipping: ${reason}\n`);
  return reason;
}

const missing = chromiumMissing();

/** The tunnel names in the page's rows, by reporting node, in page order. */
function rows(page: Page): Promise<string[]> {
  // Strings run in the page: the test's TypeScript has no DOM types.
  return page.evaluate(
    `[...document.querySelectorAll("section.node")].flatMap((s) => [...s.querySelectorAll("tr[data-tunnel]")].map((r) => s.dataset.node + "/" + r.dataset.tunnel))`,
  ) as Promise<string[]>;
}

/** Empties the search box as a person would: select all, delete. */
async function clearSearch(page: Page): Promise<void> {
  await page.click("#search", { clickCount: 3 });
  await page.keyboard.press("Backspace");
}

suite("the status page in a real browser", { skip: missing, timeout: 120_000 }, () => {
  let server: ReportingServer;
  let browser: Browser;
  let profile: string;
  before(async () => {
    server = await startReportingServer({ graceMs: 60_000 });
    profile = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-chromium-"));
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      userDataDir: profile,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  test("rows appear with a full push and change with a diff; the search box filters by initiator or tenant", async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    const blocked: string[] = [];
    page.on("requestfailed", (request) => blocked.push(request.url()));
    await page.goto(`http://127.0.0.1:${server.httpPort}/`, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(`document.getElementById("connection").textContent === "live"`, { timeout: 20_000 });
    assert.deepEqual(await rows(page), []);

    const { reporter, events } = testReporter(server.grpcPort, "upstream-1", { sendIntervalMs: 100 });
    try {
      reporter.addTunnel(initiatorTunnel("node-a", "tenant-x"));
      reporter.addTunnel(initiatorTunnel("node-b", "tenant-y"));
      // Names come from the network: markup in one must show as text.
      reporter.addTunnel(initiatorTunnel("<b>bold</b>", "tenant-z"));
      reporter.start();
      await waitFor("the full push's ACK", () => events.some((e) => e.type === "ack"));
      await page.waitForSelector('tr[data-tunnel="tenant-y:node-b"]', { timeout: 10_000 });
      assert.deepEqual(await rows(page), ["core/upstream-1/tenant-x:node-a", "core/upstream-1/tenant-y:node-b", "core/upstream-1/tenant-z:<b>bold</b>"]);
      assert.equal(await page.evaluate(`document.querySelectorAll("main b").length`), 0);
      assert.equal(await page.evaluate(`document.querySelector('tr[data-tunnel="tenant-z:<b>bold</b>"] td').textContent`), "tenant-z:<b>bold</b>");
      reporter.removeTunnel("tenant-z:<b>bold</b>");

      // A diff: one removed, one added.
      reporter.removeTunnel("tenant-x:node-a");
      reporter.addTunnel(initiatorTunnel("node-c", "tenant-y"));
      await page.waitForFunction(
        `document.querySelector('tr[data-tunnel="tenant-x:node-a"]') === null && document.querySelector('tr[data-tunnel="tenant-y:node-c"]') !== null`,
        { timeout: 10_000 },
      );
      assert.deepEqual(await rows(page), ["core/upstream-1/tenant-y:node-b", "core/upstream-1/tenant-y:node-c"]);
      assert.match(await page.$eval("#summary", (e) => e.textContent ?? ""), /^1 reporting node, 2 tunnels$/);

      // The search box: an initiator node id, then a tenant.
      await page.type("#search", "node-c");
      assert.deepEqual(await rows(page), ["core/upstream-1/tenant-y:node-c"]);
      await clearSearch(page);
      await page.type("#search", "TENANT-Y");
      assert.deepEqual(await rows(page), ["core/upstream-1/tenant-y:node-b", "core/upstream-1/tenant-y:node-c"]);
      await clearSearch(page);
      await page.type("#search", "tenant-x");
      assert.deepEqual(await rows(page), []);
      assert.match(await page.$eval("#summary", (e) => e.textContent ?? ""), /^0 of 2 tunnels on 0 of 1 nodes match$/);
    } finally {
      await reporter.stop();
    }
    // The node enters its grace period: shown as disconnected, its rows kept.
    await clearSearch(page);
    await page.waitForSelector('[data-state="grace"]', { timeout: 10_000 });
    assert.equal((await rows(page)).length, 2);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(blocked, []);
    await page.close();
  });

  test("a page of 250 rows at a time, with links to the next and previous pages", async () => {
    // After the first test, upstream-1 (cluster core) still holds 2 tunnels in its grace period.
    const big = { id: "big-1", cluster: "zz" };
    await server.registry.apply("s-big", fullPush(1n, Array.from({ length: 260 }, (_, t) => tunnel(`n${String(t).padStart(3, "0")}`)), big));
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(`http://127.0.0.1:${server.httpPort}/`, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(`document.getElementById("connection").textContent === "live" && document.querySelectorAll("tr[data-tunnel]").length > 0`, { timeout: 20_000 });
    const visible = (id: string) => page.evaluate(`!document.getElementById(${JSON.stringify(id)}).hidden`) as Promise<boolean>;
    const first = await rows(page);
    assert.equal(first.length, 250);
    assert.equal(await page.$eval("#page-label", (e) => e.textContent), "page 1 of 2");
    assert.deepEqual([await visible("previous-page"), await visible("next-page")], [false, true]);
    assert.match(await page.$eval("#summary", (e) => e.textContent ?? ""), /^2 reporting nodes, 262 tunnels$/);

    await page.click("#next-page");
    await page.waitForFunction(`document.getElementById("page-label").textContent === "page 2 of 2"`, { timeout: 10_000 });
    const second = await rows(page);
    assert.equal(second.length, 12);
    assert.deepEqual([await visible("previous-page"), await visible("next-page")], [true, false]);
    assert.equal(new Set([...first, ...second]).size, 262, "the two pages hold every row once");
    assert.equal(second.at(-1), "zz/big-1/n259");

    // The search narrows the rows to one page again.
    await page.type("#search", "n25");
    assert.equal(await page.$eval("#page-label", (e) => e.textContent), "page 1 of 1");
    assert.equal((await rows(page)).length, 10);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});
