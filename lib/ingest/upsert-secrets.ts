import { credentialKind } from "../secrets/credential-kind";
import { IDENTITY_STRENGTH } from "../secrets/identity";
import { linkByPlace, unionFind, type PlacedEvidence } from "../secrets/link-findings";
import { mergeSecrets, type MergeGroup } from "../secrets/merge-secrets";
import { SEVERITIES } from "./finding";
import { allKeys, type IngestPlan, type SecretRow } from "./resolve-findings";
import { countsIfNew } from "./secret-counters";
import { chunks, cmp, rowsJson, type Tx } from "./write-batches";

export type UpsertedSecrets = {
  /** The plan's identity keys to the secret each is written to (several keys may meet in one secret). */
  secretIds: Map<string, string>;
  newSecrets: number;
  /** Secrets this ingest inserted: their counters were written with them (countsIfNew). */
  firstSeen: Set<string>;
};

/**
 * Finds or creates the secret of each credential of the plan, in the caller's transaction:
 * 1. by its keys: any key already known names its secret;
 * 2. by place: stored secrets where the plan's findings are, joined by lib/secrets/link-findings.ts (a masked
 *    finding beside a value, an AWS key id beside its secret);
 * 3. when that reaches several stored secrets, they were one credential all along and are merged
 *    (lib/secrets/merge-secrets.ts);
 * then inserts the new secrets, updates the known ones, and records every new key. A key another upload
 * recorded for another secret in the meantime merges the two; a known secret merged away by another upload since
 * it was looked up makes the transaction retry (ingest-report.ts), so no finding lands on a secret that is gone.
 */
export async function upsertSecrets(
  tx: Tx,
  plan: IngestPlan,
  ctx: { imageIds: Map<string, string>; layerIds: Map<string, string>; at: string; now: Date; scanId: string },
): Promise<UpsertedSecrets> {
  const allKeys = [...new Set(plan.secrets.flatMap((s) => s.keys.map((k) => k.key)))].sort(cmp);
  const known = new Map<string, string>();
  const nameOf = new Map<string, string>();
  for (const part of chunks(allKeys)) {
    const rows = await tx.$queryRaw<{ key: string; secretId: string; identityKey: string }[]>`
      SELECT k.key, k."secretId", s."identityKey" FROM "SecretKey" k JOIN "Secret" s ON s.id = k."secretId" WHERE k.key = ANY(${part}::text[])`;
    for (const r of rows) {
      known.set(r.key, r.secretId);
      nameOf.set(r.secretId, r.identityKey);
    }
  }

  // Components: plan credentials ("p:" identity key) and stored secrets ("s:" id) that are one credential.
  const components = unionFind();
  const reasons = new Map<string, Set<string>>();
  const stored = new Set<string>();
  const note = (a: string, b: string, reason: string) => {
    components.union(a, b);
    for (const x of [a, b]) {
      reasons.set(x, (reasons.get(x) ?? new Set()).add(reason));
      if (x.startsWith("s:")) stored.add(x.slice(2));
    }
  };
  for (const s of plan.secrets) for (const k of s.keys) if (known.has(k.key)) note(`p:${s.identityKey}`, `s:${known.get(k.key)}`, "shared key");
  for (const link of await linksByPlace(tx, plan, ctx)) note(link.a, link.b, link.reason);

  const byComponent = new Map<string, { rows: SecretRow[]; stored: Set<string> }>();
  const componentOf = (id: string) => {
    const root = components.find(id);
    let c = byComponent.get(root);
    if (!c) byComponent.set(root, (c = { rows: [], stored: new Set() }));
    return c;
  };
  for (const s of plan.secrets) componentOf(`p:${s.identityKey}`).rows.push(s);
  for (const id of stored) componentOf(`s:${id}`).stored.add(id);

  // Stored secrets a credential reached through evidence and not through its keys, and several stored secrets one
  // credential reached, are one credential: merged before anything is written to them.
  const merges: MergeGroup[] = [...byComponent.entries()]
    .filter(([, c]) => c.stored.size > 1)
    .map(([, c]) => ({ secretIds: [...c.stored].sort(), reasons: [...new Set([...c.stored].flatMap((id) => [...(reasons.get(`s:${id}`) ?? [])]))].sort() }));
  const survivor = await mergeSecrets(tx, merges, { now: ctx.now, scanId: ctx.scanId });
  const targetOf = (c: { stored: Set<string> }) => (c.stored.size ? (survivor.get([...c.stored][0]!) ?? [...c.stored][0]!) : null);
  // Names of the secrets reached by place only, or that survived a merge, were not read with the keys.
  const unnamed = [...new Set([...byComponent.values()].map(targetOf).filter((t): t is string => !!t && !nameOf.has(t)))].sort();
  if (unnamed.length) {
    for (const r of await tx.$queryRaw<{ id: string; identityKey: string }[]>`SELECT id, "identityKey" FROM "Secret" WHERE id = ANY(${unnamed}::text[])`) nameOf.set(r.id, r.identityKey);
  }

  // One row per secret written: a component's credentials combined, named by its stored secret if it has one.
  const writes = [...byComponent.values()].map((c) => {
    const row = combineRows(c.rows);
    const target = targetOf(c);
    return { row, target, name: target ? nameOf.get(target) : row.identityKey, planKeys: c.rows.map((r) => r.identityKey) };
  });
  if (writes.some((w) => w.target && !w.name)) throw retry("a known secret was merged by another upload");
  const combined = writes.some((w) => w.planKeys.length > 1);
  const occurrences = combined ? remapOccurrences(plan, new Map(writes.flatMap((w) => w.planKeys.map((k) => [k, w.row.identityKey])))) : plan.occurrences;
  const counts = countsIfNew({ images: plan.images, occurrences });

  const secretIds = new Map<string, string>();
  const firstSeen = new Set<string>();
  for (const part of chunks([...writes].sort((a, b) => cmp(a.name!, b.name!)))) {
    // Counters only on insert: a known secret's are moved by applyCounterDeltas once its occurrences are written.
    const rows = await tx.$queryRaw<{ id: string; identityKey: string; inserted: boolean }[]>`
      INSERT INTO "Secret" (id, "identityKind", "identityKey", detector, "ruleId", title, "redactedPreview", "valueLength", severity,
                            "verifiedLive", "firstSeenAt", "lastSeenAt", "createdAt", "updatedAt", "occurrenceCount", "imageCount",
                            "residueCount", "repositoryCount", "registryCount", "layerCount", "inFinalFs", "inHistory", "inConfig")
      SELECT gen_random_uuid()::text, x."identityKind"::"IdentityKind", x.name, x.detector, x."ruleId", x.title, x.preview, x."valueLength",
             x.severity::"Severity", x."verifiedLive", ${ctx.at}::timestamp, ${ctx.at}::timestamp, ${ctx.at}::timestamp, ${ctx.at}::timestamp, x.occurrences, x.images,
             x.residue, x.repositories, x.registries, x.layers, x.present, x.history, x.config
      FROM json_to_recordset(${rowsJson(part.map(({ row: { keys: _keys, ...row }, name }) => ({ ...counts.get(row.identityKey)!, ...row, name })))}::json)
           AS x("identityKind" text, name text, detector text, "ruleId" text, title text, preview text, "valueLength" int, severity text,
                "verifiedLive" boolean, occurrences int, images int, residue int, repositories int, registries int, layers int, present boolean,
                history boolean, config boolean)
      ON CONFLICT ("identityKey") DO UPDATE SET
        "lastSeenAt" = GREATEST("Secret"."lastSeenAt", EXCLUDED."lastSeenAt"),
        severity = LEAST("Secret".severity, EXCLUDED.severity),
        "verifiedLive" = CASE WHEN EXCLUDED."verifiedLive" IS NULL THEN "Secret"."verifiedLive" ELSE EXCLUDED."verifiedLive" END,
        -- Stronger evidence of a known secret (the value of one only seen masked) brings its kind and preview.
        "identityKind" = LEAST("Secret"."identityKind", EXCLUDED."identityKind"),
        "redactedPreview" = CASE WHEN EXCLUDED."identityKind" < "Secret"."identityKind" THEN EXCLUDED."redactedPreview" ELSE "Secret"."redactedPreview" END,
        "valueLength" = CASE WHEN EXCLUDED."identityKind" < "Secret"."identityKind" THEN EXCLUDED."valueLength" ELSE "Secret"."valueLength" END,
        "updatedAt" = EXCLUDED."updatedAt"
      RETURNING id, "identityKey", (xmax = 0) AS inserted`;
    const idOf = new Map(rows.map((r) => [r.identityKey, r]));
    for (const w of part) {
      const r = idOf.get(w.name!)!;
      // A known secret must still be the row it was: if it was merged away since, its name was free again.
      if (w.target && (r.inserted || r.id !== w.target)) throw retry("a known secret was merged by another upload");
      if (r.inserted) firstSeen.add(r.id);
      for (const k of w.planKeys) secretIds.set(k, r.id);
    }
  }

  // Every key not known before now names its secret. A key another upload recorded meanwhile merges the two.
  const fresh = plan.secrets.flatMap((s) => s.keys.filter((k) => !known.has(k.key)).map((k) => ({ key: k.key, kind: k.kind, secret: secretIds.get(s.identityKey)! })));
  const raced: MergeGroup[] = [];
  for (const part of chunks([...new Map(fresh.map((f) => [f.key, f])).values()].sort((a, b) => cmp(a.key, b.key)))) {
    const rows = await tx.$queryRaw<{ key: string; secretId: string }[]>`
      INSERT INTO "SecretKey" (key, "secretId", kind)
      SELECT x.key, x.secret, x.kind::"IdentityKind" FROM json_to_recordset(${rowsJson(part)}::json) AS x(key text, secret text, kind text)
      ON CONFLICT (key) DO UPDATE SET "secretId" = "SecretKey"."secretId"
      RETURNING key, "secretId"`;
    const want = new Map(part.map((f) => [f.key, f.secret]));
    for (const r of rows) if (r.secretId !== want.get(r.key)) raced.push({ secretIds: [r.secretId, want.get(r.key)!].sort(), reasons: ["shared key"] });
  }
  if (raced.length) {
    const after = await mergeSecrets(tx, raced, { now: ctx.now, scanId: ctx.scanId });
    for (const [k, id] of secretIds) secretIds.set(k, after.get(id) ?? id);
    // A secret inserted here and then merged is not new; one that took others in has their counters, not ours.
    for (const id of [...firstSeen]) if (after.has(id)) firstSeen.delete(id);
  }
  return { secretIds, newSecrets: firstSeen.size, firstSeen };
}

function retry(why: string): Error {
  // ingest-report.ts retries the whole transaction on this message, as on a deadlock.
  return new Error(`could not serialize the upload: ${why}`);
}

/** Several credentials of the plan that turned out to be one: every key, the strongest description. */
function combineRows(rows: SecretRow[]): SecretRow {
  if (rows.length === 1) return rows[0]!;
  const rank = (r: SecretRow) => IDENTITY_STRENGTH[r.identityKind] * 2 + (r.valueKnown ? 0 : 1);
  const lead = rows.reduce((best, r) => (rank(r) < rank(best) ? r : best));
  const keys = allKeys(rows.map((r) => r.keys));
  const live = rows.map((r) => r.verifiedLive);
  return {
    ...lead,
    identityKey: keys[0]!.key,
    identityKind: keys[0]!.kind,
    keys,
    valueKnown: rows.some((r) => r.valueKnown),
    severity: SEVERITIES.find((s) => rows.some((r) => r.severity === s))!,
    verifiedLive: live.includes(true) ? true : live.includes(false) ? false : null,
  };
}

/** The plan's occurrences under the identity each now belongs to, one per place. */
function remapOccurrences(plan: IngestPlan, to: Map<string, string>) {
  const out = new Map<string, IngestPlan["occurrences"][number]>();
  for (const o of plan.occurrences) {
    const identityKey = to.get(o.identityKey) ?? o.identityKey;
    const k = [identityKey, o.imageKey, o.layerKey, o.path, o.line].join("\0");
    if (!out.has(k)) out.set(k, { ...o, identityKey });
  }
  return [...out.values()];
}

/**
 * Stored secrets at the places of the plan's findings that can be joined by place (lib/secrets/link-findings.ts):
 * for a finding with its value, only occurrences seen masked (two values never meet by place) unless it is a part
 * of an AWS key pair; for a masked finding, everything there. Only layers and images that hold anything are
 * looked at: a new image with new layers costs two index probes.
 */
async function linksByPlace(tx: Tx, plan: IngestPlan, ctx: { imageIds: Map<string, string>; layerIds: Map<string, string> }) {
  const mine = plan.occurrences.map((o) => ({
    group: `p:${o.identityKey}`,
    layer: o.layerKey ? (ctx.layerIds.get(o.layerKey) ?? null) : null,
    image: ctx.imageIds.get(o.imageKey)!,
    path: o.path,
    line: o.line,
    credential: o.credential,
    valueKnown: o.valueKnown,
  }));
  if (!mine.length) return [];
  const layers = [...new Set(mine.map((m) => m.layer).filter((l): l is string => !!l))].sort();
  const images = [...new Set(mine.map((m) => m.image))].sort();
  const held = await tx.$queryRaw<{ id: string }[]>`
    SELECT x.v AS id FROM unnest(${layers}::text[]) AS x(v) WHERE EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."layerId" = x.v)
    UNION ALL
    SELECT x.v FROM unnest(${images}::text[]) AS x(v) WHERE EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."imageId" = x.v)`;
  if (!held.length) return [];
  const holding = new Set(held.map((h) => h.id));
  const places = [
    ...new Map(
      mine
        .filter((m) => (m.layer && holding.has(m.layer)) || holding.has(m.image))
        .map((m) => ({
          lid: m.layer && holding.has(m.layer) ? m.layer : null,
          image: holding.has(m.image) ? m.image : null,
          haslayer: !!m.layer,
          npath: m.path.replace(/^\/+/, ""),
          maskedonly: m.valueKnown && !(m.credential.family === "aws" && m.credential.part !== "whole"),
        }))
        .map((p) => [JSON.stringify(p), p]),
    ).values(),
  ];
  if (!places.length) return [];
  const stored = await tx.$queryRaw<{ layer: string | null; image: string | null; npath: string; secretId: string; line: number; valueKnown: boolean; detector: string; ruleId: string; title: string | null }[]>`
    WITH x AS (SELECT * FROM json_to_recordset(${rowsJson(places)}::json) AS x(lid text, image text, haslayer boolean, npath text, maskedonly boolean)),
    hits AS (
      SELECT x.lid AS layer, NULL::text AS image, x.npath, o."secretId", o.line, o."valueKnown"
      FROM x JOIN "Occurrence" o ON o."layerId" = x.lid
      WHERE x.lid IS NOT NULL AND ltrim(o.path, '/') = x.npath AND (NOT x.maskedonly OR NOT o."valueKnown")
      UNION
      SELECT NULL::text, x.image, x.npath, o."secretId", o.line, o."valueKnown"
      FROM x JOIN "Occurrence" o ON o."imageId" = x.image
      WHERE x.image IS NOT NULL AND ltrim(o.path, '/') = x.npath AND (NOT x.haslayer OR o."layerId" IS NULL) AND (NOT x.maskedonly OR NOT o."valueKnown")
    )
    SELECT h.*, s.detector, s."ruleId", s.title FROM hits h JOIN "Secret" s ON s.id = h."secretId"`;
  if (!stored.length) return [];
  const theirs: PlacedEvidence[] = stored.map((s) => ({
    group: `s:${s.secretId}`,
    layer: s.layer,
    image: s.image ?? "",
    path: s.npath,
    line: s.line,
    credential: credentialKind({ detector: s.detector, ruleId: s.ruleId, title: s.title ?? undefined }),
    valueKnown: s.valueKnown,
  }));
  // Links between stored secrets alone are not new evidence: the upload that placed them decided.
  return linkByPlace([...mine, ...theirs]).filter((l) => l.a.startsWith("p:") || l.b.startsWith("p:"));
}
