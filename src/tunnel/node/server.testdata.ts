import { request as httpRequest } from "node:http";
import type { ReportingServer } from "./reporting-server-options.js";

/** GETs `path` from the server's HTTP port; resolves with the status, content type and body text. */
export function httpGet(port: number, path: string, method = "GET"): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, path, method }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"] ?? ""), text }));
    });
    request.on("error", reject);
    request.end();
  });
}

/** GETs JSON from the server's HTTP port and asserts nothing but that it parses. */
export async function getJson<T = unknown>(port: number, path: string): Promise<{ status: number; body: T }> {
  const { status, text } = await httpGet(port, path);
  return { status, body: JSON.parse(text) as T };
}

/** The `/tunnels` answer reduced to `reportingNode.id/name` strings, sorted, for exact comparisons. */
export async function tunnelNames(server: ReportingServer, query = ""): Promise<string[]> {
  const { body } = await getJson<{ tunnels: { name: string; reportingNode: { id: string } }[] }>(server.httpPort, `/tunnels${query}`);
  return body.tunnels.map((t) => `${t.reportingNode.id}/${t.name}`).sort();
}

/** Polls `check` every 10 ms until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
