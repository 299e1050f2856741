import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserActor } from "@/lib/access/actor";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { getRemediationMetrics } from "@/lib/remediation/metrics";
import { applyStepEvent } from "@/lib/remediation/steps";
import { recordTagEvents } from "@/lib/tags/record-tag-events";
import { bulkTriageSchema } from "@/lib/triage/schemas";
import { reopenExpiredRisks } from "@/lib/triage/reopen-expired-risks";
import { assignSecrets, triageSecrets } from "@/lib/triage/triage-secrets";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

let t: TestDb;
const system = { kind: "system", label: "test" } as const;
const RAW = "AKIAZZTESTREMEDIATION1";
const OTHER = "ghp_remediationTestToken0000000000000000";
const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A SARIF report as `residue scan` writes it: our own properties carry the value (hashed at ingest) and liveness. */
function sarif(secrets: { raw: string; verified?: boolean; path?: string }[]) {
  return JSON.stringify({
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: { name: "residue", rules: [{ id: "aws-access-key-id", properties: { "security-severity": "9.5" } }] },
        },
        results: secrets.map((s) => ({
          ruleId: "aws-access-key-id",
          level: "error",
          message: { text: "AWS access key" },
          locations: [
            { physicalLocation: { artifactLocation: { uri: s.path ?? "app/.env" }, region: { startLine: 3 } } },
          ],
          properties: { "residue/raw": s.raw, ...(s.verified === undefined ? {} : { "residue/verified": s.verified }) },
        })),
      },
    ],
  });
}
const ingest = (doc: string, image: string, now?: Date) =>
  ingestScan({ content: Buffer.from(doc), image, format: "sarif", uploader: system, now });

let triager: UserActor, viewer: UserActor;
let secretId: string;

beforeAll(async () => {
  t = await setupTestDb();
  const mk = async (role: UserActor["role"]) => {
    const u = await t.db.user.create({ data: { email: `${role}@x.test`, name: role, role } });
    return { kind: "user", userId: u.id, email: u.email, name: u.name, role } as UserActor;
  };
  await mk("admin"); // every installation has one; steps are owned by the others
  [triager, viewer] = [await mk("triager"), await mk("viewer")];
});
afterAll(() => t.drop());

const steps = () =>
  t.db.remediationStep.findMany({
    where: { secretId },
    include: { repository: true },
    orderBy: [{ kind: "asc" }, { scopeKey: "asc" }],
  });
const stepOf = async (kind: string, repo?: string) =>
  (await steps()).find((s) => s.kind === kind && (repo ? s.repository?.name === repo : true))!;
const audit = (action: string) => t.db.auditEvent.findMany({ where: { action }, orderBy: { at: "asc" } });

describe(`triage and remediation on ${testDatabaseKind}`, () => {
  it("one secret in two repositories; a viewer cannot triage; confirming creates the plan with SLA due dates", async () => {
    await ingest(sarif([{ raw: RAW }]), `ghcr.io/acme/api:1.0@${digest("a")}`, new Date("2026-11-20T00:00:00Z"));
    await ingest(sarif([{ raw: RAW }]), `docker.io/acme/worker:2@${digest("b")}`, new Date("2026-11-20T00:00:00Z"));
    const secret = await t.db.secret.findFirstOrThrow();
    secretId = secret.id;
    expect(secret.severity).toBe("critical");

    await expect(triageSecrets(viewer, { ids: [secretId], change: { state: "confirmed" } })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect((await t.db.secret.findUniqueOrThrow({ where: { id: secretId } })).triageState).toBe("open");

    const confirmedAt = new Date("2026-11-21T00:00:00Z");
    await triageSecrets(triager, { ids: [secretId], change: { state: "confirmed" } }, confirmedAt);
    const plan = await steps();
    expect(plan.map((s) => `${s.kind}:${s.repository?.name ?? ""}`).sort()).toEqual([
      "purge:acme/api",
      "purge:acme/worker",
      "rebuild:acme/api",
      "rebuild:acme/worker",
      "rotate:",
    ]);
    // critical → 1 day from confirmation (default SLA)
    expect(plan.every((s) => s.dueAt?.toISOString() === "2026-11-22T00:00:00.000Z")).toBe(true);
    const [event] = await audit("secret.triaged");
    expect(event).toMatchObject({
      actorLabel: "triager@x.test",
      before: { state: "open" },
      after: { state: "confirmed" },
    });
  });

  it("refuses a false positive without a reason and an accepted risk without a future expiry", () => {
    expect(bulkTriageSchema.safeParse({ ids: ["x"], change: { state: "false_positive" } }).success).toBe(false);
    expect(
      bulkTriageSchema.safeParse({
        ids: ["x"],
        change: { state: "accepted_risk", reason: "legacy box", acceptedUntil: "2020-01-01" },
      }).success,
    ).toBe(false);
    expect(
      bulkTriageSchema.safeParse({ ids: ["x"], change: { state: "false_positive", reason: "test fixture" } }).success,
    ).toBe(true);
  });

  it("a rebuild is verified by a scan of a newer digest of the same repository without the secret, and only there", async () => {
    await ingest(
      sarif([{ raw: OTHER, path: "other/file" }]),
      `ghcr.io/acme/api:1.1@${digest("c")}`,
      new Date("2026-11-22T00:00:00Z"),
    );
    expect((await stepOf("rebuild", "acme/api")).state).toBe("verified");
    expect((await stepOf("rebuild", "acme/api")).evidence).toMatchObject({
      verification: { kind: "clean_rescan", digest: digest("c") },
    });
    expect((await stepOf("rebuild", "acme/worker")).state).toBe("todo");
  });

  it("a purge is verified only when no tag points at an affected digest any more", async () => {
    // api:1.0 still points at the leaking digest: not yet.
    expect((await stepOf("purge", "acme/api")).state).toBe("todo");
    const r = await recordTagEvents(
      system,
      { events: [{ action: "deleted", image: "ghcr.io/acme/api:1.0" }] },
      new Date("2026-11-22T01:00:00Z"),
    );
    expect(r.verifiedPurges).toBe(1);
    expect((await stepOf("purge", "acme/api")).state).toBe("verified");
    await expect(
      recordTagEvents(system, { events: [{ action: "pushed", image: "ghcr.io/acme/api:1.0" }] }),
    ).rejects.toMatchObject({ code: "bad_request" });
  });

  it("illegal transitions are refused and change nothing; attestation is admin-only", async () => {
    const rotate = await stepOf("rotate");
    await expect(applyStepEvent(triager, { stepId: rotate.id, event: { type: "reopen" } })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(applyStepEvent(triager, { stepId: rotate.id, event: { type: "complete" } })).rejects.toMatchObject({
      code: "bad_request",
    });
    await expect(applyStepEvent(viewer, { stepId: rotate.id, event: { type: "start" } })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(
      applyStepEvent(triager, { stepId: rotate.id, event: { type: "attest", note: "trust me" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    // Only active triagers and admins own work, for steps and for secrets alike.
    await expect(
      applyStepEvent(triager, { stepId: rotate.id, event: { type: "assign", ownerId: viewer.userId } }),
    ).rejects.toMatchObject({ code: "bad_request" });
    await expect(assignSecrets(triager, { ids: [secretId], assigneeId: viewer.userId })).rejects.toMatchObject({
      code: "bad_request",
    });
    expect(await stepOf("rotate")).toEqual(rotate);
  });

  it("a recorded rotation is verified by a later report saying the key is dead; the secret resolves when every step is closed", async () => {
    const rotate = await stepOf("rotate");
    await applyStepEvent(
      triager,
      {
        stepId: rotate.id,
        event: {
          type: "complete",
          rotation: { rotatedBy: "ops", rotatedAt: new Date("2026-11-22T02:00:00Z"), how: "vault kv put secret/aws" },
        },
      },
      new Date("2026-11-22T02:00:00Z"),
    );
    expect((await stepOf("rotate")).state).toBe("done");
    // Same digest, rescanned: the credential is no longer live (and no new occurrence, so no regression).
    await ingest(
      sarif([{ raw: RAW, verified: false }]),
      `docker.io/acme/worker:2@${digest("b")}`,
      new Date("2026-11-22T03:00:00Z"),
    );
    expect((await stepOf("rotate")).state).toBe("verified");

    const worker = [await stepOf("rebuild", "acme/worker"), await stepOf("purge", "acme/worker")];
    await applyStepEvent(triager, {
      stepId: worker[0]!.id,
      event: { type: "not_applicable", reason: "worker image retired, never deployed" },
    });
    expect((await t.db.secret.findUniqueOrThrow({ where: { id: secretId } })).triageState).toBe("confirmed");
    await applyStepEvent(
      triager,
      { stepId: worker[1]!.id, event: { type: "not_applicable", reason: "repository deleted" } },
      new Date("2026-11-23T00:00:00Z"),
    );
    const s = await t.db.secret.findUniqueOrThrow({ where: { id: secretId } });
    expect(s).toMatchObject({ triageState: "resolved", remediatedAt: new Date("2026-11-23T00:00:00Z") });
    expect((await audit("secret.remediated")).map((e) => e.entityId)).toEqual([secretId]);

    const m = await getRemediationMetrics({ asOf: new Date("2026-11-24T00:00:00Z") });
    // Open: only the unrelated token the 1.1 scan found.
    expect(m).toMatchObject({
      openSecrets: 1,
      remediatedSecrets: 1,
      confirmedSecrets: 1,
      rotatedSecrets: 1,
      rotationCoverage: 1,
      mttrHours: 48,
    });
    // Nothing changed since: "now" (read from current state, not replayed) gives the same figures.
    expect(await getRemediationMetrics()).toMatchObject({
      openSecrets: 1,
      remediatedSecrets: 1,
      confirmedSecrets: 1,
      rotatedSecrets: 1,
      mttrHours: 48,
      affectedImages: m.affectedImages,
    });
    // As of before the fix, the same query shows the secret open and its steps overdue.
    const before = await getRemediationMetrics({ asOf: new Date("2026-11-22T12:00:00Z") });
    expect(before).toMatchObject({ openSecrets: 2, remediatedSecrets: 0 });
    expect(before.overdueSteps).toBeGreaterThan(0);
  });

  it("found again in a new digest after the rotation: a regression that reopens the plan", async () => {
    await ingest(sarif([{ raw: RAW }]), `ghcr.io/acme/api:1.2@${digest("d")}`, new Date("2026-11-24T00:00:00Z"));
    const s = await t.db.secret.findUniqueOrThrow({ where: { id: secretId } });
    expect(s).toMatchObject({ triageState: "confirmed", regression: true, remediatedAt: null });
    expect((await stepOf("rotate")).state).toBe("todo");
    expect((await stepOf("rebuild", "acme/api")).state).toBe("todo");
    expect((await stepOf("rebuild", "acme/worker")).state).toBe("not_applicable");
    expect((await audit("secret.regressed")).length).toBe(1);
  });

  it("an accepted risk reopens by itself on expiry; a false positive stays suppressed wherever it reappears", async () => {
    await ingest(
      sarif([{ raw: "AKIAZZACCEPTEDRISK0001" }, { raw: "AKIAZZFALSEPOSITIVE001", path: "test/fixture" }]),
      `ghcr.io/acme/api:1.3@${digest("e")}`,
      new Date("2026-11-24T01:00:00Z"),
    );
    const risk =
      (await t.db.secret
        .findFirstOrThrow({
          where: {
            redactedPreview: { startsWith: "AKIAZZ" },
            id: { not: secretId },
            occurrences: { some: { path: "/app/.env" } },
          },
        })
        .catch(() => null)) ??
      (await t.db.secret.findMany({ where: { id: { not: secretId } }, include: { occurrences: true } })).find((x) =>
        x.occurrences.some((o) => o.path.endsWith(".env")),
      )!;
    const fp = (
      await t.db.secret.findMany({ where: { id: { notIn: [secretId, risk.id] } }, include: { occurrences: true } })
    ).find((x) => x.occurrences.some((o) => o.path.endsWith("fixture")))!;
    await triageSecrets(triager, {
      ids: [risk.id],
      change: {
        state: "accepted_risk",
        reason: "legacy host, isolated",
        acceptedUntil: new Date(Date.now() + 86_400_000),
      },
    });
    await triageSecrets(triager, { ids: [fp.id], change: { state: "false_positive", reason: "test fixture" } });

    expect(await reopenExpiredRisks(new Date())).toBe(0);
    expect(await reopenExpiredRisks(new Date(Date.now() + 2 * 86_400_000))).toBe(1);
    expect((await t.db.secret.findUniqueOrThrow({ where: { id: risk.id } })).triageState).toBe("open");
    const reopened = (await audit("secret.triaged")).at(-1)!;
    expect(reopened).toMatchObject({
      entityId: risk.id,
      actorLabel: "system: risk acceptance expired",
      after: { state: "open" },
    });

    await ingest(
      sarif([{ raw: "AKIAZZFALSEPOSITIVE001", path: "test/fixture" }]),
      `quay.io/other/thing:1@${digest("f")}`,
    );
    expect((await t.db.secret.findUniqueOrThrow({ where: { id: fp.id } })).triageState).toBe("false_positive");
  });

  it("bulk triage writes one audit event per changed secret, in one transaction", async () => {
    const ids = (await t.db.secret.findMany({ select: { id: true } })).map((s) => s.id);
    const before = (await audit("secret.triaged")).length;
    await expect(
      triageSecrets(triager, { ids: [...ids, "does-not-exist"], change: { state: "resolved" } }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect((await audit("secret.triaged")).length).toBe(before);
    const r = await triageSecrets(triager, { ids, change: { state: "false_positive", reason: "bulk test" } });
    expect(r.changed).toBe(ids.length);
    expect((await audit("secret.triaged")).length).toBe(before + ids.length);
  });
});

describe(`evidence that exists before a secret is confirmed, on ${testDatabaseKind}`, () => {
  it("a repository already rebuilt and rescanned clean has its rebuild verified at confirmation", async () => {
    const KEY = "ghp_alreadyRebuiltBeforeConfirm0000000000";
    await ingest(
      sarif([{ raw: KEY, path: "app/old.env" }]),
      `ghcr.io/acme/early:1@${digest("e")}`,
      new Date("2026-11-21T00:00:00Z"),
    );
    await ingest(sarif([]), `ghcr.io/acme/early:2@${digest("f")}`, new Date("2026-11-22T00:00:00Z"));
    const [s] = await t.db.$queryRaw<
      { id: string }[]
    >`SELECT s.id FROM "Secret" s JOIN "Occurrence" o ON o."secretId" = s.id JOIN "Repository" r ON r.id = o."repositoryId" WHERE r.name = 'acme/early'`;
    await triageSecrets(triager, { ids: [s!.id], change: { state: "confirmed" } }, new Date("2026-11-23T00:00:00Z"));
    const rebuild = await t.db.remediationStep.findFirstOrThrow({ where: { secretId: s!.id, kind: "rebuild" } });
    expect(rebuild).toMatchObject({
      state: "verified",
      evidence: { verification: { kind: "clean_rescan", digest: digest("f") } },
    });
    expect((await t.db.remediationStep.findFirstOrThrow({ where: { secretId: s!.id, kind: "purge" } })).state).toBe(
      "todo",
    );
  });
});
