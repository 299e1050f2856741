import { describe, expect, it } from "vitest";
import { timelineSentence } from "@/lib/secrets/timeline-sentence";

const people = { "tess@acme.test": "Tess Triager", u1: "Olive Owner" };
const ev = (label: string, actor: string | null, detail: unknown, before: unknown = null) =>
  timelineSentence({ kind: "event", label, actor, detail, before }, people);

describe("timeline sentences", () => {
  it("name people, not emails or ids, and say who did what to whom", () => {
    expect(ev("secret.assigned", "tess@acme.test", { assigneeId: "u1" })).toBe(
      "Tess Triager assigned it to Olive Owner",
    );
    expect(ev("secret.assigned", "tess@acme.test", { assigneeId: null })).toBe("Tess Triager unassigned it");
    expect(ev("secret.triaged", "token:ci-bot", { state: "false_positive", reason: "test key" })).toBe(
      "the token “ci-bot” marked it false positive: “test key”",
    );
    expect(ev("secret.triaged", "system: expiry", { state: "open" })).toBe("Residue (expiry) marked it open");
    expect(ev("step.assigned", "tess@acme.test", { ownerId: "u1" }, { kind: "rotate" })).toBe(
      "Tess Triager gave the “rotate the credential” step to Olive Owner",
    );
    expect(ev("step.overdue", "system: SLA", null, { kind: "purge", dueAt: "2026-12-01T00:00:00.000Z" })).toBe(
      "The “purge old tags and digests” step is overdue (due 2026-12-01)",
    );
  });
  it('an assignee it cannot name is "someone" (never an id), and an unknown action reads by its name', () => {
    expect(ev("secret.assigned", "tess@acme.test", { assigneeId: "gone" })).toBe("Tess Triager assigned it to someone");
    expect(ev("secret.frobbed", "tess@acme.test", {})).toBe("secret frobbed by Tess Triager");
  });
});
