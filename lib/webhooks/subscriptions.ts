import { z } from "zod";
import { assertCan, type Actor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import { SEVERITIES } from "../vocabulary/severity";
import { WEBHOOK_EVENTS } from "../vocabulary/webhook-event";
import { linksFor, renderBody } from "./payloads";
import { postSigned } from "./post";
import { newSigningKey, sealSigningKey } from "./signing";

const list = (max: number, item: z.ZodType<string>) => z.array(item).max(max).default([]);

export const webhookSubscriptionSchema = z.object({
  name: z.string().trim().min(1, "Give it a name").max(100),
  url: z.url({ protocol: /^https?$/, error: "A webhook URL is http:// or https://" }).max(2048),
  preset: z.enum(["generic", "slack", "teams"]).default("generic"),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, "Pick at least one event").max(WEBHOOK_EVENTS.length),
  severities: list(5, z.enum(SEVERITIES)),
  registries: list(50, z.string().trim().min(1).max(256)),
  repositories: list(200, z.string().trim().min(1).max(512)),
});
export type WebhookSubscriptionInput = z.infer<typeof webhookSubscriptionSchema>;

/** Creates a subscription and returns its signing key, once. Admins only. */
export async function createWebhookSubscription(actor: Actor, input: WebhookSubscriptionInput) {
  assertCan(actor, "admin");
  const key = newSigningKey();
  return getDb().$transaction(async (tx) => {
    const sub = await tx.webhookSubscription.create({
      data: {
        ...input,
        secretSealed: new Uint8Array(0),
        createdById: actor.kind === "user" ? actor.userId : null,
      },
      select: { id: true, name: true },
    });
    await tx.webhookSubscription.update({
      where: { id: sub.id },
      data: { secretSealed: new Uint8Array(sealSigningKey(sub.id, key)) },
    });
    await recordAudit(tx, actor, {
      action: "webhook.created",
      entityType: "WebhookSubscription",
      entityId: sub.id,
      after: { name: input.name, url: input.url, preset: input.preset, events: input.events },
    });
    return { ...sub, signingKey: key };
  });
}

export async function deleteWebhookSubscription(actor: Actor, id: string) {
  assertCan(actor, "admin");
  await getDb().$transaction(async (tx) => {
    const gone = await tx.webhookSubscription.deleteMany({ where: { id } });
    if (!gone.count) throw new ResidueError("not_found", "That webhook no longer exists.");
    await recordAudit(tx, actor, { action: "webhook.deleted", entityType: "WebhookSubscription", entityId: id });
  });
}

/** Subscriptions with their last deliveries (newest first), for the admin page. */
export async function listWebhooks(actor: Actor) {
  assertCan(actor, "admin");
  const db = getDb();
  const [subs, deliveries] = await Promise.all([
    db.webhookSubscription.findMany({
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        name: true,
        url: true,
        preset: true,
        events: true,
        severities: true,
        registries: true,
        repositories: true,
        active: true,
        createdAt: true,
      },
    }),
    db.webhookDelivery.findMany({
      orderBy: { createdAt: "desc" },
      take: 100,
      select: {
        id: true,
        subscriptionId: true,
        status: true,
        attempts: true,
        lastStatus: true,
        lastError: true,
        createdAt: true,
        deliveredAt: true,
        nextAttemptAt: true,
        event: { select: { type: true, subjectId: true } },
      },
    }),
  ]);
  return { subscriptions: subs, deliveries };
}

/** "Send test": a signed ping, posted now, its answer returned (and audited); nothing goes through the outbox. */
export async function sendTestWebhook(actor: Actor, id: string) {
  assertCan(actor, "admin");
  const sub = await getDb().webhookSubscription.findUnique({ where: { id } });
  if (!sub) throw new ResidueError("not_found", "That webhook no longer exists.");
  const body = JSON.stringify(
    renderBody(sub.preset, {
      deliveryId: `test-${Date.now()}`,
      event: {
        id: "test",
        type: "secret.created",
        at: new Date().toISOString(),
        actor: null,
        before: null,
        after: null,
      },
      secret: {
        id: "test",
        ruleId: "test-rule",
        detector: "Residue test",
        severity: "info",
        state: "open",
        preview: "test…",
        images: 0,
        registries: [],
        repositories: ["residue/test"],
      },
      links: linksFor(null),
    }),
  );
  const answer = await postSigned(sub, body, { event: "ping" });
  await recordAudit(getDb(), actor, {
    action: "webhook.tested",
    entityType: "WebhookSubscription",
    entityId: id,
    after: answer,
  });
  return answer;
}
