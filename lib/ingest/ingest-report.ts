import fs from "node:fs";
import type { Actor } from "../auth/actor";
import { getDb } from "../db";
import { sha256Hex } from "../hash";
import { maintenanceIdle, noteIngestWrites } from "../db/maintenance";
import { ResidueError } from "../errors";
import { formatImageRef, parseImageRef, type ImageRef } from "../images/parse-image-ref";
import { ensureServerKey } from "../secrets/server-key";
import type { ParseResult } from "./finding";
import { parseSarifFile } from "./parsers/sarif";
import { recordBatches } from "./json-lines";
import { checkFindings, jsonLinesParse, parseReport } from "./parsers/registry";
import type { SpooledReport } from "./read-upload";
import { persistIngest } from "./persist";
import { readDocument, startsAsJsonLines } from "./read-document";
import { resolveFindings, type ImageRow } from "./resolve-findings";
import type { IngestResult, UploadScanQuery } from "./schemas";

export type IngestReportOptions = UploadScanQuery & {
  /** The report: in memory, or spooled to a file by readUpload (large SARIF is then parsed streaming). */
  content: Buffer | SpooledReport;
  uploader: Actor;
  now?: Date;
};

// PostgreSQL codes worth one more try: deadlock, serialization failure, a unique race between two uploads.
const RETRYABLE = /40P01|40001|23505|deadlock|could not serialize/i;

/**
 * Parses one report, resolves identities and writes it in a single transaction: a failure leaves nothing behind,
 * and the same bytes uploaded again add nothing (duplicate: true).
 */
export async function ingestReport(opts: IngestReportOptions): Promise<IngestResult> {
  const uploadImage = opts.image ? parseImageRef(opts.image) : undefined;
  const source = Buffer.isBuffer(opts.content)
    ? { bytes: opts.content, size: opts.content.length, sha256: sha256Hex(opts.content) }
    : { ...opts.content, bytes: undefined };
  // Idempotency: the same bytes for the same image are one scan; the same report filed under another image is not.
  const contentSha256 = uploadImage
    ? sha256Hex(`image:${formatImageRef(uploadImage)}\n${source.sha256}`)
    : source.sha256;
  // Known already: answer from the stored scan without parsing again (persist re-checks inside its transaction).
  const known = await duplicateOf(contentSha256);
  if (known) return known;
  const parsed = await parseSource(source, { format: opts.format, image: uploadImage });
  const plan = resolveFindings(parsed, uploadImage, ensureServerKey());
  const shown = plan.images.find((i) => i.key === plan.primaryImageKey) ?? plan.images[0];
  const meta = {
    scanner: parsed.scanner,
    toolName: parsed.toolName ?? null,
    scannerVersion: parsed.scannerVersion?.slice(0, 100) ?? null,
    format: parsed.format,
    target: parsed.target?.slice(0, 1024) ?? null,
    contentSha256,
    sizeBytes: source.size,
    scannedAt: parsed.scannedAt ?? null,
    uploader: opts.uploader,
    findingsCount: parsed.findings.length,
    skippedCount: parsed.skipped,
  };
  const findingCount = parsed.findings.length;
  // The plan holds what persist needs; let the parsed findings go before the write (large reports).
  parsed.findings = [];

  // Statistics an earlier large upload is due (maintenance.ts) come first: planned without them, its rows may be
  // taken for none.
  await maintenanceIdle();
  let attempt = 0;
  for (;;) {
    try {
      const r = await getDb().$transaction((tx) => persistIngest(tx, meta, plan, opts.now ?? new Date()));
      // Another upload of the same bytes committed first: answer exactly as a later duplicate would.
      if (r.duplicate) return (await duplicateOf(contentSha256))!;
      await noteIngestWrites(r.newOccurrences + r.knownOccurrences);
      return {
        scanId: r.scanId,
        duplicate: r.duplicate,
        scanner: parsed.toolName ?? parsed.scanner,
        format: parsed.format,
        image: shown && shown.registry !== "(none)" ? imageLabel(shown) : null,
        counts: {
          findings: findingCount,
          secrets: plan.secrets.length,
          newSecrets: r.newSecrets,
          newOccurrences: r.newOccurrences,
          alreadyKnown: r.knownOccurrences,
          skipped: parsed.skipped,
        },
        links: { secrets: `/secrets?scan=${r.scanId}` },
      };
    } catch (err) {
      if (attempt++ < 4 && RETRYABLE.test(errorText(err))) continue;
      throw err;
    }
  }
}

async function duplicateOf(contentSha256: string): Promise<IngestResult | null> {
  const scan = await getDb().scan.findUnique({
    where: { contentSha256 },
    select: {
      id: true,
      scanner: true,
      toolName: true,
      format: true,
      findingsCount: true,
      skippedCount: true,
      image: {
        select: {
          digest: true,
          digestKind: true,
          repository: { select: { name: true, registry: { select: { host: true } } } },
        },
      },
    },
  });
  if (!scan) return null;
  const [seen] = await getDb().$queryRaw<{ occurrences: number; secrets: number }[]>`
    SELECT COALESCE(sum(occurrences), 0)::int AS occurrences, count(*)::int AS secrets FROM "ScanSecret" WHERE "scanId" = ${scan.id}`;
  const img = scan.image;
  return {
    scanId: scan.id,
    duplicate: true,
    scanner: scan.toolName ?? scan.scanner,
    format: scan.format,
    image:
      img && img.repository.registry.host !== "(none)"
        ? formatImageRef({
            registry: img.repository.registry.host,
            repository: img.repository.name,
            digest: img.digestKind === "manifest" ? img.digest : undefined,
          })
        : null,
    counts: {
      findings: scan.findingsCount,
      secrets: seen!.secrets,
      newSecrets: 0,
      newOccurrences: 0,
      alreadyKnown: seen!.occurrences,
      skipped: scan.skippedCount,
    },
    links: { secrets: `/secrets?scan=${scan.id}` },
  };
}

function imageLabel(i: ImageRow): string {
  return formatImageRef({
    registry: i.registry,
    repository: i.repository,
    tag: i.tag ?? undefined,
    digest: i.digestKind === "manifest" ? i.digest : undefined,
  });
}

// Above this size a SARIF report is parsed streaming from its file (bounded memory); smaller ones in one go.
const STREAM_SARIF_BYTES = 8 * 1024 * 1024;

async function parseSource(
  src: { bytes?: Buffer; file?: string; size: number },
  ctx: { format?: string; image?: ImageRef },
): Promise<ParseResult> {
  if (src.file) {
    const head = readHead(src.file);
    if (src.size > STREAM_SARIF_BYTES && (ctx.format === "sarif" || (!ctx.format && looksLikeSarif(head))))
      return checkFindings(await parseSarifFile(src.file));
    // JSON lines (trufflehog, Nosey Parker) a batch of records at a time: a 108 MiB trufflehog report read whole
    // took the server to 1.4 GiB.
    if (startsAsJsonLines(head, src.size <= HEAD_BYTES)) {
      const parse = jsonLinesParse(ctx);
      for await (const batch of recordBatches(fs.createReadStream(src.file, { highWaterMark: 1 << 20 })))
        parse.add(batch);
      return parse.finish();
    }
  }
  const bytes = src.bytes ?? fs.readFileSync(src.file!);
  return parseReport(readDocument(decodeUtf8(bytes)), ctx);
}

const HEAD_BYTES = 1 << 20;

/** The first MiB of a spooled report, as text (a multi-byte character cut at the end is harmless here). */
function readHead(file: string): string {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    return head
      .subarray(0, fs.readSync(fd, head, 0, head.length, 0))
      .toString("utf8")
      .replace(/^\uFEFF/, "");
  } finally {
    fs.closeSync(fd);
  }
}

/** SARIF names its version and runs near the top. */
function looksLikeSarif(head: string): boolean {
  return /^\s*\{/.test(head) && /"runs"\s*:/.test(head) && /"(version|\$schema)"\s*:/.test(head);
}

function decodeUtf8(content: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    throw new ResidueError(
      "bad_request",
      "The report is not UTF-8 text (a binary file, or gzip without Content-Encoding: gzip?).",
    );
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; originalCode?: string } }).cause;
  return `${err.message} ${cause?.code ?? ""} ${cause?.originalCode ?? ""} ${(err as { code?: string }).code ?? ""}`;
}
