// Seeds a fleet at query-benchmark scale with set-based SQL (generate_series), because ingesting 10,000 reports
// one by one would measure the ingest path again, not the pages. Same tables and counters as ingest writes.
import type { Db } from "../lib/db";

export type ScaleSize = {
  images: number;
  occurrencesPerImage: number;
  secrets: number;
  repositories: number;
  bases: number;
};

export async function seedScale(db: Db, size: ScaleSize): Promise<void> {
  const { images, occurrencesPerImage: per, secrets, repositories, bases } = size;
  const q = (sql: string) => db.$executeRawUnsafe(sql);
  await q(
    `INSERT INTO "Registry"(id, host) VALUES ('reg0','ghcr.io'),('reg1','docker.io'),('reg2','registry.gitlab.com')`,
  );
  await q(
    `INSERT INTO "Repository"(id, "registryId", name) SELECT 'repo'||r, 'reg'||(r % 3), 'bench/svc-'||r FROM generate_series(0, ${repositories - 1}) r`,
  );
  await q(`INSERT INTO "Image"(id, "repositoryId", digest, "digestKind", "firstSeenAt", "lastSeenAt")
           SELECT 'img'||i, 'repo'||(i % ${repositories}), 'sha256:'||md5('a'||i)||md5('b'||i), 'manifest',
                  now() - ((${images} - i) * interval '1 minute'), now() - ((${images} - i) * interval '1 minute')
           FROM generate_series(0, ${images - 1}) i`);
  await q(
    `INSERT INTO "Layer"(id, key, "diffId", size, "sharedAcrossRepositories") SELECT 'base'||b, 'sha256:'||md5('base'||b)||md5('x'||b), 'sha256:'||md5('base'||b)||md5('x'||b), 50000000, true FROM generate_series(0, ${bases - 1}) b`,
  );
  await q(
    `INSERT INTO "Layer"(id, key, "diffId", size) SELECT 'own'||i, 'sha256:'||md5('own'||i)||md5('y'||i), 'sha256:'||md5('own'||i)||md5('y'||i), 2000000 FROM generate_series(0, ${images - 1}) i`,
  );
  await q(`INSERT INTO "ImageLayer"("imageId", position, "layerIndex", "layerId", "createdBy")
           SELECT 'img'||i, 0, 0, 'base'||(i % ${bases}), 'ADD rootfs.tar /' FROM generate_series(0, ${images - 1}) i
           UNION ALL SELECT 'img'||i, 1, NULL, NULL, 'ARG VERSION' FROM generate_series(0, ${images - 1}) i
           UNION ALL SELECT 'img'||i, 2, 1, 'own'||i, 'COPY app /app' FROM generate_series(0, ${images - 1}) i`);
  await q(`UPDATE "ImageLayer" SET "emptyLayer" = true WHERE position = 1`);
  // The newest image of each repository carries "latest"; older ones keep release tags.
  await q(
    `INSERT INTO "Tag"(id, "repositoryId", name, "imageId") SELECT 'tag'||i, 'repo'||(i % ${repositories}), CASE WHEN i >= ${images - repositories} THEN 'latest' ELSE 'v'||i END, 'img'||i FROM generate_series(0, ${images - 1}) i`,
  );
  await q(`INSERT INTO "Secret"(id, "identityKind", "identityKey", detector, "ruleId", "redactedPreview", severity, "triageState", "firstSeenAt", "lastSeenAt", "createdAt", "updatedAt", "confirmedAt")
           SELECT 'sec'||s, 'hmac', md5('k'||s)||md5('l'||s), 'bench', (ARRAY['aws-access-key-id','github-pat','slack-bot-token','private-key','npm-token'])[1 + s % 5],
                  'benc•••• (40 chars)', (ARRAY['critical','high','medium','low','info'])[1 + (s * 7) % 5]::"Severity",
                  (ARRAY['open','open','open','confirmed','false_positive','resolved'])[1 + (s * 13) % 6]::"TriageState",
                  now() - interval '60 days' + (s % 60) * interval '1 day', now(), now(), now(),
                  CASE WHEN (s * 13) % 6 = 3 THEN now() - interval '10 days' END
           FROM generate_series(0, ${secrets - 1}) s`);
  await q(`INSERT INTO "Path"(value) SELECT '/app/src/module-'||k||'.env' FROM generate_series(0, ${per - 1}) k`);
  // Skewed reuse: secret = floor(secrets * u^3); ~15% of occurrences in the shared base layer, 10% residue.
  await q(`INSERT INTO "Occurrence"(id, "secretId", "imageId", "repositoryId", "layerKey", "layerId", "layerPosition", path, "pathId", line, source, residue, "deletedInPosition", scanner, "firstSeenAt", "lastSeenAt")
           SELECT 'occ'||i||'_'||k, 'sec'||floor(${secrets} * power(((hashint4(i * 1000 + k) & 2147483647)::float8 / 2147483648), 3))::int,
                  'img'||i, 'repo'||(i % ${repositories}),
                  CASE WHEN k % 7 = 0 THEN 'sha256:'||md5('base'||(i % ${bases}))||md5('x'||(i % ${bases})) ELSE 'sha256:'||md5('own'||i)||md5('y'||i) END,
                  CASE WHEN k % 7 = 0 THEN 'base'||(i % ${bases}) ELSE 'own'||i END,
                  CASE WHEN k % 7 = 0 THEN 0 ELSE 2 END,
                  '/app/src/module-'||k||'.env', (SELECT id FROM "Path" WHERE value = '/app/src/module-'||k||'.env'), 1 + k % 40, 'file', k % 10 = 0, CASE WHEN k % 10 = 0 THEN 2 END,
                  (ARRAY['residue','trivy','trufflehog'])[1 + k % 3], now() - interval '30 days', now()
           FROM generate_series(0, ${images - 1}) i, generate_series(0, ${per - 1}) k
           ON CONFLICT DO NOTHING`);
  await q(`UPDATE "Secret" s SET "occurrenceCount" = c.n, "imageCount" = c.images, "residueCount" = c.residue, "inFinalFs" = c.present, "inSharedLayer" = c.shared,
             "repositoryCount" = c.repos, "registryCount" = c.registries, "layerCount" = c.layers
           FROM (SELECT o."secretId", count(*)::int n, count(DISTINCT o."imageId")::int images, (count(*) FILTER (WHERE o.residue))::int residue,
                        bool_or(NOT o.residue) present, bool_or(o."layerId" LIKE 'base%') shared, count(DISTINCT o."repositoryId")::int repos,
                        count(DISTINCT r."registryId")::int registries, count(DISTINCT o."layerId")::int layers
                 FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId" GROUP BY o."secretId") c
           WHERE s.id = c."secretId"`);
  // Plans for confirmed secrets, some steps verified, some overdue.
  await q(`INSERT INTO "RemediationStep"(id, "secretId", kind, "scopeKey", state, "dueAt", "createdAt", "updatedAt")
           SELECT 'st'||s.id, s.id, 'rotate', '', CASE WHEN hashint4(length(s.id)) % 2 = 0 THEN 'todo' ELSE 'verified' END::"StepState", now() - interval '3 days', now() - interval '10 days', now()
           FROM "Secret" s WHERE s."triageState" = 'confirmed'`);
  await q(`INSERT INTO "AuditEvent"(id, at, "actorLabel", action, "entityType", "entityId", after)
           SELECT 'ae'||s.id, now() - interval '10 days', 'bench', 'secret.triaged', 'Secret', s.id, jsonb_build_object('state', s."triageState"::text)
           FROM "Secret" s WHERE s."triageState" <> 'open'`);
  // As a running database would be: autovacuum (PostgreSQL) or Residue's own after ingests (PGlite, lib/db/maintenance.ts).
  await q(`VACUUM ANALYZE`);
}
