import { describe, expect, it } from "vitest";
import { transition, type MachineEvent, type StepSnapshot, type Verification } from "@/lib/remediation/state-machine";
import type { StepKind, StepState } from "@/lib/vocabulary/remediation-step";

const now = new Date("2026-11-25T12:00:00Z");
const step = (kind: StepKind, state: StepState, extra: Partial<StepSnapshot> = {}): StepSnapshot => ({
  kind,
  state,
  evidence: null,
  startedAt: null,
  doneAt: null,
  ...extra,
});
const rotation = { rotatedBy: "ops", rotatedAt: new Date("2026-11-25T10:00:00Z"), how: "vault kv put secret/ci/aws" };
const V: Record<string, Verification> = {
  rescan: { kind: "clean_rescan", scanId: "s1", digest: "sha256:ab" },
  tags: { kind: "tags_moved", checkedAt: now.toISOString(), tagEvents: 2 },
  dead: { kind: "not_live", scanId: "s2" },
  attest: { kind: "attestation", by: "admin@x", note: "rotated in console" },
};

// Every (state, event) pair for each kind: what it becomes, or "illegal". Written out, not derived from the code.
const STATES: StepState[] = ["todo", "in_progress", "done", "verified", "not_applicable"];
type Case = {
  name: string;
  event: (k: StepKind) => MachineEvent;
  expect: Record<StepState, StepState | "illegal"> | ((k: StepKind) => Record<StepState, StepState | "illegal">);
};
const CASES: Case[] = [
  {
    name: "start",
    event: () => ({ type: "start" }),
    expect: {
      todo: "in_progress",
      in_progress: "illegal",
      done: "illegal",
      verified: "illegal",
      not_applicable: "illegal",
    },
  },
  {
    name: "complete",
    event: (k) => (k === "rotate" ? { type: "complete", rotation } : { type: "complete" }),
    expect: { todo: "done", in_progress: "done", done: "illegal", verified: "illegal", not_applicable: "illegal" },
  },
  {
    name: "not_applicable",
    event: () => ({ type: "not_applicable", reason: "image never pushed" }),
    expect: {
      todo: "not_applicable",
      in_progress: "not_applicable",
      done: "not_applicable",
      verified: "illegal",
      not_applicable: "illegal",
    },
  },
  {
    name: "reopen",
    event: () => ({ type: "reopen" }),
    expect: { todo: "illegal", in_progress: "todo", done: "todo", verified: "illegal", not_applicable: "todo" },
  },
  {
    name: "verify with the kind's own evidence",
    event: (k) => ({ type: "verify", verification: k === "rebuild" ? V.rescan! : k === "purge" ? V.tags! : V.dead! }),
    // A rotation can only be verified once someone recorded it (done); rebuild and purge straight from evidence.
    expect: (k) =>
      k === "rotate"
        ? { todo: "illegal", in_progress: "illegal", done: "verified", verified: "illegal", not_applicable: "illegal" }
        : {
            todo: "verified",
            in_progress: "verified",
            done: "verified",
            verified: "illegal",
            not_applicable: "illegal",
          },
  },
  {
    name: "regress",
    event: () => ({ type: "regress", scanId: "s9" }),
    expect: { todo: "illegal", in_progress: "illegal", done: "todo", verified: "todo", not_applicable: "illegal" },
  },
];

describe("remediation state machine", () => {
  for (const kind of ["rotate", "rebuild", "purge"] as StepKind[]) {
    for (const c of CASES) {
      const expected = typeof c.expect === "function" ? c.expect(kind) : c.expect;
      for (const from of STATES) {
        const to = expected[from];
        it(`${kind}: ${c.name} from ${from} → ${to}`, () => {
          const s = step(kind, from, from === "done" ? { doneAt: new Date("2026-11-25T10:00:00Z") } : {});
          if (to === "illegal")
            expect(() => transition(s, c.event(kind), now)).toThrowError(
              expect.objectContaining({ code: expect.stringMatching(/conflict|bad_request/) }),
            );
          else expect(transition(s, c.event(kind), now).state).toBe(to);
        });
      }
    }
  }

  it("rotation needs who, when and how; the others refuse rotation evidence", () => {
    expect(() => transition(step("rotate", "todo"), { type: "complete" }, now)).toThrowError(/who rotated/);
    expect(() => transition(step("rebuild", "todo"), { type: "complete", rotation }, now)).toThrowError(/rotate step/);
    const p = transition(step("rotate", "in_progress", { startedAt: now }), { type: "complete", rotation }, now);
    expect(p).toMatchObject({
      state: "done",
      doneAt: rotation.rotatedAt,
      evidence: { rotation: { rotatedBy: "ops", how: rotation.how } },
    });
  });

  it("evidence must fit the step", () => {
    expect(() => transition(step("rebuild", "todo"), { type: "verify", verification: V.tags! }, now)).toThrowError(
      /not evidence/,
    );
    expect(() => transition(step("purge", "todo"), { type: "verify", verification: V.rescan! }, now)).toThrowError(
      /not evidence/,
    );
    expect(() => transition(step("rebuild", "done"), { type: "verify", verification: V.attest! }, now)).toThrowError(
      /not evidence/,
    );
    expect(
      transition(step("rotate", "done", { doneAt: now }), { type: "verify", verification: V.attest! }, now).state,
    ).toBe("verified");
  });

  it("not applicable needs a reason; reopening clears it", () => {
    expect(() => transition(step("purge", "todo"), { type: "not_applicable", reason: " " }, now)).toThrowError(/why/);
    expect(transition(step("purge", "not_applicable"), { type: "reopen" }, now)).toMatchObject({
      state: "todo",
      reason: null,
      doneAt: null,
    });
  });

  it("verification keeps earlier evidence and stamps the time", () => {
    const s = step("rotate", "done", { doneAt: rotation.rotatedAt, evidence: { rotation: { rotatedBy: "ops" } } });
    expect(transition(s, { type: "verify", verification: V.dead! }, now)).toEqual({
      state: "verified",
      verifiedAt: now,
      doneAt: rotation.rotatedAt,
      evidence: { rotation: { rotatedBy: "ops" }, verification: V.dead },
    });
  });
});
