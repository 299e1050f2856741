import type { ReactNode } from "react";

/** A white panel: the one container of the dashboard's sections (`labelledBy`: the id of its heading). */
export function Card({
  children,
  className = "",
  labelledBy,
  as: Tag = "div",
}: {
  children: ReactNode;
  className?: string;
  labelledBy?: string;
  as?: "div" | "section";
}) {
  return (
    <Tag
      className={`rounded-lg border border-slate-200 bg-white p-5 text-sm ${className}`}
      aria-labelledby={labelledBy}
    >
      {children}
    </Tag>
  );
}

/** What a page or section shows when there is nothing yet: what is missing, and what to do next. */
export function EmptyState({ children, className = "" }: { children: ReactNode; className?: string }) {
  return (
    <div
      className={`rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600 ${className}`}
    >
      {children}
    </div>
  );
}
