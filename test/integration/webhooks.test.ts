import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserActor } from "@/lib/access/actor";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { flagOverdueSteps } from "@/lib/remediation/flag-overdue-steps";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { backoffSeconds, deliverDue, fanOut, MAX_ATTEMPTS } from "@/lib/webhooks/dispatch";
import { verifySignature } from "@/lib/webhooks/signing";
import { createWebhookSubscription, sendTestWebhook } from "@/lib/webhooks/subscriptions";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

let t: TestDb;
let admin: UserActor;
const system = { kind: "system", label: "test" } as const;

/** A receiver that answers as told: a status, or no answer at all (a timeout). */
type Received = { headers: http.IncomingHttpHeaders; body: string };
function receiver() {
  const received: Received[] = [];
  let behaviour: () => number | "hang" = () => 200;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const b = behaviour();
      if (b === "hang") return; // never answers: the sender times out
      if (b >= 200 && b < 300) received.push({ headers: req.headers, body });
      res.writeHead(b).end();
    });
  });
  return {
    received,
    answer: (b: () => number | "hang") => (behaviour = b),
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)),
      ),
    stop: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

const RAW = ["ghp_" + "W".repeat(36), "ghp_" + "X".repeat(36)];
const trufflehog = (verified: boolean[]) =>
  RAW.map((raw, i) =>
    JSON.stringify({
      SourceMetadata: {
        Data: { Git: { file: `deploy/${i}.env`, line: 1, repository: "https://github.com/acme/web" } },
      },
      DetectorName: "Github",
      Verified: verified[i],
      Raw: raw,
    }),
  ).join("\n");

/** Every pass the workers would make, with the clock moved on so retries come due without waiting. */
async function drain(from: Date, rounds = 12) {
  let now = from;
  for (let i = 0; i < rounds; i++) {
    await fanOut();
    await deliverDue(now);
    now = new Date(now.getTime() + 3600_000);
  }
}

const r1 = receiver();
const r2 = receiver();
let generic: { id: string; signingKey: string };
let slack: { id: string; signingKey: string };

beforeAll(async () => {
  process.env.RESIDUE_WEBHOOK_TIMEOUT_SECONDS = "1";
  t = await setupTestDb();
  const u = await t.db.user.create({ data: { email: "a@x.test", name: "Ada", role: "admin" } });
  admin = { kind: "user", userId: u.id, email: u.email, name: u.name, role: "admin" };
  const [u1, u2] = [await r1.start(), await r2.start()];
  generic = await createWebhookSubscription(admin, {
    name: "all",
    url: u1,
    preset: "generic",
    events: ["secret.created", "secret.state_changed", "step.verified"],
    severities: [],
    registries: [],
    repositories: [],
  });
  slack = await createWebhookSubscription(admin, {
    name: "critical to Slack",
    url: u2,
    preset: "slack",
    events: ["secret.created"],
    severities: ["critical"],
    registries: [],
    repositories: [],
  });
});
afterAll(async () => {
  delete process.env.RESIDUE_WEBHOOK_TIMEOUT_SECONDS;
  await Promise.all([r1.stop(), r2.stop()]);
  await t.drop();
});

describe(`outgoing webhooks on ${testDatabaseKind}`, () => {
  it("a receiver that fails, times out and recovers gets every event once, in order per secret, signed", async () => {
    let calls = 0;
    // 500, no answer, 503, then fine.
    r1.answer(() => (++calls === 1 ? 500 : calls === 2 ? "hang" : calls === 3 ? 503 : 200));
    const start = new Date();
    await ingestScan({ content: Buffer.from(trufflehog([true, false])), uploader: system, now: start });
    const ids = (await t.db.secret.findMany({ orderBy: { id: "asc" } })).map((s) => s.id);
    await triageSecrets(admin, { ids, change: { state: "confirmed" } }, start);
    await triageSecrets(admin, { ids, change: { state: "false_positive", reason: "test keys" } }, start);
    await drain(start);

    const bodies = r1.received.map((r) => JSON.parse(r.body));
    // 2 created + 2 × 2 state changes; nothing twice.
    expect(bodies).toHaveLength(6);
    expect(new Set(r1.received.map((r) => r.headers["residue-delivery"])).size).toBe(6);
    for (const id of ids) {
      const mine = bodies.filter((b) => b.secret?.id === id).map((b) => [b.event.type, b.event.after?.state ?? null]);
      expect(mine).toEqual([
        ["secret.created", null],
        ["secret.state_changed", "confirmed"],
        ["secret.state_changed", "false_positive"],
      ]);
    }
    for (const r of r1.received) {
      expect(verifySignature(generic.signingKey, r.body, String(r.headers["residue-signature"]))).toBe(true);
      expect(verifySignature(generic.signingKey, r.body + " ", String(r.headers["residue-signature"]))).toBe(false);
      for (const raw of RAW) expect(r.body).not.toContain(raw);
    }
    const log = await t.db.webhookDelivery.findMany({
      where: { subscriptionId: generic.id },
      orderBy: { eventId: "asc" },
    });
    expect(log.every((d) => d.status === "delivered")).toBe(true);
    expect(log[0]!.attempts).toBeGreaterThan(1);
  });

  it("filters: only the critical (verified) secret reached the Slack subscription, as a Slack message", async () => {
    expect(r2.received).toHaveLength(1);
    const msg = JSON.parse(r2.received[0]!.body);
    expect(msg.text).toMatch(/^New critical Github secret ghp_/);
    expect(msg.blocks[0].type).toBe("section");
    expect(
      verifySignature(slack.signingKey, r2.received[0]!.body, String(r2.received[0]!.headers["residue-signature"])),
    ).toBe(true);
  });

  it("a receiver that never recovers: the delivery is given up after the last attempt, and later ones still go", async () => {
    r1.answer(() => 500);
    const start = new Date(Date.now() + 10 * 86_400_000);
    await ingestScan({
      content: Buffer.from(trufflehog([false, false]).replace(/W{36}/, "Y".repeat(36))),
      uploader: system,
      now: start,
    });
    await drain(start, MAX_ATTEMPTS + 2);
    const failed = await t.db.webhookDelivery.findMany({ where: { subscriptionId: generic.id, status: "failed" } });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: MAX_ATTEMPTS, lastStatus: 500, lastError: "HTTP 500" });
    expect(backoffSeconds(1)).toBe(10);
    expect(backoffSeconds(20)).toBe(3600);
  });

  it("the SLA job flags each overdue step of an open secret once, as a step.overdue event", async () => {
    // Both secrets of the first test have plans (confirmed, then false positives): one is confirmed again.
    const [fp, other] = await t.db.secret.findMany({
      where: { triageState: "false_positive" },
      orderBy: { id: "asc" },
    });
    await triageSecrets(admin, { ids: [fp!.id], change: { state: "confirmed" } });
    const open = await t.db.remediationStep.count({ where: { secretId: fp!.id } });
    const later = new Date(Date.now() + 400 * 86_400_000);
    expect(await flagOverdueSteps(later)).toBe(open);
    expect(await flagOverdueSteps(later)).toBe(0);
    const events = await t.db.webhookEvent.findMany({ where: { type: "step.overdue" } });
    // No subscription wants step.overdue: audited, but no outbox rows.
    expect(events).toHaveLength(0);
    expect(await t.db.auditEvent.count({ where: { action: "step.overdue" } })).toBe(open);
    // The other stays a false positive: its steps are not overdue business.
    expect(await t.db.remediationStep.count({ where: { secretId: other!.id } })).toBeGreaterThan(0);
  });

  it("no subscription for a type, no outbox rows; send test posts a signed ping and reports the answer", async () => {
    const before = await t.db.webhookEvent.count();
    await t.db.webhookSubscription.updateMany({ data: { active: false } });
    await triageSecrets(admin, { ids: [(await t.db.secret.findFirstOrThrow()).id], change: { state: "open" } });
    expect(await t.db.webhookEvent.count()).toBe(before);
    r1.answer(() => 204);
    expect(await sendTestWebhook(admin, generic.id)).toEqual({ ok: true, status: 204, error: null });
    r1.answer(() => 404);
    expect(await sendTestWebhook(admin, generic.id)).toEqual({ ok: false, status: 404, error: "HTTP 404" });
  });
});
