import { spawnSync } from "node:child_process";

/**
 * Decides whether a test that needs an external program can run.
 *
 * In CI (`CI` set to anything but "false") a missing tool is a failure, so a
 * green run always means the check really happened. Locally the test may skip,
 * but only with the reason printed.
 *
 * @returns `undefined` when the tool is there, else a skip reason.
 * @throws when the tool is missing in CI.
 */
export function requireTool(command: string, versionArgs: readonly string[] = ["--version"]): string | undefined {
  const probe = spawnSync(command, versionArgs, { encoding: "utf8" });
  if (!probe.error && probe.status === 0) return undefined;
  const reason = `${command} is not installed (apt-get install -y ${debianPackage(command)})`;
  if (process.env["CI"] !== undefined && process.env["CI"] !== "false") {
    throw new Error(`${reason}; CI must install it`);
  }
  process.stderr.write(`skipping: ${reason}\n`);
  return reason;
}

function debianPackage(command: string): string {
  return command === "protoc" ? "protobuf-compiler libprotobuf-dev" : command;
}
