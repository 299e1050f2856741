"use client";
import { EmptyState } from "@/components/ui/card";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type RowSelectionState,
  type SortingState,
  type VisibilityState,
} from "@tanstack/react-table";
import { Badge } from "@/components/ui/badge";
import { secondaryButtonClass } from "@/components/ui/styles";
import { AssignableOptions, AssignSelect, type Assignable } from "./assign-select";
import { day } from "./labels";
import { OPEN_STATES, TRIAGE_LABEL, TRIAGE_STATES } from "@/lib/vocabulary/triage-state";
import { SEVERITIES, SEVERITY_LABEL } from "@/lib/vocabulary/severity";
import { TriageForm } from "./triage-form";
import type { Jsonified } from "@/lib/json";
import type { listSecrets } from "@/lib/secrets/list-secrets";

// What listSecrets returns, as the page hands it over (dates as strings).
type Data = Jsonified<Awaited<ReturnType<typeof listSecrets>>>;
type Row = Data["secrets"][number];

const col = createColumnHelper<Row>();
const SORT_ID: Record<string, string> = {
  severity: "severity",
  occurrenceCount: "occurrences",
  imageCount: "images",
  firstSeenAt: "firstSeen",
  lastSeenAt: "lastSeen",
  ruleId: "rule",
};

const columns = [
  col.display({
    id: "select",
    enableHiding: false,
    header: ({ table }) => (
      <input
        type="checkbox"
        aria-label="Select all on this page"
        checked={table.getIsAllRowsSelected()}
        ref={(el) => {
          if (el) el.indeterminate = table.getIsSomeRowsSelected();
        }}
        onChange={table.getToggleAllRowsSelectedHandler()}
      />
    ),
    cell: ({ row }) => (
      <input
        type="checkbox"
        aria-label={`Select ${row.original.title ?? row.original.ruleId}`}
        checked={row.getIsSelected()}
        onChange={row.getToggleSelectedHandler()}
      />
    ),
  }),
  col.accessor("severity", { header: "Severity", cell: (c) => <Badge tone={c.getValue()}>{c.getValue()}</Badge> }),
  col.accessor("ruleId", {
    header: "Rule",
    enableHiding: false,
    cell: (c) => (
      <Link
        href={`/secrets/${c.row.original.id}`}
        className="font-medium text-indigo-700 hover:underline"
        data-row-link
      >
        {c.row.original.title ?? c.getValue()}
        <span className="block text-xs font-normal text-slate-500">
          {c.row.original.detector} · {c.getValue()}
        </span>
      </Link>
    ),
  }),
  col.accessor("redactedPreview", {
    header: "Preview",
    enableSorting: false,
    cell: (c) => <code className="text-xs">{c.getValue()}</code>,
  }),
  col.accessor("triageState", {
    header: "State",
    enableSorting: false,
    cell: (c) => (
      <span className="flex flex-wrap gap-1">
        <Badge>{TRIAGE_LABEL[c.getValue()]}</Badge>
        {c.row.original.regression ? <Badge tone="warn">regression</Badge> : null}
        {c.row.original.verifiedLive ? <Badge tone="critical">live</Badge> : null}
        {c.row.original.residueCount > 0 ? <Badge tone="warn">residue</Badge> : null}
        {c.row.original.remediatedAt ? <Badge tone="good">remediated</Badge> : null}
      </span>
    ),
  }),
  col.accessor((r) => r.assignee?.name ?? "", {
    id: "assignee",
    header: "Assignee",
    enableSorting: false,
    cell: (c) => c.getValue() || <span className="text-slate-400">—</span>,
  }),
  col.accessor("imageCount", { header: "Images", cell: (c) => <span className="tabular-nums">{c.getValue()}</span> }),
  col.accessor("occurrenceCount", {
    header: "Occurrences",
    cell: (c) => <span className="tabular-nums">{c.getValue()}</span>,
  }),
  col.accessor("firstSeenAt", { header: "First seen", cell: (c) => day(c.getValue()) }),
  col.accessor("lastSeenAt", { header: "Last seen", cell: (c) => day(c.getValue()) }),
];

const FILTERS: { key: string; label: string; options: [string, string][] }[] = [
  {
    key: "state",
    label: "State",
    options: [
      ["", "Any"],
      ...TRIAGE_STATES.map((s): [string, string] => [s, TRIAGE_LABEL[s]]),
      [OPEN_STATES.join(","), "Open or confirmed"],
    ],
  },
  {
    key: "severity",
    label: "Severity",
    options: [
      ["", "Any"],
      ...SEVERITIES.map((s): [string, string] => [s, SEVERITY_LABEL[s]]),
      ["critical,high", "Critical or high"],
    ],
  },
  {
    key: "remediation",
    label: "Remediation",
    options: [
      ["", "Any"],
      ["none", "No plan"],
      ["planned", "In progress"],
      ["overdue", "Overdue"],
      ["remediated", "Remediated"],
    ],
  },
  {
    key: "residue",
    label: "Residue",
    options: [
      ["", "Any"],
      ["1", "Deleted in a later layer"],
      ["0", "Not residue"],
    ],
  },
  {
    key: "verified",
    label: "Live",
    options: [
      ["", "Any"],
      ["1", "Verified live"],
      ["0", "Not live"],
    ],
  },
];
const TEXT_FILTERS: { key: string; label: string; placeholder: string; width: string; type?: string }[] = [
  { key: "q", label: "Search", placeholder: "rule, path, repository", width: "w-52" },
  { key: "rule", label: "Detector or rule", placeholder: "aws-access-key-id", width: "w-40" },
  { key: "registry", label: "Registry", placeholder: "ghcr.io", width: "w-32" },
  { key: "repository", label: "Repository", placeholder: "acme/api", width: "w-32" },
  { key: "scanner", label: "Scanner", placeholder: "trivy", width: "w-24" },
  { key: "firstSeenFrom", label: "First seen from", placeholder: "", width: "w-36", type: "date" },
  { key: "firstSeenTo", label: "First seen to", placeholder: "", width: "w-36", type: "date" },
];
const HIDDEN_KEY = "residue.secrets.hiddenColumns";

export function SecretsTable({
  data,
  query,
  users,
  canTriage,
}: {
  data: Data;
  query: Record<string, string>;
  users: Assignable[];
  canTriage: boolean;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const [columnVisibility, setColumnVisibility] = useState<VisibilityState>({});
  const bodyRef = useRef<HTMLTableSectionElement>(null);

  // Column choices are a personal preference: kept in this browser, not in the shared URL.
  useEffect(() => {
    try {
      setColumnVisibility(JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? "{}"));
    } catch {}
  }, []);
  useEffect(() => setRowSelection({}), [data]);

  const setParams = (changes: Record<string, string | undefined>, resetPage = true) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (resetPage && !("page" in changes)) next.delete("page");
    startTransition(() => router.replace(`${pathname}?${next.toString()}`, { scroll: false }));
  };

  const sortKey = query.sort ?? "lastSeen";
  const sorting: SortingState = [
    {
      id: Object.entries(SORT_ID).find(([, v]) => v === sortKey)?.[0] ?? "lastSeenAt",
      desc: (query.dir ?? "desc") === "desc",
    },
  ];
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack's table instance is rebuilt each render by design; nothing here memoises it
  const table = useReactTable({
    data: data.secrets,
    columns,
    getRowId: (r) => r.id,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    enableRowSelection: canTriage,
    rowCount: data.total,
    state: {
      sorting,
      rowSelection,
      columnVisibility: { ...columnVisibility, select: canTriage },
      pagination: { pageIndex: data.page - 1, pageSize: data.pageSize },
    },
    onRowSelectionChange: setRowSelection,
    onColumnVisibilityChange: (updater) => {
      const next = typeof updater === "function" ? updater(columnVisibility) : updater;
      setColumnVisibility(next);
      localStorage.setItem(HIDDEN_KEY, JSON.stringify(next));
    },
    onSortingChange: (updater) => {
      const s = (typeof updater === "function" ? updater(sorting) : updater)[0];
      if (s) setParams({ sort: SORT_ID[s.id], dir: s.desc ? "desc" : "asc" });
    },
  });
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const filtered = [...params.keys()].some((k) => !["page", "sort", "dir", "pageSize"].includes(k));
  const selected = Object.keys(rowSelection).filter((k) => rowSelection[k]);

  // Keyboard: ↑/↓ (or j/k) move between rows, Enter opens, Space or x selects.
  const onRowKey = (e: React.KeyboardEvent<HTMLTableRowElement>, index: number) => {
    const rows = bodyRef.current?.querySelectorAll<HTMLTableRowElement>("tr[data-row]");
    if (!rows) return;
    const move = (to: number) => rows[Math.max(0, Math.min(rows.length - 1, to))]?.focus();
    if (e.key === "ArrowDown" || e.key === "j") {
      e.preventDefault();
      move(index + 1);
    } else if (e.key === "ArrowUp" || e.key === "k") {
      e.preventDefault();
      move(index - 1);
    } else if (e.key === "Enter" && e.target === e.currentTarget)
      e.currentTarget.querySelector<HTMLAnchorElement>("a[data-row-link]")?.click();
    else if ((e.key === " " || e.key === "x") && e.target === e.currentTarget && canTriage) {
      e.preventDefault();
      table.getRowModel().rows[index]?.toggleSelected();
    }
  };

  return (
    <div aria-busy={pending}>
      <form
        role="search"
        className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setParams(
            Object.fromEntries(TEXT_FILTERS.map((t) => [t.key, String(f.get(t.key) ?? "").trim() || undefined])),
          );
        }}
      >
        {TEXT_FILTERS.map((t) => (
          <label key={t.key} className="text-sm">
            <span className="block font-medium text-slate-700">{t.label}</span>
            <input
              name={t.key}
              type={t.type ?? "text"}
              defaultValue={query[t.key] ?? ""}
              placeholder={t.placeholder}
              className={`mt-1 ${t.width} rounded-md border border-slate-300 px-2 py-1.5 text-sm`}
            />
          </label>
        ))}
        {FILTERS.map((f) => (
          <label key={f.key} className="text-sm">
            <span className="block font-medium text-slate-700">{f.label}</span>
            <select
              value={query[f.key] ?? ""}
              onChange={(e) => setParams({ [f.key]: e.target.value || undefined })}
              className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            >
              {f.options.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label className="text-sm">
          <span className="block font-medium text-slate-700">Assignee</span>
          <select
            value={query.assignee ?? ""}
            onChange={(e) => setParams({ assignee: e.target.value || undefined })}
            className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          >
            <option value="">Anyone</option>
            <option value="none">Unassigned</option>
            <AssignableOptions users={users} />
          </select>
        </label>
        <button
          type="submit"
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Apply
        </button>
        {filtered ? (
          <button
            type="button"
            onClick={() => startTransition(() => router.replace(pathname))}
            className="text-sm text-slate-600 underline"
          >
            Clear filters
          </button>
        ) : null}
      </form>

      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-600" aria-live="polite">
          {pending
            ? "Loading…"
            : `${data.total.toLocaleString("en-US")} secret${data.total === 1 ? "" : "s"}${filtered ? (data.total === 1 ? " matches these filters" : " match these filters") : ""}`}
        </p>
        <details className="relative text-sm">
          <summary className={`${secondaryButtonClass} cursor-pointer list-none`}>Columns</summary>
          <div className="absolute right-0 z-10 mt-1 w-48 rounded-md border border-slate-200 bg-white p-2 shadow-lg">
            {table
              .getAllLeafColumns()
              .filter((c) => c.getCanHide())
              .map((c) => (
                <label key={c.id} className="flex items-center gap-2 py-0.5">
                  <input type="checkbox" checked={c.getIsVisible()} onChange={c.getToggleVisibilityHandler()} />
                  {typeof c.columnDef.header === "string" ? c.columnDef.header : c.id}
                </label>
              ))}
          </div>
        </details>
      </div>

      {canTriage && selected.length ? (
        <section aria-label="Bulk actions" className="mb-3 rounded-lg border border-indigo-200 bg-indigo-50 p-3">
          <p className="mb-2 text-sm font-medium text-indigo-900">
            {selected.length} selected{" "}
            <button type="button" className="ml-2 text-xs underline" onClick={() => setRowSelection({})}>
              clear
            </button>
          </p>
          <div className="flex flex-wrap items-end gap-6">
            <TriageForm ids={selected} compact onDone={() => setRowSelection({})} />
            <div className="w-48">
              <AssignSelect ids={selected} current={null} users={users} label="Assign selected to" />
            </div>
          </div>
        </section>
      ) : null}

      {data.total === 0 ? (
        <EmptyState>
          {filtered ? (
            <>
              No secret matches these filters.{" "}
              <button className="underline" onClick={() => router.replace(pathname)}>
                Clear them
              </button>
              .
            </>
          ) : (
            <>
              No secrets yet.{" "}
              <Link className="font-medium text-indigo-700 underline" href="/upload">
                Upload a scan report
              </Link>{" "}
              to start.
            </>
          )}
        </EmptyState>
      ) : (
        <div
          className={`overflow-x-auto rounded-lg border border-slate-200 bg-white transition-opacity ${pending ? "opacity-60" : ""}`}
        >
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">
              Secrets. Use the arrow keys to move between rows, Enter to open, Space to select.
            </caption>
            <thead className="bg-slate-50">
              {table.getHeaderGroups().map((hg) => (
                <tr key={hg.id}>
                  {hg.headers.map((h) => {
                    const sorted = h.column.getIsSorted();
                    return (
                      <th
                        key={h.id}
                        scope="col"
                        aria-sort={
                          h.column.getCanSort()
                            ? sorted
                              ? sorted === "desc"
                                ? "descending"
                                : "ascending"
                              : "none"
                            : undefined
                        }
                        className="px-3 py-2 text-left font-semibold text-slate-700"
                      >
                        {h.column.getCanSort() ? (
                          <button
                            type="button"
                            onClick={h.column.getToggleSortingHandler()}
                            className="inline-flex items-center gap-1 hover:text-indigo-700"
                          >
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
            <tbody ref={bodyRef} className="divide-y divide-slate-100">
              {table.getRowModel().rows.map((r, i) => (
                <tr
                  key={r.id}
                  data-row
                  tabIndex={0}
                  onKeyDown={(e) => onRowKey(e, i)}
                  aria-selected={r.getIsSelected()}
                  className={`focus:outline-none focus-visible:bg-indigo-50 focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-400 ${r.getIsSelected() ? "bg-indigo-50" : "hover:bg-slate-50"}`}
                >
                  {r.getVisibleCells().map((c) => (
                    <td key={c.id} className="px-3 py-2 align-top">
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {pages > 1 ? (
        <nav aria-label="Pagination" className="mt-3 flex items-center justify-between text-sm">
          <button
            disabled={data.page <= 1}
            onClick={() => setParams({ page: String(data.page - 1) }, false)}
            className="rounded border border-slate-300 px-3 py-1 disabled:opacity-40"
          >
            Previous
          </button>
          <span>
            Page {data.page} of {pages.toLocaleString("en-US")}
          </span>
          <button
            disabled={data.page >= pages}
            onClick={() => setParams({ page: String(data.page + 1) }, false)}
            className="rounded border border-slate-300 px-3 py-1 disabled:opacity-40"
          >
            Next
          </button>
        </nav>
      ) : null}
    </div>
  );
}
