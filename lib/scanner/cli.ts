import fs from "node:fs";
import { parseArgs } from "node:util";
import { ResidueError } from "../errors";
import { MAX_MATCHES_PER_FILE } from "./detect";
import { MAX_MATCHES_PER_LAYER, scanImage } from "./scan-image";
import { toSarif } from "./to-sarif";

const SCAN_USAGE = `residue scan <image.tar | oci-layout-dir[:TAG] | oci.tar> [options]

Reads an image as docker save, an OCI layout or an OCI archive stores it, layer by layer, and writes SARIF where
each result names the layer that added the secret and the layer that deleted it.

  -o, --output FILE        write the SARIF here (default: stdout)
      --include-raw        put each secret's value in the SARIF (otherwise only its SHA-256 and SHA-1)
      --max-file-size N    skip files larger than N bytes (default 1048576)
      --platform OS/ARCH   the platform to scan in a multi-platform index (default linux/amd64)
      --tag TAG            the image to scan in an OCI layout that holds several (or LAYOUT:TAG)
      --upload URL         upload the SARIF to Residue (needs --token); --image REF files it under REF
      --token TOKEN        an API token with scans:write (or RESIDUE_TOKEN)
  -q, --quiet              no progress or summary on stderr

Exit: 0 clean, 1 secrets found, 2 error (a damaged archive is an error, never a clean scan).`;
const GATE_USAGE = `residue gate <image-ref-or-digest> --url URL --token TOKEN [--json]

Asks Residue whether an image may ship: fails while an open, unrotated secret is in it.
Exit: 0 pass, 1 fail, 2 error. RESIDUE_URL and RESIDUE_TOKEN stand in for --url and --token.`;
const USAGE = `Usage:\n  ${SCAN_USAGE.split("\n")[0]}\n  ${GATE_USAGE.split("\n")[0]}\n\nresidue <command> --help describes each. RESIDUE_URL and RESIDUE_TOKEN stand in for --url/--upload and --token.`;

type Io = { out: (s: string) => void; err: (s: string) => void; fetch: typeof fetch };
const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  fetch: globalThis.fetch,
};

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const help = rest.includes("--help") || rest.includes("-h");
    const page =
      command === "scan"
        ? SCAN_USAGE
        : command === "gate"
          ? GATE_USAGE
          : command === "--help" || command === "-h" || command === "help"
            ? USAGE
            : undefined;
    if (page && (help || page === USAGE)) {
      io.out(`${page}\n`);
      return 0;
    }
    if (command === "scan") return await scan(rest, io);
    if (command === "gate") return await gate(rest, io);
    io.err(`${USAGE}\n`);
    return 2;
  } catch (err) {
    io.err(
      `residue: ${err instanceof ResidueError || err instanceof TypeError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`,
    );
    return 2;
  }
}

async function scan(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: "string", short: "o" },
      "include-raw": { type: "boolean" },
      "max-file-size": { type: "string" },
      platform: { type: "string" },
      tag: { type: "string" },
      upload: { type: "string" },
      token: { type: "string" },
      image: { type: "string" },
      quiet: { type: "boolean", short: "q" },
    },
  });
  if (positionals.length !== 1)
    throw new ResidueError("bad_request", `scan needs exactly one image archive or layout.\n${USAGE}`);
  const maxFileBytes = values["max-file-size"] ? Number(values["max-file-size"]) : undefined;
  if (maxFileBytes !== undefined && !(maxFileBytes > 0))
    throw new ResidueError("bad_request", "--max-file-size must be a positive number of bytes.");
  const uploadUrl = values.upload ?? (values.token ? process.env.RESIDUE_URL : undefined);
  const token = values.token ?? process.env.RESIDUE_TOKEN;
  if (uploadUrl && !token) throw new ResidueError("bad_request", "--upload needs --token (or RESIDUE_TOKEN).");
  if (
    values["include-raw"] &&
    uploadUrl &&
    !uploadUrl.startsWith("https://") &&
    !/^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(uploadUrl)
  ) {
    throw new ResidueError("bad_request", "--include-raw uploads only over https (or to localhost).");
  }

  const result = await scanImage(positionals[0]!, {
    maxFileBytes,
    platform: values.platform,
    tag: values.tag,
    onProgress: values.quiet
      ? undefined
      : (p) => io.err(`\rlayer ${p.layer}/${p.layers} · ${(p.bytes / 1048576).toFixed(1)} MiB read · ${p.files} files`),
  });
  const sarif = JSON.stringify(toSarif(result, { includeRaw: values["include-raw"] }), null, 2);
  if (values.output) fs.writeFileSync(values.output, sarif);
  else if (!uploadUrl) io.out(`${sarif}\n`);
  const residue = result.findings.filter((f) => f.deletedIn).length;
  if (!values.quiet) {
    io.err(
      `\n${result.findings.length} finding(s), ${residue} residue (deleted in a later layer but still in the image), ${result.skipped.tooLarge + result.skipped.binary} file(s) skipped (${result.skipped.tooLarge} over the size limit, ${result.skipped.binary} binary); ${result.stats.layers} layers (${result.stats.distinctLayers} distinct) in ${result.stats.seconds.toFixed(1)} s\n`,
    );
    const t = result.truncated;
    if (t.files.length || t.layers.length)
      io.err(
        `truncated: ${t.files.length} file(s) and ${t.layers.length} layer(s) held more secrets than are reported (at most ${MAX_MATCHES_PER_FILE} per file, ${MAX_MATCHES_PER_LAYER} per layer)\n`,
      );
  }
  if (uploadUrl) {
    const url = new URL(uploadUrl);
    if (!url.pathname.endsWith("/api/v1/scans")) url.pathname = `${url.pathname.replace(/\/$/, "")}/api/v1/scans`;
    if (values.image) url.searchParams.set("image", values.image);
    // Answered when the ingest ends, within a minute; a larger report is followed at its status URL.
    url.searchParams.set("wait", "60");
    const auth = { authorization: `Bearer ${token}` };
    let res = await io.fetch(url, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: sarif,
    });
    type Answer = {
      message?: string;
      scanId?: string;
      counts?: { newSecrets: number };
      processing_status?: string;
      result?: Answer;
      error?: { message: string };
    };
    let body = (await res.json().catch(() => ({}))) as Answer;
    const statusUrl = res.status === 202 ? new URL(res.headers.get("location") ?? "", url) : undefined;
    for (let polls = 0; statusUrl && body.processing_status !== "complete"; polls++) {
      if (body.processing_status === "failed")
        throw new ResidueError("bad_request", `upload failed: ${body.error?.message ?? "processing failed"}`);
      if (polls > 600) throw new ResidueError("bad_request", `upload still processing after 10 minutes: ${statusUrl}`);
      await new Promise((r) => setTimeout(r, 1_000));
      res = await io.fetch(statusUrl, { headers: auth });
      body = (await res.json().catch(() => ({}))) as Answer;
      if (!res.ok) break;
    }
    if (!res.ok)
      throw new ResidueError("bad_request", `upload failed (${res.status}): ${body.message ?? res.statusText}`);
    const done = body.result ?? body;
    io.err(`uploaded: scan ${done.scanId}, ${done.counts?.newSecrets ?? 0} new secret(s)\n`);
  }
  return result.findings.length ? 1 : 0;
}

async function gate(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: "string" }, token: { type: "string" }, json: { type: "boolean" } },
  });
  const base = values.url ?? process.env.RESIDUE_URL;
  const token = values.token ?? process.env.RESIDUE_TOKEN;
  if (positionals.length !== 1 || !base || !token)
    throw new ResidueError("bad_request", `gate needs an image, --url and --token.\n${USAGE}`);
  const url = new URL("/api/v1/gate", base);
  url.searchParams.set("image", positionals[0]!);
  const res = await io.fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json().catch(() => ({}))) as {
    decision?: string;
    reasons?: { message: string }[];
    message?: string;
  };
  if (!res.ok)
    throw new ResidueError("bad_request", `gate query failed (${res.status}): ${body.message ?? res.statusText}`);
  if (values.json) io.out(`${JSON.stringify(body, null, 2)}\n`);
  io.err(
    `${body.decision === "pass" ? "PASS" : "FAIL"} ${positionals[0]}\n${(body.reasons ?? []).map((r) => `  - ${r.message}\n`).join("")}`,
  );
  return body.decision === "pass" ? 0 : 1;
}
