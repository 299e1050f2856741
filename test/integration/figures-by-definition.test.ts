// Property test: for random small fleets and histories, written through the app's own write paths in time order
// (uploads, triage, remediation steps), every compliance figure equals its definition (lib/compliance/
// figure-definitions.ts) computed naively here from the raw rows, for several scopes and dates; and the page
// (summary), the remediation board (metrics), the export, the printed report, the evidence pack and the trends
// state the same figures.
import fc from "fast-check";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetImages, residueSarif, trufflehogLines } from "@/bench/fleet";
import type { UserActor } from "@/lib/access/actor";
import { CONTROLS } from "@/lib/compliance/catalogue";
import { getComplianceSummary } from "@/lib/compliance/compliance-summary";
import { evidencePack } from "@/lib/compliance/evidence-pack";
import { exportFindings, type ExportRow } from "@/lib/compliance/export-findings";
import type { Figures } from "@/lib/compliance/figure-definitions";
import { getPeriodActivity } from "@/lib/compliance/period-activity";
import type { Scope } from "@/lib/compliance/scope";
import { getTrends } from "@/lib/compliance/trends";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { applyStepEvent } from "@/lib/remediation/steps";
import { getRemediationMetrics } from "@/lib/remediation/metrics";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { findingTypes, type FindingType } from "@/lib/vocabulary/finding-type";
import type { TriageChange } from "@/lib/triage/schemas";
import type { StepEvent } from "@/lib/remediation/schemas";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const system = { kind: "system", label: "test" } as const;
let t: TestDb;
let triager: UserActor;
let admin: UserActor;

beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(() => t.drop());

// Six images in three repositories, one per registry, on two shared bases: residue, base layers and reuse.
const IMAGES = fleetImages(6, { repositories: 3, bases: 2 });
const POOL = 12;

type Op =
  | { kind: "scan"; day: number; image: number; format: "sarif" | "trufflehog"; findings: number; seed: number }
  | { kind: "triage"; day: number; picks: number[]; change: "open" | "confirmed" | "resolved" | "fp" | "accept" }
  | {
      kind: "step";
      day: number;
      pick: number;
      event: "start" | "complete" | "na" | "attest" | "reopen" | "rotated" | "close";
    };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("scan" as const),
      day: fc.integer({ min: 0, max: 60 }),
      image: fc.integer({ min: 0, max: IMAGES.length - 1 }),
      format: fc.constantFrom("sarif" as const, "trufflehog" as const),
      findings: fc.integer({ min: 1, max: 6 }),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("triage" as const),
      day: fc.integer({ min: 0, max: 60 }),
      picks: fc.array(fc.nat(50), { minLength: 1, maxLength: 4 }),
      change: fc.constantFrom(
        "open" as const,
        "confirmed" as const,
        "confirmed" as const,
        "confirmed" as const,
        "resolved" as const,
        "fp" as const,
        "accept" as const,
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("step" as const),
      day: fc.integer({ min: 0, max: 60 }),
      pick: fc.nat(100),
      event: fc.constantFrom(
        "start" as const,
        "complete" as const,
        "na" as const,
        "na" as const,
        "attest" as const,
        "reopen" as const,
        "rotated" as const,
        "rotated" as const,
        "close" as const,
      ),
    }),
  },
);

async function reset() {
  await t.db.$executeRawUnsafe(
    `TRUNCATE "Registry", "Layer", "Scan", "Secret", "AuditEvent", "TrendWeek", "TrendWeekGroup", "user" CASCADE`,
  );
  const mk = async (email: string, role: "triager" | "admin") => {
    const u = await t.db.user.create({ data: { email, name: email, role } });
    return { kind: "user", userId: u.id, email: u.email, name: u.name, role } as UserActor;
  };
  triager = await mk("tri@x.test", "triager");
  admin = await mk("admin@x.test", "admin");
}

/** Runs a history in time order, as a server writes it; an action the app refuses (an illegal step) changes nothing. */
async function play(ops: Op[], start: number) {
  const sorted = ops.map((op, i) => ({ op, at: new Date(start + op.day * DAY + i * 60_000) }));
  sorted.sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const { op, at } of sorted) {
    if (op.kind === "scan") {
      const img = IMAGES[op.image]!;
      const opts = { secretPool: POOL, seed: op.seed };
      const report =
        op.format === "sarif" ? residueSarif(img, op.findings, opts) : trufflehogLines(img, op.findings, opts);
      await ingestScan({ content: Buffer.from(report), uploader: system, now: at });
      continue;
    }
    if (op.kind === "triage") {
      const all = (await t.db.secret.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((s) => s.id);
      if (!all.length) continue;
      const ids = [...new Set(op.picks.map((p) => all[p % all.length]!))];
      const change: TriageChange =
        op.change === "fp"
          ? { state: "false_positive", reason: "test data" }
          : op.change === "accept"
            ? { state: "accepted_risk", reason: "internal only", acceptedUntil: new Date(at.getTime() + 10 * DAY) }
            : { state: op.change };
      await triageSecrets(triager, { ids, change }, at);
      continue;
    }
    const steps = await t.db.remediationStep.findMany({ select: { id: true, kind: true }, orderBy: { id: "asc" } });
    const rotations = steps.filter((st) => st.kind === "rotate");
    if (op.event === "rotated") {
      // A rotation recorded, then (every other time) attested by an admin a day later.
      const step = rotations[op.pick % Math.max(1, rotations.length)];
      if (!step) continue;
      const rotation = { rotatedBy: "ops", rotatedAt: new Date(at.getTime() - HOUR), how: "vault rotate" };
      await refused(applyStepEvent(triager, { stepId: step.id, event: { type: "complete", rotation } }, at));
      if (op.pick % 2)
        await refused(
          applyStepEvent(
            admin,
            { stepId: step.id, event: { type: "attest", note: "rotated in the console" } },
            new Date(at.getTime() + DAY),
          ),
        );
      continue;
    }
    if (op.event === "close") {
      // Every step of one secret closed: its rotation recorded and attested, the others not applicable.
      const secret = rotations[op.pick % Math.max(1, rotations.length)];
      if (!secret) continue;
      const its = await t.db.remediationStep.findMany({
        where: { secretId: (await t.db.remediationStep.findUniqueOrThrow({ where: { id: secret.id } })).secretId },
      });
      for (const st of its)
        if (st.kind === "rotate") {
          const rotation = { rotatedBy: "ops", rotatedAt: new Date(at.getTime() - HOUR), how: "vault rotate" };
          await refused(applyStepEvent(triager, { stepId: st.id, event: { type: "complete", rotation } }, at));
          await refused(applyStepEvent(admin, { stepId: st.id, event: { type: "attest", note: "rotated" } }, at));
        } else
          await refused(
            applyStepEvent(triager, { stepId: st.id, event: { type: "not_applicable", reason: "retired" } }, at),
          );
      continue;
    }
    if (!steps.length) continue;
    const step = steps[op.pick % steps.length]!;
    const event: StepEvent =
      op.event === "complete"
        ? step.kind === "rotate"
          ? {
              type: "complete",
              rotation: { rotatedBy: "ops", rotatedAt: new Date(at.getTime() - HOUR), how: "vault rotate" },
            }
          : { type: "complete" }
        : op.event === "na"
          ? { type: "not_applicable", reason: "not deployed" }
          : op.event === "attest"
            ? { type: "attest", note: "rotated in the console" }
            : { type: op.event };
    await refused(applyStepEvent(op.event === "attest" ? admin : triager, { stepId: step.id, event }, at));
  }
}

/** The state machine refuses illegal events (conflict, bad request) and nothing changes; anything else fails. */
const refused = (p: Promise<unknown>) =>
  p.catch((e: { code?: string }) => {
    if (!["conflict", "bad_request"].includes(e.code ?? "")) throw e;
  });

// ---- The definitions, naively, from the raw rows ------------------------------------------------------------

type Raw = Awaited<ReturnType<typeof loadRaw>>;
async function loadRaw() {
  const [secrets, occurrences, images, repositories, registries, scans, steps, events] = await Promise.all([
    t.db.secret.findMany(),
    t.db.occurrence.findMany({ select: { secretId: true, imageId: true, repositoryId: true, firstSeenAt: true } }),
    t.db.image.findMany({ select: { id: true, repositoryId: true } }),
    t.db.repository.findMany({ select: { id: true, name: true, registryId: true } }),
    t.db.registry.findMany({ select: { id: true, host: true } }),
    t.db.scan.findMany({ select: { imageId: true, status: true, createdAt: true } }),
    t.db.remediationStep.findMany(),
    t.db.auditEvent.findMany({
      where: {
        entityType: "Secret",
        action: { in: ["secret.triaged", "secret.regressed", "secret.remediated", "secret.reopened", "secret.merged"] },
      },
      orderBy: [{ at: "asc" }, { id: "asc" }],
    }),
  ]);
  return { secrets, occurrences, images, repositories, registries, scans, steps, events };
}

function naiveFigures(raw: Raw, asOf: Date, current: boolean, scope: Scope, types?: FindingType[]): Figures {
  const t0 = asOf.getTime();
  const by = (d: Date | null | undefined) => d != null && d.getTime() <= t0;
  const host = new Map(raw.registries.map((g) => [g.id, g.host]));
  const repo = new Map(raw.repositories.map((r) => [r.id, r]));
  const repoInScope = (id: string) => {
    const r = repo.get(id)!;
    return (
      (!scope.registry || host.get(r.registryId) === scope.registry) &&
      (!scope.repository || r.name === scope.repository)
    );
  };
  const fleetWide = !scope.registry && !scope.repository;
  const occ = raw.occurrences.filter((o) => by(o.firstSeenAt) && repoInScope(o.repositoryId));
  const stateAt = (s: Raw["secrets"][number]) => {
    if (current) return s.triageState === "accepted_risk" && by(s.acceptedUntil) ? "open" : s.triageState;
    const last = raw.events.filter((e) => e.entityId === s.id && by(e.at)).at(-1);
    const after = (last?.after ?? {}) as { state?: string; acceptedUntil?: string };
    if (!last) return "open";
    if (after.state === "accepted_risk" && after.acceptedUntil && new Date(after.acceptedUntil).getTime() <= t0)
      return "open";
    return after.state;
  };
  const covered = raw.secrets.filter(
    (s) =>
      by(s.firstSeenAt) &&
      occ.some((o) => o.secretId === s.id) &&
      (!types || findingTypes(s).some((ty) => types.includes(ty))),
  );
  const stepsOf = (id: string) => raw.steps.filter((st) => st.secretId === id);
  const closed = (st: Raw["steps"][number]) =>
    (st.state === "verified" || st.state === "not_applicable") && by(st.verifiedAt ?? st.doneAt);
  const isOpen = (s: Raw["secrets"][number]) => ["open", "confirmed"].includes(stateAt(s)!) && !by(s.remediatedAt);
  const rotated = (id: string) =>
    stepsOf(id).some((st) => st.kind === "rotate" && st.state === "verified" && by(st.verifiedAt));
  const recorded = (id: string) =>
    stepsOf(id).some((st) => st.kind === "rotate" && (st.state === "done" || st.state === "verified") && by(st.doneAt));
  const open = covered.filter(isOpen);
  const confirmed = covered.filter((s) => by(s.confirmedAt));
  const remediated = covered.filter((s) => by(s.remediatedAt));
  const liveSteps = covered.flatMap((s) => stepsOf(s.id)).filter((st) => by(st.createdAt) && !closed(st));
  const openIds = new Set(open.map((s) => s.id));
  const imageIds = new Set(occ.filter((o) => openIds.has(o.secretId)).map((o) => o.imageId));
  const imageRepo = new Map(raw.images.map((i) => [i.id, i.repositoryId]));
  const scanImages = raw.scans.filter(
    (sc) =>
      sc.status === "completed" &&
      by(sc.createdAt) &&
      (fleetWide || (sc.imageId && repoInScope(imageRepo.get(sc.imageId)!))),
  );
  return {
    openSecrets: open.length,
    openCritical: open.filter((s) => s.severity === "critical").length,
    openLive: open.filter((s) => s.verifiedLive === true && !rotated(s.id)).length,
    confirmedSecrets: confirmed.length,
    rotatedSecrets: confirmed.filter((s) => rotated(s.id)).length,
    rotationsUnverified: confirmed.filter((s) => recorded(s.id) && !rotated(s.id)).length,
    remediatedSecrets: remediated.length,
    openSteps: liveSteps.length,
    overdueSteps: liveSteps.filter((st) => st.dueAt && st.dueAt.getTime() < t0).length,
    overdueRotations: open.filter(
      (s) =>
        (s.severity === "critical" || s.severity === "high") &&
        stepsOf(s.id).some(
          (st) =>
            st.kind === "rotate" &&
            st.dueAt &&
            st.dueAt.getTime() < t0 &&
            !(["done", "verified", "not_applicable"].includes(st.state) && by(st.doneAt)),
        ),
    ).length,
    mttrHours: remediated.length
      ? remediated.reduce((n, s) => n + s.remediatedAt!.getTime() - (s.confirmedAt ?? s.firstSeenAt).getTime(), 0) /
        remediated.length /
        HOUR
      : null,
    openExposureDays: open.reduce((n, s) => n + (t0 - s.firstSeenAt.getTime()) / DAY, 0),
    affectedImages: imageIds.size,
    affectedRegistries: new Set([...imageIds].map((i) => repo.get(imageRepo.get(i)!)!.registryId)).size,
    scans: scanImages.length,
  };
}

/** Figures equal, the averages and sums of time up to floating-point noise (a millionth of an hour or a day). */
function expectFigures(actual: Figures, expected: Figures, what: string) {
  const { mttrHours: m, openExposureDays: e, ...counts } = actual;
  const { mttrHours: em, openExposureDays: ee, ...expectedCounts } = expected;
  expect(counts, what).toEqual(expectedCounts);
  expect(m === null, `mttrHours ${what}`).toBe(em === null);
  if (m !== null) expect(Math.abs(m - em!), `mttrHours ${what}`).toBeLessThan(1e-6);
  expect(Math.abs(e - ee), `openExposureDays ${what}`).toBeLessThan(1e-6);
}

async function exported(asOf: Date, scope: Scope) {
  const rows: ExportRow[] = [];
  for await (const page of exportFindings({ asOf, scope })) rows.push(...page);
  return rows;
}

describe(`figures by definition on ${testDatabaseKind}`, () => {
  it("every figure, for random fleets and histories, scopes and dates, equals its definition; every report states it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 8, maxLength: 30 }), fc.nat(60), async (ops, pastDay) => {
        await reset();
        const start = Date.now() - 70 * DAY;
        await play(ops, start);
        const raw = await loadRaw();
        const scopes: Scope[] = [
          {},
          { registry: IMAGES[0]!.registry },
          { registry: IMAGES[1]!.registry, repository: IMAGES[1]!.repository },
          { repository: IMAGES[2]!.repository },
        ];
        // A past date (the end of some day of the history: replayed from the audit trail) and now (current state).
        const dates: { asOf: Date; current: boolean }[] = [
          { asOf: new Date(start + pastDay * DAY + 12 * HOUR), current: false },
          { asOf: new Date(), current: true },
          // After every write (all are dated in the past), replayed from history: the same as the current state.
          { asOf: new Date(Date.now() - 6_000), current: false },
        ];
        for (const scope of scopes)
          expectFigures(
            naiveFigures(raw, dates[2]!.asOf, false, scope),
            naiveFigures(raw, dates[2]!.asOf, true, scope),
            `history = current state ${JSON.stringify(scope)}`,
          );
        for (const { asOf, current } of dates)
          for (const scope of scopes) {
            const what = `${JSON.stringify(scope)} as of ${asOf.toISOString()}`;
            const summary = await getComplianceSummary(asOf, scope, { fresh: true });
            for (const c of summary)
              expectFigures(
                c.figures,
                naiveFigures(raw, asOf, current, scope, Object.keys(c.control.mappings) as FindingType[]),
                `${c.control.id} ${what}`,
              );
            const all = naiveFigures(raw, asOf, current, scope);
            if (!scope.registry && !scope.repository) {
              const {
                asOf: _a,
                rotationCoverage: _r,
                ...metrics
              } = await getRemediationMetrics({ asOf }, { fresh: true });
              expectFigures(metrics, all, `metrics ${what}`);
            }
            // The export lists every secret in scope, with its state then; the open ones are the figure's.
            const rows = await exported(asOf, scope);
            const openRows = rows.filter(
              (r) => ["open", "confirmed"].includes(String(r.triage_state)) && r.remediated_at === null,
            );
            expect(openRows.length, `export ${what}`).toBe(all.openSecrets);
            // The printed report: its open count, and every open secret listed.
            const period = await getPeriodActivity(new Date(asOf.getTime() - 30 * DAY), asOf, scope);
            expect(period.open, `report ${what}`).toBe(all.openSecrets);
            expect(new Set(period.openSecrets.map((s) => s.id))).toEqual(new Set(openRows.map((r) => r.secret_id)));
          }

        // The evidence pack's figures are the page's.
        const asOf = dates[0]!.asOf;
        const chunks: Uint8Array[] = [];
        for await (const c of evidencePack({ asOf, scope: scopes[1]!, generatedBy: "auditor@x.test" })) chunks.push(c);
        const pack = JSON.parse(strFromU8(unzipSync(Buffer.concat(chunks))["summary.json"]!)) as {
          controls: { id: string; figures: Figures }[];
        };
        const page = await getComplianceSummary(asOf, scopes[1]!);
        expect(pack.controls.map((c) => [c.id, c.figures])).toEqual(page.map((c) => [c.control.id, c.figures]));
        expect(pack.controls.map((c) => c.id)).toEqual(CONTROLS.map((c) => c.id));

        // Trends: each group's point in each week is the figure of the scope of that group at the week's end.
        const trends = (await getTrends({ asOf: new Date(), weeks: 10, groupBy: "registry" }, { fresh: true })).value;
        trends.weeks.forEach((week, k) => {
          const end =
            k === trends.weeks.length - 1 ? new Date() : new Date(new Date(`${week}T00:00:00Z`).getTime() + 7 * DAY);
          for (const { host: registry } of raw.registries) {
            const f = naiveFigures(raw, end, k === trends.weeks.length - 1, { registry });
            const point = trends.points.find((p) => p.week === week && p.group === registry);
            expect(
              { open: point?.openSecrets ?? 0, images: point?.affectedImages ?? 0 },
              `trends ${registry} week of ${week}`,
            ).toEqual({ open: f.openSecrets, images: f.affectedImages });
          }
        });
        // Scoped trends show the groups inside the scope only.
        const scoped = (
          await getTrends({ asOf: new Date(), weeks: 10, groupBy: "registry", scope: scopes[1]! }, { fresh: true })
        ).value;
        expect(scoped.points).toEqual(trends.points.filter((p) => p.group === scopes[1]!.registry));
      }),
      { numRuns: Number(process.env.FIGURES_RUNS ?? 25), endOnFailure: true },
    );
  }, 600_000);
});
