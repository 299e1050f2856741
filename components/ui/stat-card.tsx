import Link from "next/link";

export function StatCard({
  label,
  value,
  href,
  hint,
  testId,
}: {
  label: string;
  value: number | string;
  href?: string;
  hint?: string;
  testId?: string;
}) {
  const body = (
    <>
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-3xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {typeof value === "number" ? value.toLocaleString("en-US") : value}
      </dd>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </>
  );
  const cls = "block rounded-lg border border-slate-200 bg-white p-5 shadow-sm";
  return href ? (
    <Link
      href={href}
      className={`${cls} hover:border-indigo-300 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400`}
    >
      {body}
    </Link>
  ) : (
    <div className={cls}>{body}</div>
  );
}
