import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { hours } from "@/components/ui/format";
import type { ComplianceSummary } from "@/lib/compliance/compliance-summary";

import { STATUS_LABEL, type ControlStatus } from "@/lib/compliance/control-status";
import { CONTROL_FIGURES, FIGURES } from "@/lib/compliance/figure-definitions";

const TONE: Record<ControlStatus, "good" | "medium" | "critical" | "neutral"> = {
  no_evidence: "neutral",
  meeting: "good",
  at_risk: "medium",
  failing: "critical",
};

export function StatusBadge({ status }: { status: ControlStatus }) {
  return <Badge tone={TONE[status]}>{STATUS_LABEL[status]}</Badge>;
}

type ControlFigure = (typeof CONTROL_FIGURES)[number];

/** A control figure as the page and the report show it: rotation as coverage with its counts, MTTR in hours or days. */
export function figureValue(item: ComplianceSummary[number], name: ControlFigure): string | number {
  const f = item.figures;
  if (name === "rotatedSecrets")
    return item.rotationCoverage == null
      ? "—"
      : `${Math.round(item.rotationCoverage * 100)}% (${f.rotatedSecrets}/${f.confirmedSecrets})`;
  if (name === "mttrHours") return hours(f.mttrHours);
  return f[name];
}

/** One control: status, why, and the figures behind it, each a link to the secrets it counts. */
export function ControlCard({
  item,
  drill,
}: {
  item: ComplianceSummary[number];
  drill: (extra: Record<string, string>) => string;
}) {
  const { control } = item;
  const open = drill({ control: control.id, state: "open,confirmed" });
  const link: Partial<Record<ControlFigure, string>> = {
    openSecrets: open,
    openCritical: drill({ control: control.id, state: "open,confirmed", severity: "critical" }),
    affectedImages: open,
    affectedRegistries: open,
    rotatedSecrets: drill({ control: control.id, state: "confirmed" }),
    rotationsUnverified: drill({ control: control.id, state: "confirmed" }),
    mttrHours: drill({ control: control.id, remediation: "remediated" }),
    overdueSteps: drill({ control: control.id, remediation: "overdue" }),
  };
  const figures = CONTROL_FIGURES.map((name): [string, string | number, string | undefined, string] => [
    name === "rotatedSecrets" ? "Rotation coverage (verified)" : FIGURES[name].label,
    figureValue(item, name),
    link[name],
    FIGURES[name].definition,
  ]);
  return (
    <article
      className="rounded-lg border border-slate-200 bg-white p-5 break-inside-avoid"
      aria-labelledby={`c-${control.id}`}
    >
      <div className="flex items-start justify-between gap-3">
        <div>
          <h3 id={`c-${control.id}`} className="font-semibold">
            {control.title}
          </h3>
          <p className="text-xs text-slate-500">
            {control.framework} {control.version} · {control.id}
          </p>
        </div>
        <StatusBadge status={item.status} />
      </div>
      <p className="mt-2 text-sm text-slate-600">{control.description}</p>
      {item.reasons.length ? (
        <p className="mt-2 text-sm font-medium text-slate-800">Because: {item.reasons.join("; ")}.</p>
      ) : null}
      <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
        {figures.map(([label, value, href, definition]) => (
          <div key={label} title={definition}>
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="font-semibold tabular-nums">
              {href ? (
                <Link href={href} className="text-indigo-700 hover:underline print:text-slate-900 print:no-underline">
                  {value}
                </Link>
              ) : (
                value
              )}
            </dd>
          </div>
        ))}
      </dl>
    </article>
  );
}
