import { credentialKind } from "../secrets/credential-kind";
import { IDENTITY_STRENGTH } from "../secrets/identity";
import { linkByPlace, unionFind, type PlacedEvidence } from "../secrets/link-findings";
import { mergeSecrets, type MergeGroup } from "../secrets/merge-secrets";
import { combinedLiveness } from "../vocabulary/liveness";
import { mostSevere } from "../vocabulary/severity";
import { allKeys, type IngestPlan, type SecretRow } from "./resolve-findings";
import { countsIfNew } from "./secret-counters";
import { eachChunk, cmp, rowsJson, type Tx } from "../db/write-batches";

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
  await eachChunk(allKeys, async (part) => {
    const rows = await tx.$queryRaw<{ key: string; secretId: string; identityKey: string }[]>`
      SELECT k.key, k."secretId", s."identityKey" FROM "SecretKey" k JOIN "Secret" s ON s.id = k."secretId" WHERE k.key = ANY(${part}::text[])`;
    for (const r of rows) {
      known.set(r.key, r.secretId);
      nameOf.set(r.secretId, r.identityKey);
    }
  });

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
  for (const s of plan.secrets)
    for (const k of s.keys) if (known.has(k.key)) note(`p:${s.identityKey}`, `s:${known.get(k.key)}`, "shared key");
  // A credential all of whose keys name one stored secret needs no placing where that secret already is.
  const owner = new Map<string, string>();
  for (const r of plan.secrets) {
    const owners = new Set(r.keys.map((k) => known.get(k.key)));
    if (owners.size === 1 && !owners.has(undefined)) owner.set(r.identityKey, [...owners][0]!);
  }
  for (const link of await linksByPlace(tx, plan, { ...ctx, owner })) note(link.a, link.b, link.reason);

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
    .map(([, c]) => ({
      secretIds: [...c.stored].sort(),
      reasons: [...new Set([...c.stored].flatMap((id) => [...(reasons.get(`s:${id}`) ?? [])]))].sort(),
    }));
  const survivor = await mergeSecrets(tx, merges, { now: ctx.now, scanId: ctx.scanId });
  const targetOf = (c: { stored: Set<string> }) =>
    c.stored.size ? (survivor.get([...c.stored][0]!) ?? [...c.stored][0]!) : null;
  // Names of the secrets reached by place only, or that survived a merge, were not read with the keys.
  const unnamed = [
    ...new Set([...byComponent.values()].map(targetOf).filter((t): t is string => !!t && !nameOf.has(t))),
  ].sort();
  if (unnamed.length) {
    for (const r of await tx.$queryRaw<
      { id: string; identityKey: string }[]
    >`SELECT id, "identityKey" FROM "Secret" WHERE id = ANY(${unnamed}::text[])`)
      nameOf.set(r.id, r.identityKey);
  }

  // One row per secret written: a component's credentials combined, named by its stored secret if it has one.
  const writes = [...byComponent.values()].map((c) => {
    const row = combineRows(c.rows);
    const target = targetOf(c);
    return {
      row,
      target,
      name: target ? nameOf.get(target) : row.identityKey,
      planKeys: c.rows.map((r) => r.identityKey),
    };
  });
  if (writes.some((w) => w.target && !w.name)) throw retry("a known secret was merged by another upload");
  const combined = writes.some((w) => w.planKeys.length > 1);
  const occurrences = combined
    ? remapOccurrences(plan, new Map(writes.flatMap((w) => w.planKeys.map((k) => [k, w.row.identityKey]))))
    : plan.occurrences;
  const counts = countsIfNew({ images: plan.images, occurrences });

  const secretIds = new Map<string, string>();
  const firstSeen = new Set<string>();
  await eachChunk(
    [...writes].sort((a, b) => cmp(a.name!, b.name!)),
    async (part) => {
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
    },
  );

  // Every key not known before now names its secret. A key another upload recorded meanwhile merges the two.
  const fresh = plan.secrets.flatMap((s) =>
    s.keys
      .filter((k) => !known.has(k.key))
      .map((k) => ({ key: k.key, kind: k.kind, secret: secretIds.get(s.identityKey)! })),
  );
  const raced: MergeGroup[] = [];
  await eachChunk(
    [...new Map(fresh.map((f) => [f.key, f])).values()].sort((a, b) => cmp(a.key, b.key)),
    async (part) => {
      const rows = await tx.$queryRaw<{ key: string; secretId: string }[]>`
      INSERT INTO "SecretKey" (key, "secretId", kind)
      SELECT x.key, x.secret, x.kind::"IdentityKind" FROM json_to_recordset(${rowsJson(part)}::json) AS x(key text, secret text, kind text)
      ON CONFLICT (key) DO UPDATE SET "secretId" = "SecretKey"."secretId"
      RETURNING key, "secretId"`;
      const want = new Map(part.map((f) => [f.key, f.secret]));
      for (const r of rows)
        if (r.secretId !== want.get(r.key))
          raced.push({ secretIds: [r.secretId, want.get(r.key)!].sort(), reasons: ["shared key"] });
    },
  );
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
  return {
    ...lead,
    identityKey: keys[0]!.key,
    identityKind: keys[0]!.kind,
    keys,
    valueKnown: rows.some((r) => r.valueKnown),
    severity: mostSevere(rows.map((r) => r.severity))!,
    verifiedLive: combinedLiveness(rows.map((r) => r.verifiedLive)),
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
async function linksByPlace(
  tx: Tx,
  plan: IngestPlan,
  ctx: { imageIds: Map<string, string>; layerIds: Map<string, string>; owner: Map<string, string> },
) {
  const all = plan.occurrences.map((o) => ({
    group: `p:${o.identityKey}`,
    layer: o.layerKey ? (ctx.layerIds.get(o.layerKey) ?? null) : null,
    image: ctx.imageIds.get(o.imageKey)!,
    path: o.path,
    line: o.line,
    credential: o.credential,
    valueKnown: o.valueKnown,
    owner: ctx.owner.get(o.identityKey),
  }));
  // A known secret in a layer (or, without one, an image) it was already seen in was placed there then: the same
  // bytes hold the same neighbours. A fleet rescanning shared base layers asks nothing more of them.
  const placeOf = (s: string, l: string | null, i: string | null) => `${s}\0${l ?? ""}\0${i ?? ""}`;
  const owned = [
    ...new Map(
      all
        .filter((m) => m.owner)
        .map((m) => [
          placeOf(m.owner!, m.layer, m.layer ? null : m.image),
          { s: m.owner, l: m.layer, i: m.layer ? null : m.image },
        ]),
    ).values(),
  ];
  const placed = new Set<string>();
  await eachChunk(owned, async (part) => {
    const rows = await tx.$queryRaw<{ s: string; l: string | null; i: string | null }[]>`
      SELECT x.s, x.l, x.i FROM json_to_recordset(${rowsJson(part)}::json) AS x(s text, l text, i text)
      WHERE (x.l IS NOT NULL AND EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."layerId" = x.l AND o."secretId" = x.s))
         OR (x.l IS NULL AND EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."imageId" = x.i AND o."secretId" = x.s))`;
    for (const r of rows) placed.add(placeOf(r.s, r.l, r.i));
  });
  const mine = all.filter((m) => !m.owner || !placed.has(placeOf(m.owner, m.layer, m.layer ? null : m.image)));
  if (!mine.length) return [];
  const norm = (path: string) => path.replace(/^\/+/, "");
  const layers = [...new Set(mine.map((m) => m.layer).filter((l): l is string => !!l))].sort();
  const images = [...new Set(mine.map((m) => m.image))].sort();
  const paths = [...new Set(mine.map((m) => norm(m.path)))].sort();
  // Index lookups by layer and by image, whatever the statistics say: right after a large first upload the planner
  // may take Occurrence for empty and scan it whole for each of these, on every report of a fleet.
  await tx.$executeRaw`SELECT set_config('enable_seqscan', 'off', true)`;
  const rows = await tx.$queryRaw<
    {
      layer: string | null;
      image: string;
      npath: string;
      secretId: string;
      line: number;
      valueKnown: boolean;
      detector: string;
      ruleId: string;
      title: string | null;
    }[]
  >`
    WITH hits AS (
      SELECT o."layerId" AS layer, o."imageId" AS image, ltrim(o.path, '/') AS npath, o."secretId", o.line, o."valueKnown"
      FROM "Occurrence" o WHERE o."layerId" = ANY(${layers}::text[]) AND ltrim(o.path, '/') = ANY(${paths}::text[])
      UNION
      SELECT o."layerId", o."imageId", ltrim(o.path, '/'), o."secretId", o.line, o."valueKnown"
      FROM "Occurrence" o WHERE o."imageId" = ANY(${images}::text[]) AND ltrim(o.path, '/') = ANY(${paths}::text[])
    )
    SELECT h.*, s.detector, s."ruleId", s.title FROM hits h JOIN "Secret" s ON s.id = h."secretId"`;
  await tx.$executeRaw`SELECT set_config('enable_seqscan', 'on', true)`;
  // What each finding of the plan may meet: in its layer, or in its image where one side has no layer; a value
  // only meets what was seen masked, unless it is part of an AWS key pair.
  const wanted = new Set(
    mine.flatMap((m) => [`L\0${m.layer}\0${norm(m.path)}`, `I\0${m.image}\0${norm(m.path)}\0${m.layer ? "l" : ""}`]),
  );
  const seeksValues = new Set(
    mine
      .filter((m) => !m.valueKnown || (m.credential.family === "aws" && m.credential.part !== "whole"))
      .map((m) => norm(m.path)),
  );
  const stored = rows.flatMap((r) => {
    if (r.valueKnown && !seeksValues.has(r.npath)) return [];
    const out = [];
    if (r.layer && wanted.has(`L\0${r.layer}\0${r.npath}`)) out.push({ ...r, image: null });
    if (wanted.has(`I\0${r.image}\0${r.npath}\0`) || (!r.layer && wanted.has(`I\0${r.image}\0${r.npath}\0l`)))
      out.push({ ...r, layer: null });
    return out;
  });
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
