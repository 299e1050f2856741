import type { Db } from "@/lib/db";
import { STATE_CHANGE_ACTIONS } from "@/lib/compliance/state-as-of";
import { Prisma } from "@/lib/generated/prisma/client";

/** Weekly trends by their direct definition, as getTrends returns them: every week joined to every occurrence. */
export const trendsByDefinition = async (db: Db, asOf: Date, weeks: number, groupBy: "registry" | "repository") =>
  (
    await db.$queryRaw<{ week: Date; grp: string; open: number; images: number }[]>`
  WITH weeks AS (
    SELECT LEAST(w + interval '7 days', ${asOf}::timestamp) AS w_end, w AS w_start
    FROM generate_series(date_trunc('week', ${asOf}::timestamp) - (${weeks - 1}::int * interval '1 week'), date_trunc('week', ${asOf}::timestamp), interval '1 week') AS w
  ), ev AS (
    SELECT "entityId" AS id, at, after ->> 'state' AS state, (after ->> 'acceptedUntil')::timestamp AS expires,
           lead(at) OVER (PARTITION BY "entityId" ORDER BY at, id) AS until
    FROM "AuditEvent" WHERE "entityType" = 'Secret' AND action IN ${STATE_CHANGE_ACTIONS}
  ), open_then AS (
    SELECT wk.w_start, wk.w_end, s.id
    FROM weeks wk JOIN "Secret" s ON s."firstSeenAt" <= wk.w_end AND (s."remediatedAt" IS NULL OR s."remediatedAt" > wk.w_end)
    LEFT JOIN ev ON ev.id = s.id AND ev.at <= wk.w_end AND (ev.until IS NULL OR ev.until > wk.w_end)
    -- An accepted risk whose date had passed by the week's end was open then.
    WHERE (CASE WHEN ev.state = 'accepted_risk' AND ev.expires <= wk.w_end THEN 'open' ELSE COALESCE(ev.state, 'open') END)
      IN ('open', 'confirmed')
  )
  SELECT ot.w_start AS week, ${groupBy === "registry" ? Prisma.sql`g.host` : Prisma.sql`g.host || '/' || r.name`} AS grp, count(DISTINCT ot.id)::int AS open, count(DISTINCT o."imageId")::int AS images
  FROM open_then ot JOIN "Occurrence" o ON o."secretId" = ot.id AND o."firstSeenAt" <= ot.w_end
  JOIN "Repository" r ON r.id = o."repositoryId" JOIN "Registry" g ON g.id = r."registryId"
  GROUP BY ot.w_start, grp ORDER BY ot.w_start, grp`
  ).map((p) => ({
    week: p.week.toISOString().slice(0, 10),
    group: p.grp,
    openSecrets: p.open,
    affectedImages: p.images,
  }));
