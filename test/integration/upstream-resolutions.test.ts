import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserActor } from "@/lib/access/actor";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { UPSTREAM_ACCEPTANCE_DAYS } from "@/lib/triage/apply-upstream";
import { readProjectFixture } from "@/test/helpers/fixtures";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

let t: TestDb;
let triager: UserActor;
const system = { kind: "system", label: "test" } as const;
const NOW = new Date("2026-11-30T12:00:00Z");

type Alert = Record<string, unknown>;
const alert = (n: number, secret: string, over: Alert = {}): Alert => ({
  number: n,
  html_url: `https://github.com/acme/web/security/secret-scanning/${n}`,
  state: "open",
  secret_type: "github_personal_access_token",
  secret_type_display_name: "GitHub Personal Access Token",
  secret,
  validity: "unknown",
  first_location_detected: { path: "deploy/ci.env", start_line: n },
  ...over,
});
const resolved = (resolution: string, at = "2026-11-01T10:00:00Z"): Alert => ({
  state: "resolved",
  resolution,
  resolved_at: at,
  resolved_by: { login: "mona" },
  resolution_comment: "checked",
});
const upload = (alerts: Alert[], now = NOW) =>
  ingestScan({ content: Buffer.from(JSON.stringify(alerts)), uploader: system, now });
/** The secret of alert n (each alert's first location is at line n of deploy/ci.env). */
const secretAtLine = async (line: number) =>
  (await t.db.occurrence.findFirstOrThrow({ where: { path: "deploy/ci.env", line }, include: { secret: true } }))
    .secret;
const token = (c: string) => `ghp_${c.repeat(36)}`;

beforeAll(async () => {
  t = await setupTestDb();
  const u = await t.db.user.create({ data: { email: "t@x.test", name: "Tess", role: "triager" } });
  triager = { kind: "user", userId: u.id, email: u.email, name: u.name, role: "triager" };
});
afterAll(() => t.drop());

describe(`resolved GitHub alerts on ${testDatabaseKind}`, () => {
  it("the real alert list: a false positive and a revoked token add no open secret; the open alert stays open", async () => {
    const r = await ingestScan({
      content: readProjectFixture("github-secret-scanning/github_secrets_detection_report_many_vul.json"),
      uploader: system,
      now: NOW,
    });
    expect(r.counts).toMatchObject({ findings: 3, newSecrets: 3 });
    const states = (await t.db.secret.findMany()).map((s) => [s.ruleId, s.triageState, s.verifiedLive]).sort();
    expect(states).toEqual([
      ["adafruit_io_key", "false_positive", true],
      ["aws_access_key_id", "open", true],
      ["github_personal_access_token", "resolved", false],
    ]);
    const fp = await t.db.secret.findFirstOrThrow({ where: { ruleId: "adafruit_io_key" } });
    expect(fp.triageReason).toBe(
      'Resolved as false positive in GitHub secret scanning by monalisa on 2020-11-07: "Example comment".',
    );
    const events = await t.db.auditEvent.findMany({ where: { action: "secret.triaged", entityId: fp.id } });
    expect(events.map((e) => e.actorLabel)).toEqual(["system: GitHub secret scanning"]);
    // Grouped under the repository the alerts name.
    const repos = await t.db.repository.findMany({ include: { registry: true } });
    expect(repos.map((x) => `${x.registry.host} ${x.name}`)).toEqual(["(none) github.com/octocat/Hello-World"]);
  });

  it("won't fix is an accepted risk for a review period; a person's decision in Residue is never overridden", async () => {
    await upload([alert(1, token("a")), alert(2, token("b"))]);
    const [a, b] = [await secretAtLine(1), await secretAtLine(2)];
    await triageSecrets(triager, { ids: [b.id], change: { state: "confirmed" } }, NOW);

    await upload([alert(1, token("a"), resolved("wont_fix")), alert(2, token("b"), resolved("false_positive"))]);
    const [a2, b2] = [await secretAtLine(1), await secretAtLine(2)];
    expect(b2.triageState).toBe("confirmed");
    expect(a2.id).toBe(a.id);
    expect(a2.triageState).toBe("accepted_risk");
    expect(a2.acceptedUntil?.toISOString()).toBe(
      new Date(Date.parse("2026-11-01T10:00:00Z") + UPSTREAM_ACCEPTANCE_DAYS * 86_400_000).toISOString(),
    );
  });

  it("a revoked alert verifies the rotation of a confirmed secret, with the alert as evidence", async () => {
    await upload([alert(3, token("c"))]);
    const s = await secretAtLine(3);
    await triageSecrets(triager, { ids: [s.id], change: { state: "confirmed" } }, NOW);
    const rotate = () => t.db.remediationStep.findFirstOrThrow({ where: { secretId: s.id, kind: "rotate" } });
    expect((await rotate()).state).toBe("todo");

    await upload([alert(3, token("c"), resolved("revoked", "2026-11-30T11:00:00Z"))]);
    const step = await rotate();
    expect(step.state).toBe("verified");
    expect(step.evidence).toMatchObject({
      verification: {
        kind: "revoked_upstream",
        service: "GitHub secret scanning",
        by: "mona",
        url: "https://github.com/acme/web/security/secret-scanning/3",
      },
    });
    expect((await t.db.secret.findUniqueOrThrow({ where: { id: s.id } })).triageState).toBe("confirmed");
  });

  it("one open alert for the same value keeps the secret open even if another alert for it is resolved", async () => {
    await upload([
      alert(4, token("d"), resolved("false_positive")),
      { ...alert(5, token("d")), first_location_detected: { path: "other.env", start_line: 1 } },
    ]);
    const rows = await t.db.secret.findMany({ where: { triageState: "open", ruleId: "github_personal_access_token" } });
    expect(rows.length).toBeGreaterThan(0);
    const occ = await t.db.occurrence.findMany({
      where: { secretId: { in: rows.map((r) => r.id) }, path: "other.env" },
    });
    expect(occ).toHaveLength(1);
  });
});
