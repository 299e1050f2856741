import type { Actor } from "../access/actor";
import type { UploadPhase } from "../vocabulary/upload-phase";
import { databaseKindInUse, getDb } from "../db";
import { maintenanceIdle, noteIngestWrites } from "../db/maintenance";
import { retryTransaction } from "../db/retry-transaction";
import { sha256Hex } from "../hash";
import { formatImageRef, parseImageRef, type ImageRef } from "../images/parse-image-ref";
import { sourceName } from "../images/source-name";
import { ensureServerKey } from "../keys/server-key";
import { reconcileAfterIngest } from "../remediation/reconcile";
import { applyUpstreamResolutions } from "../triage/apply-upstream";
import { reopenRegressions } from "../triage/reopen-regressions";
import { reportParse } from "./parse-report";
import { persistIngest } from "./persist";
import { reportParts, type ReportSource } from "./read/report-parts";
import { resolveFindings, type ImageRow } from "./resolve-findings";
import type { IngestResult, UploadScanQuery } from "./schemas";

export type IngestScanOptions = UploadScanQuery & {
  /** The report: in memory, or spooled to a file (lib/api/upload/read-upload.ts) with its SHA-256. */
  content: Buffer | (ReportSource & { file: string; sha256: string });
  uploader: Actor;
  now?: Date;
  /** The id the scan gets (an upload's, so that its status URL names the scan); a new one otherwise. */
  scanId?: string;
  /** Told as the work moves on: read and parse, then write (with the findings parsed). */
  progress?: (p: { phase: Extract<UploadPhase, "parse" | "write">; findings?: number }) => Promise<void>;
};

/**
 * The idempotency key: the same bytes for the same image (or source) are one scan; the same report under another
 * image or source is not.
 */
export function contentKey(where: Pick<UploadScanQuery, "image" | "source">, sha256: string): string {
  const ref = where.image ? parseImageRef(where.image) : undefined;
  const source = sourceName(where.source);
  const scope = [ref ? `image:${formatImageRef(ref)}` : "", source ? `source:${source}` : ""].filter(Boolean);
  return scope.length ? sha256Hex(`${scope.join("\n")}\n${sha256}`) : sha256;
}

/**
 * The one orchestrator of an upload, a straight line: read and parse (lib/ingest/read, parse-report), resolve
 * identities (resolve-findings), then in one transaction write what the report says (persist, which returns what
 * changed), apply triage's regression rule to it, and let remediation reconcile its steps. A failure leaves nothing
 * behind, and the same bytes uploaded again add nothing (duplicate: true).
 */
export async function ingestScan(opts: IngestScanOptions): Promise<IngestResult> {
  const uploadImage = opts.image ? parseImageRef(opts.image) : undefined;
  const source = Buffer.isBuffer(opts.content)
    ? { bytes: opts.content, size: opts.content.length, sha256: sha256Hex(opts.content) }
    : opts.content;
  const contentSha256 = contentKey(opts, source.sha256);
  // Known already: answer from the stored scan without parsing again (persist re-checks inside its transaction).
  const known = await duplicateOf(contentSha256);
  if (known) return known;

  await opts.progress?.({ phase: "parse" });
  const parsed = await readAndParse(source, { format: opts.format, image: uploadImage });
  const plan = resolveFindings(parsed, uploadImage, ensureServerKey(), opts.source);
  const shown = plan.images.find((i) => i.key === plan.primaryImageKey) ?? plan.images[0];
  const meta = {
    id: opts.scanId,
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
  await opts.progress?.({ phase: "write", findings: findingCount });
  await maintenanceIdle();
  const now = opts.now ?? new Date();
  const r = await retryTransaction(async (tx) => {
    const written = await persistIngest(tx, meta, plan, now);
    if (written.duplicate) return written;
    await reopenRegressions(tx, { secretIds: written.seenAgain, scanId: written.scanId, now });
    await applyUpstreamResolutions(tx, { resolved: written.upstream, scanId: written.scanId, now });
    await reconcileAfterIngest(tx, {
      scanId: written.scanId,
      now,
      notLiveSecretIds: written.notLiveSecretIds,
      fresh: written.fresh,
    });
    return written;
  });
  // Another upload of the same bytes committed first: answer exactly as a later duplicate would.
  if (r.duplicate) return (await duplicateOf(contentSha256))!;
  await noteIngestWrites(r.newOccurrences + r.knownOccurrences, { db: getDb(), kind: databaseKindInUse() });
  return {
    scanId: r.scanId,
    duplicate: false,
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
}

/**
 * The report read and parsed. In a function of its own so that nothing else holds the parse session: after
 * resolving, the caller drops the findings, and a session still in scope would keep them all through the write.
 */
async function readAndParse(source: ReportSource, ctx: { format?: string; image?: ImageRef }) {
  const parse = reportParse(ctx);
  for await (const part of reportParts(source, { format: ctx.format })) parse.add(part);
  return parse.finish();
}

export async function duplicateOf(contentSha256: string): Promise<IngestResult | null> {
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
