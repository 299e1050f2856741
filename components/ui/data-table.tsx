import type { ReactNode } from "react";

/**
 * The one table of the dashboard: a bordered frame that scrolls sideways on a narrow screen, a caption for screen
 * readers (or a visible `title`, which makes the frame a section named by it), one header row, and the rows the page
 * gives (`<tr>`s). `alignTop` for rows of several lines.
 */
export function DataTable({
  caption,
  title,
  headers,
  children,
  className = "",
  alignTop = false,
}: {
  caption: string;
  title?: { id: string; text: string };
  headers: ReactNode[];
  children: ReactNode;
  className?: string;
  alignTop?: boolean;
}) {
  const Frame = title ? "section" : "div";
  return (
    <Frame
      className={`overflow-x-auto rounded-lg border border-slate-200 bg-white ${className}`}
      aria-labelledby={title?.id}
    >
      {title ? (
        <h2 id={title.id} className="px-4 pt-4 text-sm font-semibold">
          {title.text}
        </h2>
      ) : null}
      <table className={`min-w-full divide-y divide-slate-200 text-sm ${title ? "mt-2" : ""}`}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            {headers.map((h, i) => (
              <th key={i} scope="col" className="px-3 py-2 font-semibold text-slate-700">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-100 ${alignTop ? "align-top" : ""}`}>{children}</tbody>
      </table>
    </Frame>
  );
}

/** The row a table shows when it has none: what is missing and what to do next. */
export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="px-3 py-6 text-center text-slate-600">
        {children}
      </td>
    </tr>
  );
}
