import { getDb } from "../db";
import { effectiveState } from "../vocabulary/triage-state";
import type { WebhookEventType } from "../vocabulary/webhook-event";
import { linksFor, renderBody, type DeliveryContent, type SecretSummary } from "./payloads";
import { postSigned } from "./post";

// Delivery of the outbox (WebhookEvent) to the subscriptions. Every worker process runs it every few seconds:
// 1. fan-out: each new event becomes one delivery per subscription it matches (type, severity, registry,
//    repository), and is marked;
// 2. delivery: the oldest pending delivery of each (subscription, subject) that is due is claimed with a lease (so
//    another process skips it while it is in flight), posted, and marked delivered or given its next attempt.
//    A later event about the same secret waits until the one before it is delivered or given up: in order per secret.
// At least once: a process that dies after a receiver answered but before it recorded that posts it again when the
// lease ends; `Residue-Delivery` (the delivery's id) lets the receiver drop the repeat.

export const MAX_ATTEMPTS = 8;
const LEASE_SECONDS = 60;
/** 10 s, 20 s, 40 s … capped at an hour: eight attempts span about 21 minutes. */
export const backoffSeconds = (attempt: number) => Math.min(10 * 2 ** (attempt - 1), 3600);

export async function fanOut(limit = 500): Promise<number> {
  return getDb().$transaction(async (tx) => {
    const events = await tx.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM "WebhookEvent" WHERE NOT "fannedOut" ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    if (!events.length) return 0;
    const ids = events.map((e) => e.id.toString());
    // Filters apply to secrets; an event about an upload (scan.failed) has none to match.
    await tx.$executeRaw`
      INSERT INTO "WebhookDelivery" (id, "subscriptionId", "eventId", "subjectId", "nextAttemptAt", "createdAt")
      SELECT gen_random_uuid()::text, s.id, e.id, e."subjectId", now(), now()
      FROM "WebhookEvent" e
      JOIN "WebhookSubscription" s ON s.active AND e.type = ANY(s.events)
      LEFT JOIN "Secret" sec ON sec.id = e."subjectId"
      WHERE e.id = ANY(${ids}::bigint[])
        AND (sec.id IS NULL OR cardinality(s.severities) = 0 OR sec.severity::text = ANY(s.severities))
        AND (sec.id IS NULL OR cardinality(s.registries) = 0 OR EXISTS (
          SELECT 1 FROM "SecretPlacement" p JOIN "Registry" r ON r.id = p."groupId"
          WHERE p."secretId" = sec.id AND p."groupBy" = 'registry' AND r.host = ANY(s.registries)))
        AND (sec.id IS NULL OR cardinality(s.repositories) = 0 OR EXISTS (
          SELECT 1 FROM "SecretPlacement" p JOIN "Repository" r ON r.id = p."groupId"
          WHERE p."secretId" = sec.id AND p."groupBy" = 'repository' AND r.name = ANY(s.repositories)))
      ORDER BY e.id, s.id
      ON CONFLICT ("subscriptionId", "eventId") DO NOTHING`;
    await tx.$executeRaw`UPDATE "WebhookEvent" SET "fannedOut" = true WHERE id = ANY(${ids}::bigint[])`;
    return ids.length;
  });
}

type Claimed = { id: string; subscriptionId: string; eventId: bigint; subjectId: string; attempts: number };

/** Posts what is due; returns how many were delivered and how many will be tried again or were given up. */
export async function deliverDue(now = new Date(), limit = 20) {
  const claimed = await getDb().$queryRaw<Claimed[]>`
    WITH heads AS (
      SELECT DISTINCT ON ("subscriptionId", "subjectId") id
      FROM "WebhookDelivery" WHERE status = 'pending'
      ORDER BY "subscriptionId", "subjectId", "eventId"
    ), due AS (
      SELECT d.id FROM "WebhookDelivery" d JOIN heads h ON h.id = d.id
      WHERE d."nextAttemptAt" <= ${now}::timestamp ORDER BY d."eventId" LIMIT ${limit} FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE "WebhookDelivery" d SET "nextAttemptAt" = ${now}::timestamp + make_interval(secs => ${LEASE_SECONDS}), attempts = d.attempts + 1
    FROM due WHERE d.id = due.id
    RETURNING d.id, d."subscriptionId", d."eventId", d."subjectId", d.attempts`;
  const results = await Promise.all(claimed.map((c) => deliverOne(c, now)));
  return {
    delivered: results.filter((r) => r === "delivered").length,
    retrying: results.filter((r) => r === "pending").length,
    failed: results.filter((r) => r === "failed").length,
  };
}

async function deliverOne(c: Claimed, now: Date): Promise<"delivered" | "pending" | "failed"> {
  const db = getDb();
  const [sub, event] = await Promise.all([
    db.webhookSubscription.findUnique({ where: { id: c.subscriptionId } }),
    db.webhookEvent.findUnique({ where: { id: c.eventId } }),
  ]);
  if (!sub || !event) return "failed";
  const secret = await secretSummary(c.subjectId);
  const content: DeliveryContent = {
    deliveryId: c.id,
    event: {
      id: event.id.toString(),
      type: event.type as WebhookEventType,
      at: event.at.toISOString(),
      actor: field(event.payload, "actor"),
      before: (event.payload as { before?: unknown })?.before ?? null,
      after: (event.payload as { after?: unknown })?.after ?? (event.type === "scan.failed" ? event.payload : null),
    },
    secret,
    links: linksFor(secret?.id ?? null),
  };
  const body = JSON.stringify(renderBody(sub.preset, content));
  const { status, error } = await postSigned(sub, body, { event: event.type, delivery: c.id });
  const outcome = !error ? "delivered" : c.attempts >= MAX_ATTEMPTS ? "failed" : "pending";
  await db.$executeRaw`
    UPDATE "WebhookDelivery" SET status = ${outcome}::"WebhookDeliveryStatus", "lastStatus" = ${status},
      "lastError" = ${error?.slice(0, 500) ?? null},
      "deliveredAt" = CASE WHEN ${outcome} = 'delivered' THEN ${now}::timestamp END,
      "nextAttemptAt" = ${new Date(now.getTime() + backoffSeconds(c.attempts) * 1000)}::timestamp
    WHERE id = ${c.id}`;
  return outcome;
}

const field = (payload: unknown, key: string) =>
  payload && typeof payload === "object" && typeof (payload as Record<string, unknown>)[key] === "string"
    ? ((payload as Record<string, unknown>)[key] as string)
    : null;

async function secretSummary(id: string): Promise<SecretSummary | null> {
  const s = await getDb().secret.findUnique({
    where: { id },
    select: {
      id: true,
      ruleId: true,
      detector: true,
      severity: true,
      triageState: true,
      acceptedUntil: true,
      redactedPreview: true,
      imageCount: true,
      placements: { select: { groupBy: true, groupId: true }, take: 200 },
    },
  });
  if (!s) return null;
  const ids = (g: "registry" | "repository") => s.placements.filter((p) => p.groupBy === g).map((p) => p.groupId);
  const [registries, repositories] = await Promise.all([
    getDb().registry.findMany({ where: { id: { in: ids("registry") } }, select: { host: true }, take: 20 }),
    getDb().repository.findMany({ where: { id: { in: ids("repository") } }, select: { name: true }, take: 20 }),
  ]);
  return {
    id: s.id,
    ruleId: s.ruleId,
    detector: s.detector,
    severity: s.severity,
    state: effectiveState(s),
    preview: s.redactedPreview,
    images: s.imageCount,
    registries: registries.map((r) => r.host).sort(),
    repositories: repositories.map((r) => r.name).sort(),
  };
}

/** Runs fan-out and delivery every few seconds in a worker process, one pass at a time. */
export function startWebhookDispatcher(everyMs = 2_000): () => void {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      await fanOut();
      await deliverDue();
    } catch (e) {
      console.error(`residue: webhook dispatch failed: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
