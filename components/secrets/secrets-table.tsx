"use client";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTransition } from "react";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type SortingState } from "@tanstack/react-table";
import { Badge } from "@/components/ui/badge";
import { TRIAGE_LABEL, day } from "./labels";

type Row = {
  id: string; detector: string; ruleId: string; title: string | null; redactedPreview: string; severity: "critical" | "high" | "medium" | "low" | "info";
  triageState: string; verifiedLive: boolean | null; regression: boolean; occurrenceCount: number; imageCount: number; residueCount: number;
  firstSeenAt: string; lastSeenAt: string;
};
type Data = { total: number; page: number; pageSize: number; secrets: Row[] };

const col = createColumnHelper<Row>();
const SORT_ID: Record<string, string> = { severity: "severity", occurrenceCount: "occurrences", imageCount: "images", firstSeenAt: "firstSeen", lastSeenAt: "lastSeen", ruleId: "rule" };

const columns = [
  col.accessor("severity", { header: "Severity", cell: (c) => <Badge tone={c.getValue()}>{c.getValue()}</Badge> }),
  col.accessor("ruleId", {
    header: "Rule",
    cell: (c) => (
      <Link href={`/secrets/${c.row.original.id}`} className="font-medium text-indigo-700 hover:underline">
        {c.row.original.title ?? c.getValue()}
        <span className="block text-xs font-normal text-slate-500">{c.row.original.detector} · {c.getValue()}</span>
      </Link>
    ),
  }),
  col.accessor("redactedPreview", { header: "Preview", enableSorting: false, cell: (c) => <code className="text-xs">{c.getValue()}</code> }),
  col.accessor("triageState", {
    header: "State",
    enableSorting: false,
    cell: (c) => (
      <span className="flex flex-wrap gap-1">
        <Badge>{TRIAGE_LABEL[c.getValue()] ?? c.getValue()}</Badge>
        {c.row.original.regression ? <Badge tone="warn">regression</Badge> : null}
        {c.row.original.verifiedLive ? <Badge tone="critical">live</Badge> : null}
        {c.row.original.residueCount > 0 ? <Badge tone="warn">residue</Badge> : null}
      </span>
    ),
  }),
  col.accessor("imageCount", { header: "Images", cell: (c) => <span className="tabular-nums">{c.getValue()}</span> }),
  col.accessor("occurrenceCount", { header: "Occurrences", cell: (c) => <span className="tabular-nums">{c.getValue()}</span> }),
  col.accessor("firstSeenAt", { header: "First seen", cell: (c) => day(c.getValue()) }),
  col.accessor("lastSeenAt", { header: "Last seen", cell: (c) => day(c.getValue()) }),
];

const FILTERS: { key: string; label: string; options: [string, string][] }[] = [
  { key: "state", label: "State", options: [["", "Any"], ["open", "Open"], ["confirmed", "Confirmed"], ["open,confirmed", "Open or confirmed"], ["false_positive", "False positive"], ["accepted_risk", "Accepted risk"], ["resolved", "Resolved"]] },
  { key: "severity", label: "Severity", options: [["", "Any"], ["critical", "Critical"], ["critical,high", "Critical or high"], ["high", "High"], ["medium", "Medium"], ["low", "Low"]] },
  { key: "residue", label: "Residue", options: [["", "Any"], ["1", "Deleted in a later layer"], ["0", "Not residue"]] },
  { key: "verified", label: "Live", options: [["", "Any"], ["1", "Verified live"], ["0", "Not live"]] },
];

export function SecretsTable({ data, query }: { data: Data; query: Record<string, string> }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();

  const setParams = (changes: Record<string, string | undefined>, resetPage = true) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) v ? next.set(k, v) : next.delete(k);
    if (resetPage && !("page" in changes)) next.delete("page");
    startTransition(() => router.replace(`${pathname}?${next.toString()}`, { scroll: false }));
  };

  const sortKey = query.sort ?? "lastSeen";
  const sorting: SortingState = [{ id: Object.entries(SORT_ID).find(([, v]) => v === sortKey)?.[0] ?? "lastSeenAt", desc: (query.dir ?? "desc") === "desc" }];
  const table = useReactTable({
    data: data.secrets,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    rowCount: data.total,
    state: { sorting, pagination: { pageIndex: data.page - 1, pageSize: data.pageSize } },
    onSortingChange: (updater) => {
      const s = (typeof updater === "function" ? updater(sorting) : updater)[0];
      if (s) setParams({ sort: SORT_ID[s.id], dir: s.desc ? "desc" : "asc" });
    },
  });
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const filtered = [...params.keys()].some((k) => !["page", "sort", "dir", "pageSize"].includes(k));

  return (
    <div aria-busy={pending}>
      <form
        role="search"
        className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setParams({ q: String(f.get("q") ?? "").trim() || undefined, registry: String(f.get("registry") ?? "").trim() || undefined, repository: String(f.get("repository") ?? "").trim() || undefined });
        }}
      >
        <label className="text-sm">
          <span className="block font-medium text-slate-700">Search</span>
          <input name="q" defaultValue={query.q ?? ""} placeholder="rule, path, repository" className="mt-1 w-56 rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        </label>
        <label className="text-sm">
          <span className="block font-medium text-slate-700">Registry</span>
          <input name="registry" defaultValue={query.registry ?? ""} placeholder="ghcr.io" className="mt-1 w-36 rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        </label>
        <label className="text-sm">
          <span className="block font-medium text-slate-700">Repository</span>
          <input name="repository" defaultValue={query.repository ?? ""} placeholder="acme/api" className="mt-1 w-36 rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        </label>
        {FILTERS.map((f) => (
          <label key={f.key} className="text-sm">
            <span className="block font-medium text-slate-700">{f.label}</span>
            <select value={query[f.key] ?? ""} onChange={(e) => setParams({ [f.key]: e.target.value || undefined })} className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm">
              {f.options.map(([v, l]) => (
                <option key={v} value={v}>{l}</option>
              ))}
            </select>
          </label>
        ))}
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">Apply</button>
        {filtered ? (
          <button type="button" onClick={() => startTransition(() => router.replace(pathname))} className="text-sm text-slate-600 underline">Clear filters</button>
        ) : null}
      </form>

      <p className="mb-2 text-sm text-slate-600" aria-live="polite">
        {pending ? "Loading…" : `${data.total.toLocaleString("en-US")} secret${data.total === 1 ? "" : "s"}${filtered ? " match these filters" : ""}`}
      </p>

      {data.total === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600">
          {filtered ? (
            <>No secret matches these filters. <button className="underline" onClick={() => router.replace(pathname)}>Clear them</button>.</>
          ) : (
            <>No secrets yet. <Link className="font-medium text-indigo-700 underline" href="/upload">Upload a scan report</Link> to start.</>
          )}
        </div>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50">
              {table.getHeaderGroups().map((hg) => (
                <tr key={hg.id}>
                  {hg.headers.map((h) => {
                    const sorted = h.column.getIsSorted();
                    return (
                      <th key={h.id} scope="col" aria-sort={sorted ? (sorted === "desc" ? "descending" : "ascending") : "none"} className="px-3 py-2 text-left font-semibold text-slate-700">
                        {h.column.getCanSort() ? (
                          <button type="button" onClick={h.column.getToggleSortingHandler()} className="inline-flex items-center gap-1 hover:text-indigo-700">
                            {flexRender(h.column.columnDef.header, h.getContext())}
                            <span aria-hidden>{sorted === "desc" ? "▼" : sorted === "asc" ? "▲" : "↕"}</span>
                          </button>
                        ) : (
                          flexRender(h.column.columnDef.header, h.getContext())
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody className="divide-y divide-slate-100">
              {table.getRowModel().rows.map((r) => (
                <tr key={r.id} className="hover:bg-slate-50">
                  {r.getVisibleCells().map((c) => (
                    <td key={c.id} className="px-3 py-2 align-top">{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {pages > 1 ? (
        <nav aria-label="Pagination" className="mt-3 flex items-center justify-between text-sm">
          <button disabled={data.page <= 1} onClick={() => setParams({ page: String(data.page - 1) }, false)} className="rounded border border-slate-300 px-3 py-1 disabled:opacity-40">Previous</button>
          <span>Page {data.page} of {pages}</span>
          <button disabled={data.page >= pages} onClick={() => setParams({ page: String(data.page + 1) }, false)} className="rounded border border-slate-300 px-3 py-1 disabled:opacity-40">Next</button>
        </nav>
      ) : null}
    </div>
  );
}
