// Explicit rules that turn a control's figures into a status. Shown verbatim on /compliance and in the report.
import type { Figures } from "./figure-definitions";

export type ControlStatus = "no_evidence" | "meeting" | "at_risk" | "failing";
export const STATUS_LABEL: Record<ControlStatus, string> = {
  no_evidence: "No evidence",
  meeting: "Meeting",
  at_risk: "At risk",
  failing: "Failing",
};

export const STATUS_RULES: { status: ControlStatus; rule: string }[] = [
  {
    status: "no_evidence",
    rule: "No scan of an image in scope was completed by the date: nothing shows the control either met or not.",
  },
  {
    status: "failing",
    rule: "A critical or high secret in scope is still unrotated after its SLA due date, or a credential verified live is still open.",
  },
  {
    status: "at_risk",
    rule: "Any secret in scope is open or confirmed and not yet remediated, or any remediation step is past its due date.",
  },
  { status: "meeting", rule: "No open secret in scope and no overdue remediation step." },
];

export function controlStatus(f: Figures): { status: ControlStatus; reasons: string[] } {
  if (!f.scans) return { status: "no_evidence", reasons: ["no scan in scope by this date"] };
  const failing: string[] = [];
  if (f.overdueRotations)
    failing.push(
      `${f.overdueRotations} critical/high secret${f.overdueRotations === 1 ? "" : "s"} unrotated past the SLA`,
    );
  if (f.openLive) failing.push(`${f.openLive} open secret${f.openLive === 1 ? " is" : "s are"} verified live`);
  if (failing.length) return { status: "failing", reasons: failing };
  const risk: string[] = [];
  if (f.openSecrets) risk.push(`${f.openSecrets} open secret${f.openSecrets === 1 ? "" : "s"}`);
  if (f.overdueSteps) risk.push(`${f.overdueSteps} overdue step${f.overdueSteps === 1 ? "" : "s"}`);
  if (risk.length) return { status: "at_risk", reasons: risk };
  return { status: "meeting", reasons: [] };
}
