"use client";
import Link from "next/link";
import { useRef, useState } from "react";
import type { IngestResult } from "@/lib/ingest/schemas";
import type { UploadView } from "@/lib/uploads/upload-status";
import { UPLOAD_PHASES } from "@/lib/vocabulary/upload-phase";

type State =
  | { kind: "idle" }
  | { kind: "uploading"; progress: number; name: string }
  | { kind: "processing"; status: UploadView; name: string }
  | { kind: "done"; result: IngestResult; name: string }
  | { kind: "error"; message: string };

export function UploadForm({ formats, maxBytes }: { formats: { id: string; label: string }[]; maxBytes: number }) {
  const [state, setState] = useState<State>({ kind: "idle" });
  const [dragging, setDragging] = useState(false);
  const [format, setFormat] = useState("");
  const [image, setImage] = useState("");
  const [source, setSource] = useState("");
  const input = useRef<HTMLInputElement>(null);

  function send(file: File) {
    if (file.size > maxBytes) {
      setState({
        kind: "error",
        message: `${file.name} is larger than the ${Math.round(maxBytes / 1048576)} MB limit.`,
      });
      return;
    }
    const body = new FormData();
    body.set("file", file);
    if (format) body.set("format", format);
    if (image.trim()) body.set("image", image.trim());
    if (source.trim()) body.set("source", source.trim());
    // XMLHttpRequest, not fetch: it reports upload progress.
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/ui/scans");
    xhr.upload.onprogress = (e) =>
      e.lengthComputable && setState({ kind: "uploading", progress: e.loaded / e.total, name: file.name });
    xhr.onload = () => {
      let json: unknown;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = undefined;
      }
      if (xhr.status === 202) void follow(json as UploadView, file.name);
      else if (xhr.status >= 200 && xhr.status < 300)
        setState({ kind: "done", result: json as IngestResult, name: file.name });
      else
        setState({
          kind: "error",
          message: (json as { message?: string } | undefined)?.message ?? `Upload failed (HTTP ${xhr.status}).`,
        });
    };
    xhr.onerror = () => setState({ kind: "error", message: "Network error: the upload did not reach the server." });
    setState({ kind: "uploading", progress: 0, name: file.name });
    xhr.send(body);
  }

  // Received and queued: follow the upload's status until the ingest ends.
  async function follow(status: UploadView, name: string) {
    for (let s = status; ;) {
      if (s.processing_status === "complete" && s.result) return setState({ kind: "done", result: s.result, name });
      if (s.processing_status === "failed")
        return setState({ kind: "error", message: s.error?.message ?? "Processing the report failed." });
      setState({ kind: "processing", status: s, name });
      await new Promise((r) => setTimeout(r, 400));
      try {
        const res = await fetch(`/api/ui/scans/${encodeURIComponent(s.id)}`, { cache: "no-store" });
        const body = await res.json();
        if (!res.ok) return setState({ kind: "error", message: body.message ?? `HTTP ${res.status}` });
        s = body as UploadView;
      } catch {
        return setState({ kind: "error", message: "Network error while following the upload; see Scans." });
      }
    }
  }

  const busy = state.kind === "uploading" || state.kind === "processing";
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <div>
        <div
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            const f = e.dataTransfer.files[0];
            if (f && !busy) send(f);
          }}
          className={`flex flex-col items-center justify-center rounded-lg border-2 border-dashed p-10 text-center transition ${dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-white"}`}
        >
          <p className="text-base font-medium">Drag a report here</p>
          <p className="mt-1 text-sm text-slate-500">
            JSON, JSON lines or SARIF; gzip accepted; up to {Math.round(maxBytes / 1048576)} MB
          </p>
          <label className="mt-4 inline-flex cursor-pointer items-center rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-within:ring-2 focus-within:ring-indigo-400">
            Choose a file
            <input
              ref={input}
              type="file"
              className="sr-only"
              aria-label="Report file"
              disabled={busy}
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) send(f);
                e.target.value = "";
              }}
            />
          </label>
        </div>
        <div aria-live="polite" className="mt-4">
          {state.kind === "uploading" ? (
            <div>
              <p className="text-sm text-slate-700">
                Uploading {state.name}… {state.progress < 1 ? `${Math.round(state.progress * 100)}%` : "ingesting"}
              </p>
              <progress
                className="mt-2 h-2 w-full"
                max={1}
                value={state.progress < 1 ? state.progress : undefined}
                aria-label="Upload progress"
              />
            </div>
          ) : null}
          {state.kind === "processing" ? <Processing status={state.status} name={state.name} /> : null}
          {state.kind === "error" ? (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
              {state.message}
            </p>
          ) : null}
          {state.kind === "done" ? <ResultSummary result={state.result} name={state.name} /> : null}
        </div>
      </div>
      <fieldset className="rounded-lg border border-slate-200 bg-white p-5" disabled={busy}>
        <legend className="px-1 text-sm font-semibold">Options</legend>
        <label htmlFor="format" className="block text-sm font-medium text-slate-700">
          Format
        </label>
        <select
          id="format"
          value={format}
          onChange={(e) => setFormat(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        >
          <option value="">Detect automatically</option>
          {formats.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
        <label htmlFor="image" className="mt-4 block text-sm font-medium text-slate-700">
          Image (when the report does not name it)
        </label>
        <input
          id="image"
          value={image}
          onChange={(e) => setImage(e.target.value)}
          placeholder="ghcr.io/acme/api:1.4.2@sha256:…"
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 font-mono text-xs"
        />
        <p className="mt-2 text-xs text-slate-500">
          Docker rules apply: docker.io is the default registry, library/ the default namespace, latest the default tag.
        </p>
        <label htmlFor="source" className="mt-4 block text-sm font-medium text-slate-700">
          Source (a report without an image)
        </label>
        <input
          id="source"
          value={source}
          onChange={(e) => setSource(e.target.value)}
          placeholder="https://github.com/acme/api"
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 font-mono text-xs"
        />
        <p className="mt-2 text-xs text-slate-500">
          Groups the findings of a repository scan; otherwise the repository or path the report names.
        </p>
      </fieldset>
    </div>
  );
}

function Processing({ status, name }: { status: UploadView; name: string }) {
  return (
    <div>
      <p className="text-sm text-slate-700">
        {name}: {UPLOAD_PHASES[status.phase]}
        {status.findings !== null ? ` · ${status.findings.toLocaleString()} findings` : ""} ·{" "}
        {(status.bytes / 1048576).toFixed(1)} MB
        {status.attempts > 1 ? ` · attempt ${status.attempts}` : ""}
      </p>
      <progress className="mt-2 h-2 w-full" aria-label="Processing progress" />
    </div>
  );
}

function ResultSummary({ result, name }: { result: IngestResult; name: string }) {
  const c = result.counts;
  return (
    <section aria-label="Upload result" className="rounded-lg border border-emerald-200 bg-emerald-50 p-5">
      <h2 className="font-semibold text-emerald-900">
        {result.duplicate ? `${name} was already ingested: nothing new was added.` : `Ingested ${name}`}
      </h2>
      <p className="mt-1 text-sm text-emerald-900">
        {result.scanner} · {result.format}
        {result.image ? (
          <>
            {" "}
            · <span className="font-mono">{result.image}</span>
          </>
        ) : null}
      </p>
      <dl className="mt-3 grid grid-cols-3 gap-3 text-sm sm:grid-cols-6">
        {[
          ["Findings", c.findings],
          ["Secrets", c.secrets],
          ["New secrets", c.newSecrets],
          ["New occurrences", c.newOccurrences],
          ["Already known", c.alreadyKnown],
          ["Skipped", c.skipped],
        ].map(([label, value]) => (
          <div key={label as string}>
            <dt className="text-emerald-800">{label}</dt>
            <dd
              className="text-lg font-semibold tabular-nums"
              data-testid={`result-${String(label).toLowerCase().replace(/ /g, "-")}`}
            >
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-4 text-sm">
        <Link href={result.links.secrets} className="font-medium text-indigo-700 underline">
          See the secrets this report found
        </Link>
      </p>
    </section>
  );
}
