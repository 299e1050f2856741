import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getSecretRoute, PATCH as patchSecretRoute } from "@/app/api/v1/secrets/[id]/route";
import { POST as bulkRoute } from "@/app/api/v1/secrets/bulk/route";
import { GET as listComments, POST as addComment } from "@/app/api/v1/secrets/[id]/comments/route";
import { GET as timelineRoute } from "@/app/api/v1/secrets/[id]/timeline/route";
import { GET as listStepsRoute } from "@/app/api/v1/remediation/steps/route";
import { GET as getStepRoute, PATCH as patchStepRoute } from "@/app/api/v1/remediation/steps/[id]/route";
import { POST as stepEventRoute } from "@/app/api/v1/remediation/steps/[id]/events/route";
import type { TokenScope } from "@/lib/access/permissions";
import { createApiToken } from "@/lib/auth/api-tokens";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { getSecretActivity } from "@/lib/secrets/get-secret-activity";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

const system = { kind: "system", label: "test" } as const;
let t: TestDb;
const tokens: Partial<Record<string, string>> = {};
let userId: string;
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });
type Handler = (req: NextRequest, c: ReturnType<typeof ctx>) => Promise<Response>;

async function call(
  handler: Handler,
  opts: {
    token: string;
    method?: string;
    path?: string;
    body?: unknown;
    params?: Record<string, string>;
    headers?: Record<string, string>;
  },
) {
  const res = await handler(
    new NextRequest(`http://localhost${opts.path ?? "/api/v1/x"}`, {
      method: opts.method ?? "GET",
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      headers: { authorization: `Bearer ${tokens[opts.token]}`, ...opts.headers },
    }),
    ctx(opts.params),
  );
  return { status: res.status, etag: res.headers.get("etag"), body: await res.json() };
}

const gitleaks = (secrets: string[]) =>
  JSON.stringify(
    secrets.map((s, i) => ({
      RuleID: "github-pat",
      Description: "GitHub PAT",
      StartLine: i + 1,
      Secret: s,
      File: "ci/.env",
    })),
  );
const pat = (c: string) => `ghp_${c.repeat(36)}`;

beforeAll(async () => {
  t = await setupTestDb();
  const mk = async (name: string, scopes: TokenScope[]) =>
    (tokens[name] = (await createApiToken(system, { name, scopes })).token);
  await mk("read", ["read"]);
  await mk("triage", ["triage:write", "read"]);
  await mk("remediate", ["remediation:write", "read"]);
  await mk("attest", ["remediation:write", "remediation:attest"]);
  await mk("upload", ["scans:write"]);
  const u = await t.db.user.create({ data: { email: "owner@x.test", name: "Olive Owner", role: "triager" } });
  userId = u.id;
  await ingestScan({
    content: Buffer.from(gitleaks([pat("a"), pat("b"), pat("c")])),
    image: "ghcr.io/acme/api:1.0@sha256:" + "1".repeat(64),
    uploader: system,
  });
});
afterAll(() => t.drop());

const secretIds = async () =>
  (await t.db.secret.findMany({ orderBy: { id: "asc" } })).map((s) => s.id) as [string, ...string[]];

describe(`triage over the API on ${testDatabaseKind}`, () => {
  it("scopes: read cannot triage, triage:write can; a stale If-Match is a 409 and changes nothing", async () => {
    const [id] = await secretIds();
    const got = await call(getSecretRoute, { token: "read", params: { id } });
    expect(got.status).toBe(200);
    expect(got.etag).toBe(got.body.etag);

    const denied = await call(patchSecretRoute, {
      token: "read",
      method: "PATCH",
      params: { id },
      body: { state: "confirmed" },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/triage:write/);

    const first = await call(patchSecretRoute, {
      token: "triage",
      method: "PATCH",
      params: { id },
      body: { state: "confirmed", assigneeId: userId },
      headers: { "if-match": got.etag! },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.secret.triageState).toBe("confirmed");
    expect(first.etag).not.toBe(got.etag);

    // A second triager still holding the old version.
    const stale = await call(patchSecretRoute, {
      token: "triage",
      method: "PATCH",
      params: { id },
      body: { state: "false_positive", reason: "test data" },
      headers: { "if-match": got.etag! },
    });
    expect(stale.status).toBe(409);
    expect((await t.db.secret.findUniqueOrThrow({ where: { id } })).triageState).toBe("confirmed");
  });

  it("the assignee owns the steps confirming creates; the rules of the page hold (reason, expiry)", async () => {
    const [id] = await secretIds();
    const steps = await t.db.remediationStep.findMany({ where: { secretId: id } });
    expect(steps.length).toBe(3);
    expect(new Set(steps.map((s) => s.ownerId))).toEqual(new Set([userId]));
    const noReason = await call(patchSecretRoute, {
      token: "triage",
      method: "PATCH",
      params: { id },
      body: { state: "false_positive" },
    });
    expect(noReason.status).toBe(422);
    expect(noReason.body.message).toMatch(/reason/);
    const past = await call(patchSecretRoute, {
      token: "triage",
      method: "PATCH",
      params: { id },
      body: { state: "accepted_risk", reason: "vendor fix", acceptedUntil: "2020-01-01" },
    });
    expect(past.status).toBe(422);
    const unknownField = await call(patchSecretRoute, {
      token: "triage",
      method: "PATCH",
      params: { id },
      body: { severity: "low" },
    });
    expect(unknownField.status).toBe(422);
  });

  it("the purge step lists the tags and digests still to delete", async () => {
    const [id] = await secretIds();
    const { steps, toPurge } = await getSecretActivity(id);
    const purge = steps.find((st) => st.kind === "purge")!;
    expect(toPurge[purge.repository!.id]).toEqual({
      total: 1,
      digests: [{ digest: "sha256:" + "1".repeat(64), resolved: true, tags: ["1.0"] }],
    });
  });

  it("bulk: a dry run counts, then one change for every secret a filter selects", async () => {
    const dry = await call(bulkRoute, {
      token: "triage",
      method: "POST",
      body: {
        filter: { state: "open", rule: "github-pat" },
        change: { state: "false_positive", reason: "fixtures" },
        dryRun: true,
      },
    });
    expect(dry.body).toMatchObject({ matched: 2, wouldChange: 2, changed: 0, dryRun: true });
    expect(await t.db.secret.count({ where: { triageState: "false_positive" } })).toBe(0);
    const done = await call(bulkRoute, {
      token: "triage",
      method: "POST",
      body: { filter: { state: "open" }, change: { state: "false_positive", reason: "fixtures" } },
    });
    expect(done.body).toMatchObject({ matched: 2, changed: 2 });
    const both = await call(bulkRoute, { token: "triage", method: "POST", body: { ids: ["x"], filter: {} } });
    expect(both.status).toBe(422);
    const missing = await call(bulkRoute, {
      token: "triage",
      method: "POST",
      body: { ids: ["nope"], assigneeId: null },
    });
    expect(missing.status).toBe(404);
  });

  it("comments and the timeline page with a cursor, newest first, no entry twice", async () => {
    const [id] = await secretIds();
    for (let i = 0; i < 5; i++) {
      const c = await call(addComment, {
        token: "triage",
        method: "POST",
        params: { id },
        body: { body: `note ${i}` },
      });
      expect(c.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { comments: { body: string }[]; next_cursor: string | null } } = await call(listComments, {
        token: "read",
        params: { id },
        path: `/api/v1/secrets/${id}/comments?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      });
      seen.push(...page.body.comments.map((c) => c.body));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(["note 4", "note 3", "note 2", "note 1", "note 0"]);

    const entries: string[] = [];
    cursor = null;
    do {
      const page: { body: { entries: { id: string }[]; next_cursor: string | null } } = await call(timelineRoute, {
        token: "read",
        params: { id },
        path: `/api/v1/secrets/${id}/timeline?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      });
      entries.push(...page.body.entries.map((e) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(new Set(entries).size).toBe(entries.length);
    const all = await call(timelineRoute, {
      token: "read",
      params: { id },
      path: `/api/v1/secrets/${id}/timeline?limit=200`,
    });
    expect(entries).toEqual(all.body.entries.map((e: { id: string }) => e.id));
    const bad = await call(timelineRoute, {
      token: "read",
      params: { id },
      path: `/api/v1/secrets/${id}/timeline?cursor=zzz`,
    });
    expect(bad.status).toBe(400);
  });
});

describe(`remediation over the API on ${testDatabaseKind}`, () => {
  it("lists steps by cursor; owner and due date by PATCH with If-Match; a rotation recorded, evidence added, attested", async () => {
    const page1 = await call(listStepsRoute, { token: "read", path: "/api/v1/remediation/steps?limit=2" });
    const page2 = await call(listStepsRoute, {
      token: "read",
      path: `/api/v1/remediation/steps?limit=2&cursor=${page1.body.next_cursor}`,
    });
    expect(page1.body.steps).toHaveLength(2);
    expect(page2.body.steps).toHaveLength(1);
    expect(page2.body.next_cursor).toBeNull();
    const rotate = [...page1.body.steps, ...page2.body.steps].find((s: { kind: string }) => s.kind === "rotate");

    const denied = await call(patchStepRoute, {
      token: "triage",
      method: "PATCH",
      params: { id: rotate.id },
      body: { ownerId: null },
    });
    expect(denied.status).toBe(403);
    const patched = await call(patchStepRoute, {
      token: "remediate",
      method: "PATCH",
      params: { id: rotate.id },
      body: { ownerId: null, dueAt: "2027-01-15T00:00:00Z" },
      headers: { "if-match": rotate.etag },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ ownerId: null, dueAt: "2027-01-15T00:00:00.000Z" });
    const stale = await call(patchStepRoute, {
      token: "remediate",
      method: "PATCH",
      params: { id: rotate.id },
      body: { ownerId: userId },
      headers: { "if-match": rotate.etag },
    });
    expect(stale.status).toBe(409);

    const event = (token: string, body: unknown) =>
      call(stepEventRoute, { token, method: "POST", params: { id: rotate.id }, body });
    expect((await event("remediate", { type: "complete" })).status).toBe(400); // a rotation needs who/when/how
    const rotated = await event("remediate", {
      type: "complete",
      rotation: { rotatedBy: "ci-bot", rotatedAt: "2026-11-30T10:00:00Z", how: "vault kv put ci/github-pat" },
    });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(201);
    expect(rotated.body.state).toBe("done");
    const evidence = await event("remediate", {
      type: "evidence",
      url: "https://tickets.example.com/SEC-1",
      note: "ticket closed",
    });
    expect(evidence.body.evidence.attachments).toEqual([
      expect.objectContaining({
        url: "https://tickets.example.com/SEC-1",
        note: "ticket closed",
        by: "token:remediate",
      }),
    ]);
    expect((await event("remediate", { type: "evidence", url: "javascript:alert(1)", note: "x y z" })).status).toBe(
      422,
    );
    expect((await event("remediate", { type: "attest", note: "checked the vault audit log" })).status).toBe(403);
    const attested = await event("attest", { type: "attest", note: "checked the vault audit log" });
    expect(attested.body.state).toBe("verified");
    const got = await call(getStepRoute, { token: "read", params: { id: rotate.id } });
    expect(got.etag).toBe(attested.etag);
  });
});
