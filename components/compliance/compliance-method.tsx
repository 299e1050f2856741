import { FIGURES } from "@/lib/compliance/figure-definitions";
import { STATUS_LABEL, STATUS_RULES } from "@/lib/compliance/control-status";

/** How a status is decided and what each figure counts: the same words on the page, in the report and the pack. */
export function ComplianceMethod() {
  return (
    <>
      <h3 className="font-semibold">How a status is decided (the first rule that applies)</h3>
      <ul className="mt-1 list-disc space-y-1 pl-5">
        {STATUS_RULES.map((r) => (
          <li key={r.status}>
            <span className="font-medium">{STATUS_LABEL[r.status]}:</span> {r.rule}
          </li>
        ))}
      </ul>
      <h3 className="mt-4 font-semibold">What each figure counts</h3>
      <dl className="mt-1 grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        {Object.values(FIGURES).map((f) => (
          <div key={f.label} className="contents">
            <dt className="font-medium">{f.label}</dt>
            <dd className="text-slate-700">{f.definition}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-slate-600">
        Figures for a past date are rebuilt from the audit and scan history. Secrets are identified by a keyed hash
        (HMAC-SHA256) of their value; the value itself is never stored. A remediation step counts only on evidence: a
        clean rescan of a rebuilt digest, tag records showing no tag on an affected digest, a later report that the
        credential is no longer live, or an administrator&apos;s attestation.
      </p>
    </>
  );
}
