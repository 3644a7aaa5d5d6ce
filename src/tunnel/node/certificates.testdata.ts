import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM material made at test time by the `openssl` command line. */
export interface TestCertificates {
  readonly caCert: string;
  readonly serverKey: string;
  readonly serverCert: string;
  /** A client certificate for `CN=upstream-1,O=example` with a SPIFFE URI and a DNS SAN, signed by the CA. */
  readonly clientKey: string;
  readonly clientCert: string;
  /** A client certificate with the same subject, signed by another CA the server does not trust. */
  readonly strangerKey: string;
  readonly strangerCert: string;
  /** The directory holding the files (removed by `dispose`). */
  readonly dir: string;
  dispose(): void;
}

function openssl(dir: string, args: readonly string[]): void {
  const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (result.error || result.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${result.error?.message ?? result.stderr}`);
}

/** Makes a CA, a server certificate for 127.0.0.1/localhost and client certificates, in a new temporary directory. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-certs-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ca = (name: string) =>
    openssl(dir, ["req", "-x509", ...ec, "-keyout", `${name}.key`, "-out", `${name}.crt`, "-subj", `/CN=${name}`, "-days", "2",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  const leaf = (name: string, signer: string, subject: string, extensions: string) => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(dir, ["req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
    openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${signer}.crt`, "-CAkey", `${signer}.key`, "-CAcreateserial",
      "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`]);
  };
  ca("test-ca");
  ca("stranger-ca");
  leaf("server", "test-ca", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  const clientExtensions = "subjectAltName=URI:spiffe://example.org/envoy/upstream-1,DNS:upstream-1.example.org\nextendedKeyUsage=clientAuth\n";
  leaf("client", "test-ca", "/CN=upstream-1/O=example", clientExtensions);
  leaf("stranger", "stranger-ca", "/CN=upstream-1/O=example", clientExtensions);
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  return {
    dir,
    caCert: read("test-ca.crt"),
    serverKey: read("server.key"),
    serverCert: read("server.crt"),
    clientKey: read("client.key"),
    clientCert: read("client.crt"),
    strangerKey: read("stranger.key"),
    strangerCert: read("stranger.crt"),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
