import { ResidueError } from "../errors";
import type { RotationEvidence } from "./schemas";
import type { StepKind, StepState } from "../vocabulary/remediation-step";

/** Evidence that closes a step. Only the system (a scan, tag records) or an admin's attestation produce these. */
export type Verification =
  | { kind: "clean_rescan"; scanId: string; digest: string } // rebuild
  | { kind: "tags_moved"; checkedAt: string; tagEvents: number } // purge
  | { kind: "not_live"; scanId: string } // rotate: a later report says the credential no longer works
  | { kind: "attestation"; by: string; note: string } // rotate: an admin vouches for it
  // rotate: the scanning service says the credential was revoked (lib/triage/apply-upstream.ts)
  | { kind: "revoked_upstream"; service: string; by: string | null; at: string; url: string | null; scanId: string };

export type MachineEvent =
  | { type: "start" }
  | { type: "complete"; rotation?: RotationEvidence }
  | { type: "not_applicable"; reason: string }
  | { type: "reopen" }
  | { type: "verify"; verification: Verification }
  | { type: "regress"; scanId: string };

export type StepSnapshot = {
  kind: StepKind;
  state: StepState;
  evidence: Record<string, unknown> | null;
  startedAt: Date | null;
  doneAt: Date | null;
};

export type StepPatch = {
  state: StepState;
  reason?: string | null;
  evidence?: Record<string, unknown> | null;
  startedAt?: Date | null;
  doneAt?: Date | null;
  verifiedAt?: Date | null;
};

const OPEN: StepState[] = ["todo", "in_progress"];

function illegal(step: StepSnapshot, what: string): never {
  throw new ResidueError("conflict", `Cannot ${what} a ${step.kind} step that is ${step.state.replace("_", " ")}.`);
}

/**
 * The remediation state machine: todo → in progress → done → verified, or not applicable with a reason.
 * "verified" comes only from evidence. Pure: returns the patch to write, or throws (nothing changes).
 */
export function transition(step: StepSnapshot, event: MachineEvent, now: Date): StepPatch {
  switch (event.type) {
    case "start":
      if (step.state !== "todo") illegal(step, "start");
      return { state: "in_progress", startedAt: now };
    case "complete":
      if (!OPEN.includes(step.state)) illegal(step, "complete");
      if (step.kind === "rotate" && !event.rotation)
        throw new ResidueError("bad_request", "Record who rotated the credential, when and how.");
      if (step.kind !== "rotate" && event.rotation)
        throw new ResidueError("bad_request", "Rotation evidence belongs to the rotate step.");
      return {
        state: "done",
        startedAt: step.startedAt ?? now,
        doneAt: event.rotation ? event.rotation.rotatedAt : now,
        evidence: event.rotation
          ? { rotation: { ...event.rotation, rotatedAt: event.rotation.rotatedAt.toISOString() } }
          : step.evidence,
      };
    case "not_applicable":
      if (step.state === "verified" || step.state === "not_applicable") illegal(step, "mark not applicable");
      if (event.reason.trim().length < 3) throw new ResidueError("bad_request", "Say why this step does not apply.");
      return { state: "not_applicable", reason: event.reason.trim(), doneAt: now };
    case "reopen":
      if (step.state === "todo" || step.state === "verified") illegal(step, "reopen");
      return { state: "todo", reason: null, doneAt: null, verifiedAt: null };
    case "verify": {
      if (step.state === "verified" || step.state === "not_applicable") illegal(step, "verify");
      const v = event.verification;
      const fits =
        step.kind === "rebuild"
          ? v.kind === "clean_rescan"
          : step.kind === "purge"
            ? v.kind === "tags_moved"
            : v.kind === "not_live" || v.kind === "attestation";
      if (!fits)
        throw new ResidueError("bad_request", `${v.kind.replace("_", " ")} is not evidence for a ${step.kind} step.`);
      // A rotation is verified only after someone recorded it: the evidence must postdate the rotation.
      if (step.kind === "rotate" && step.state !== "done") illegal(step, "verify the rotation of");
      return {
        state: "verified",
        verifiedAt: now,
        doneAt: step.doneAt ?? now,
        evidence: { ...(step.evidence ?? {}), verification: v },
      };
    }
    case "regress":
      if (step.state !== "done" && step.state !== "verified") illegal(step, "regress");
      return {
        state: "todo",
        doneAt: null,
        verifiedAt: null,
        evidence: { ...(step.evidence ?? {}), regressedBy: event.scanId },
      };
  }
}
