import Link from "next/link";
import { notFound } from "next/navigation";
import { imageHref } from "@/components/images/image-links";
import { day, shortDigest } from "@/components/secrets/labels";
import { TRIAGE_LABEL } from "@/lib/vocabulary/triage-state";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { requirePageUser } from "@/lib/auth/current-user";
import { ResidueError } from "@/lib/errors";
import { getImage, type ImageDetail } from "@/lib/images/get-image";
import { minute } from "@/components/ui/format";

export const metadata = { title: "Image" };
export const dynamic = "force-dynamic";

const bytes = (n: number | null) =>
  n == null
    ? "—"
    : n < 1024
      ? `${n} B`
      : n < 1048576
        ? `${(n / 1024).toFixed(1)} KiB`
        : `${(n / 1048576).toFixed(1)} MiB`;

export default async function ImagePage({
  params,
  searchParams,
}: {
  params: Promise<{ digest: string }>;
  searchParams: Promise<Record<string, string>>;
}) {
  await requirePageUser("read");
  const raw = (await params).digest;
  const digest = (() => {
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  })();
  const { repository } = await searchParams;
  const d = await getImage(digest, repository).catch((e) => {
    if (e instanceof ResidueError && e.code === "not_found") notFound();
    throw e;
  });
  const { image, stack, counts } = d;
  const name = `${image.repository.registry.host}/${image.repository.name}`;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href={`/repositories/${image.repository.id}`} className="hover:underline">
          {name}
        </Link>{" "}
        / {shortDigest(image.digest)}
      </nav>
      <PageHeader
        title={`${name}${image.digestKind === "unresolved" ? "" : `@${shortDigest(image.digest)}`}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            {image.tags.map((t) => (
              <Badge key={t.name}>{t.name}</Badge>
            ))}
            {image.platform ? <span>{image.platform}</span> : null}
            <span>
              first seen {day(image.firstSeenAt)}, last seen {day(image.lastSeenAt)}
            </span>
            {image.digestKind !== "unresolved" ? <code className="text-xs break-all">{image.digest}</code> : null}
          </span>
        }
      />
      {d.otherRepositories.length ? (
        <p className="mb-4 text-sm text-slate-600">
          The same digest is also in:{" "}
          {d.otherRepositories.map((r) => (
            <Link key={r.id} href={imageHref(image.digest, r.id)} className="mr-2 text-indigo-700 underline">
              {r.name}
            </Link>
          ))}
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-4">
        <StatCard label="Findings" value={counts.findings} />
        <StatCard label="Residue (deleted later)" value={counts.residue} />
        <StatCard label="In build history / config" value={counts.history} />
        <StatCard label="Inherited layers with findings" value={counts.inherited} />
      </dl>

      {d.history.length ? (
        <section
          className="mt-6 rounded-lg border border-purple-200 bg-purple-50 p-4 text-sm"
          aria-labelledby="history"
        >
          <h2 id="history" className="font-semibold text-purple-900">
            Secrets in the image config (visible to <code>docker history --no-trunc</code> / <code>docker inspect</code>
            )
          </h2>
          <ul className="mt-2 space-y-1">
            {d.history.map((o) => (
              <FindingLine key={o.id} o={o} />
            ))}
          </ul>
        </section>
      ) : null}

      <section className="mt-6" aria-labelledby="layers">
        <h2 id="layers" className="mb-2 text-lg font-semibold">
          Layer stack
        </h2>
        {stack.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">
            The reports for this image did not carry its history. Scan it with <code>npx residue scan</code> (or trivy)
            to see every layer.
          </p>
        ) : (
          <ol className="space-y-2">
            {stack.map((l) => (
              <li
                key={l.position}
                className={`rounded-lg border bg-white p-3 text-sm ${l.findings.length ? "border-red-200" : "border-slate-200"}`}
              >
                <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                  <span className="font-mono text-xs text-slate-500">#{l.position}</span>
                  {l.emptyLayer ? (
                    <Badge>metadata only</Badge>
                  ) : (
                    <span className="font-mono text-xs">{shortDigest(l.layer?.diffId ?? l.layer?.digest ?? "")}</span>
                  )}
                  <span className="text-xs text-slate-500">{bytes(l.size)}</span>
                  {l.sharedWith ? (
                    <Badge tone="low">
                      shared with {l.sharedWith.images} image{l.sharedWith.images === 1 ? "" : "s"} in{" "}
                      {l.sharedWith.repositories} other repo{l.sharedWith.repositories === 1 ? "" : "s"}
                    </Badge>
                  ) : null}
                  {l.findings.length ? (
                    <Badge tone="critical">
                      {l.findings.length} finding{l.findings.length === 1 ? "" : "s"}
                    </Badge>
                  ) : null}
                </div>
                {l.createdBy ? (
                  <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-all font-mono text-xs text-slate-700">
                    {l.createdBy}
                  </pre>
                ) : null}
                {l.findings.length ? (
                  <ul className="mt-2 space-y-1">
                    {l.findings.map((o) => (
                      <FindingLine key={o.id} o={o} />
                    ))}
                  </ul>
                ) : null}
                {l.findings.length && l.sharedWith ? (
                  <p className="mt-2 text-xs text-slate-600">
                    Inherited from a base layer, also in:{" "}
                    {l.sharedWith.sample.map((s) => (
                      <Link
                        key={`${s.host}/${s.repository}@${s.digest}`}
                        className="mr-2 text-indigo-700 underline"
                        href={imageHref(s.digest)}
                      >
                        {s.host}/{s.repository}
                      </Link>
                    ))}
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        )}
        {d.unplaced.length ? (
          <div className="mt-4 rounded-lg border border-slate-200 bg-white p-3 text-sm">
            <h3 className="font-medium">Findings whose layer the history does not list</h3>
            <ul className="mt-2 space-y-1">
              {d.unplaced.map((o) => (
                <FindingLine key={o.id} o={o} />
              ))}
            </ul>
          </div>
        ) : null}
        {d.truncated ? <p className="mt-2 text-sm text-amber-700">Showing the first 2,000 findings.</p> : null}
      </section>

      <section className="mt-6 text-sm" aria-labelledby="scans">
        <h2 id="scans" className="mb-2 text-lg font-semibold">
          Scans of this digest
        </h2>
        {d.scans.length === 0 ? (
          <p className="text-slate-600">No scan names this digest as its image.</p>
        ) : (
          <ul className="space-y-1">
            {d.scans.map((s) => (
              <li key={s.id}>
                {minute(s.createdAt)} — {s.toolName ?? s.scanner}, {s.findingsCount} findings
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function FindingLine({ o }: { o: ImageDetail["history"][number] }) {
  return (
    <li className="flex flex-wrap items-center gap-2">
      <Badge tone={o.secret.severity}>{o.secret.severity}</Badge>
      <Link href={`/secrets/${o.secret.id}`} className="font-medium text-indigo-700 hover:underline">
        {o.secret.title ?? o.secret.ruleId}
      </Link>
      <code className="text-xs">{o.secret.redactedPreview}</code>
      <span className="font-mono text-xs">
        {o.path}
        {o.line ? `:${o.line}` : ""}
      </span>
      {o.residue ? (
        <Badge tone="warn">residue: deleted in layer #{o.deletedInPosition ?? "?"}, still in this layer</Badge>
      ) : null}
      {o.source === "history" ? <Badge tone="warn">build history</Badge> : null}
      {o.source === "env" ? <Badge tone="warn">image Env</Badge> : null}
      <span className="text-xs text-slate-500">{TRIAGE_LABEL[o.secret.triageState]}</span>
    </li>
  );
}
