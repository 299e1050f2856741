import { STEP_LABEL, type StepKind } from "../vocabulary/remediation-step";
import { TRIAGE_LABEL, type TriageState } from "../vocabulary/triage-state";

type Entry = { kind: "scan" | "event"; label: string; actor: string | null; detail: unknown; before?: unknown };

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
const str = (v: unknown) => (typeof v === "string" ? v : null);

/** Who did it, as people read it: a person by name, a token by its name, Residue itself by what it was doing. */
export function actorName(label: string | null, people: Record<string, string>): string {
  if (!label) return "Residue";
  if (label.startsWith("token:")) return `the token “${label.slice(6)}”`;
  if (label.startsWith("system")) return label.includes(":") ? `Residue (${label.split(":")[1]!.trim()})` : "Residue";
  return people[label] ?? label;
}

const stateWord = (s: unknown) =>
  typeof s === "string" && s in TRIAGE_LABEL ? TRIAGE_LABEL[s as TriageState].toLowerCase() : String(s);
const stepWord = (k: unknown) =>
  typeof k === "string" && k in STEP_LABEL ? `“${STEP_LABEL[k as StepKind].toLowerCase()}” step` : "a step";

/**
 * A timeline entry as a sentence: who did what to whom. Audit events name people by email and users by id; `people`
 * maps both to names. An action this does not know reads as its name.
 */
export function timelineSentence(e: Entry, people: Record<string, string>): string {
  if (e.kind === "scan") return e.label;
  const who = actorName(e.actor, people);
  const after = obj(e.detail);
  const before = obj(e.before);
  const kind = before.kind ?? after.kind;
  const person = (id: unknown) => (typeof id === "string" ? (people[id] ?? "someone") : null);
  switch (e.label) {
    case "secret.triaged": {
      const reason = str(after.reason);
      const until = str(after.acceptedUntil);
      return `${who} marked it ${stateWord(after.state)}${until ? ` until ${until.slice(0, 10)}` : ""}${reason ? `: “${reason}”` : ""}`;
    }
    case "secret.assigned":
      return person(after.assigneeId) ? `${who} assigned it to ${person(after.assigneeId)}` : `${who} unassigned it`;
    case "secret.commented":
      return `${who} commented`;
    case "secret.regressed":
      return `Found again after it was resolved: a regression, back to ${stateWord(after.state)}`;
    case "secret.remediated":
      return "Every remediation step verified: resolved";
    case "secret.reopened":
      return `A remediation step reopened: back to ${stateWord(after.state)}`;
    case "secret.merged":
    case "secret.merged_into":
      return "Found to be the same credential as another secret, and merged with it";
    case "step.start":
      return `${who} started the ${stepWord(kind)}`;
    case "step.complete":
      return `${who} completed the ${stepWord(kind)}`;
    case "step.not_applicable":
      return `${who} marked the ${stepWord(kind)} not applicable${str(after.reason) ? `: “${str(after.reason)}”` : ""}`;
    case "step.reopen":
      return `${who} reopened the ${stepWord(kind)}`;
    case "step.attest":
      return `${who} attested the ${stepWord(kind)}`;
    case "step.verified":
      return `Evidence verified the ${stepWord(kind)}`;
    case "step.regressed":
      return `The ${stepWord(kind)} was reopened: the secret was seen again`;
    case "step.assigned":
      return person(after.ownerId)
        ? `${who} gave the ${stepWord(kind)} to ${person(after.ownerId)}`
        : `${who} left the ${stepWord(kind)} unowned`;
    case "step.due_changed":
      return `${who} set the ${stepWord(kind)} due ${str(after.dueAt)?.slice(0, 10) ?? "never"}`;
    case "step.evidence_added":
      return `${who} added evidence to the ${stepWord(kind)}: “${str(after.note) ?? ""}”`;
    case "step.overdue":
      return `The ${stepWord(kind)} is overdue (due ${str(before.dueAt)?.slice(0, 10) ?? "?"})`;
    default:
      return `${e.label.replace(/[._]/g, " ")}${e.actor ? ` by ${who}` : ""}`;
  }
}
