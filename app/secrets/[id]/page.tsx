import { Card } from "@/components/ui/card";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { ImageLink } from "@/components/images/image-links";
import { InlineCode } from "@/components/ui/inline-code";
import { day, shortDigest } from "@/components/secrets/labels";
import { IDENTITY_LABEL } from "@/lib/vocabulary/identity-kind";
import { TRIAGE_LABEL } from "@/lib/vocabulary/triage-state";
import { ResidueError } from "@/lib/errors";
import { getSecret } from "@/lib/secrets/get-secret";
import { requirePageUser } from "@/lib/auth/current-user";
import { can } from "@/lib/access/actor";
import { controlsFor } from "@/lib/compliance/catalogue";
import { findingTypes } from "@/lib/vocabulary/finding-type";
import { guidanceFor } from "@/lib/remediation/guidance";
import { timelineSentence } from "@/lib/secrets/timeline-sentence";
import { getSecretActivity } from "@/lib/secrets/get-secret-activity";
import { listAssignableUsers } from "@/lib/users/manage-users";
import { AssignSelect } from "@/components/secrets/assign-select";
import { CommentForm } from "@/components/secrets/comment-form";
import { TriageForm } from "@/components/secrets/triage-form";
import { StepActions } from "@/components/remediation/step-actions";
import { StepStateBadge } from "@/components/remediation/labels";
import { isOpenStep, STEP_LABEL } from "@/lib/vocabulary/remediation-step";
import { minute } from "@/components/ui/format";

export const dynamic = "force-dynamic";

export default async function SecretPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser("read");
  const { id } = await params;
  const detail = await getSecret({ secretId: id }).catch((e) => {
    if (e instanceof ResidueError && e.code === "not_found") notFound();
    throw e;
  });
  // The address of a secret merged into another leads to the one it joined.
  if (detail.movedFrom) redirect(`/secrets/${detail.secret.id}`);
  const { secret: s, blastRadius: b, tree } = detail;
  const [activity, users] = await Promise.all([getSecretActivity(s.id), listAssignableUsers()]);
  const types = findingTypes(s);
  const canTriage = can(me, "triage");
  const now = new Date();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/secrets" className="hover:underline">
          Secrets
        </Link>{" "}
        / {s.ruleId}
      </nav>
      <PageHeader
        title={s.title ?? s.ruleId}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={s.severity}>{s.severity}</Badge>
            <Badge>{TRIAGE_LABEL[s.triageState]}</Badge>
            {s.regression ? <Badge tone="warn">regression</Badge> : null}
            {s.verifiedLive ? <Badge tone="critical">verified live</Badge> : null}
            <span>
              {s.detector} · rule <code>{s.ruleId}</code> · preview{" "}
              <code data-testid="secret-preview">{s.redactedPreview}</code>
            </span>
          </span>
        }
      />
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-5">
        <StatCard label="Registries" value={b.registries} />
        <StatCard label="Repositories" value={b.repositories} />
        <StatCard label="Images (digests)" value={b.images} />
        <StatCard label="Layers" value={b.layers} />
        <StatCard
          label="Occurrences"
          value={b.occurrences}
          hint={s.residueCount ? `${s.residueCount} deleted in a later layer` : undefined}
        />
      </dl>

      <section className="mt-6 grid gap-4 md:grid-cols-2">
        <Card>
          <h2 className="font-semibold">Identity</h2>
          <p className="mt-1 text-slate-700">
            {IDENTITY_LABEL[s.identityKind]}.{s.valueLength ? ` The value is ${s.valueLength} characters long.` : ""}{" "}
            Residue never stores the value itself.
          </p>
          <p className="mt-2 text-slate-600">
            First seen {day(s.firstSeenAt)}, last seen {day(s.lastSeenAt)}.
          </p>
          <p className="mt-2 text-slate-600">
            Reported by {detail.scanners.length ? detail.scanners.join(", ") : "no scanner on record"}.
            {detail.mergedFrom
              ? ` ${detail.mergedFrom === 1 ? "One secret was" : `${detail.mergedFrom} secrets were`} found to be this credential and merged into it (see the timeline).`
              : ""}
          </p>
        </Card>
        <Card>
          <h2 className="font-semibold">Triage</h2>
          <p className="mt-1 text-slate-700">
            {TRIAGE_LABEL[s.triageState]}
            {s.triageReason ? <> — “{s.triageReason}”</> : null}
            {s.acceptedUntil ? <> until {day(s.acceptedUntil)}</> : null}
            {activity.assignee ? <> · assigned to {activity.assignee.name}</> : null}
          </p>
          {canTriage ? (
            <div className="mt-3 grid gap-4 sm:grid-cols-[2fr_1fr]">
              <TriageForm ids={[s.id]} current={s.triageState === "open" ? "confirmed" : s.triageState} />
              <AssignSelect ids={[s.id]} current={activity.assignee?.id ?? null} users={users} />
            </div>
          ) : null}
        </Card>
      </section>

      <section className="mt-6" aria-labelledby="where">
        <h2 id="where" className="mb-2 text-lg font-semibold">
          Where it occurs
        </h2>
        {b.truncated ? (
          <p className="mb-2 text-sm text-amber-700">
            Showing the 1,000 most recent occurrences of {b.occurrences.toLocaleString("en-US")}.
          </p>
        ) : null}
        <ul className="space-y-3">
          {tree.map((reg) => (
            <li key={reg.host} className="rounded-lg border border-slate-200 bg-white">
              <details open>
                <summary className="cursor-pointer px-4 py-2 font-medium">
                  {reg.host}{" "}
                  <span className="text-sm font-normal text-slate-500">({reg.repositories.length} repositories)</span>
                </summary>
                <ul className="space-y-2 px-4 pb-3">
                  {reg.repositories.map((repo) => (
                    <li key={repo.id}>
                      <details open>
                        <summary className="cursor-pointer font-mono text-sm">
                          {repo.name}{" "}
                          <Link
                            href={`/repositories/${repo.id}`}
                            className="ml-2 font-sans text-xs text-indigo-700 underline"
                          >
                            repository
                          </Link>
                        </summary>
                        <ul className="ml-4 mt-1 space-y-2">
                          {repo.images.map((img) => (
                            <li key={img.id} className="text-sm">
                              <details>
                                <summary className="cursor-pointer">
                                  <ImageLink digest={img.digest} digestKind={img.digestKind} repositoryId={repo.id} />{" "}
                                  {img.tags.map((t) => (
                                    <Badge key={t}>{t}</Badge>
                                  ))}{" "}
                                  <span className="text-slate-500">
                                    {img.occurrences.length} occurrence{img.occurrences.length === 1 ? "" : "s"}
                                  </span>
                                </summary>
                                <table className="ml-4 mt-1 text-xs">
                                  <thead>
                                    <tr className="text-left text-slate-500">
                                      <th className="pr-4 font-medium">Layer</th>
                                      <th className="pr-4 font-medium">Path</th>
                                      <th className="pr-4 font-medium">Line</th>
                                      <th className="pr-4 font-medium">Scanner</th>
                                      <th className="font-medium">Last seen</th>
                                    </tr>
                                  </thead>
                                  <tbody>
                                    {img.occurrences.map((o) => (
                                      <tr key={o.id}>
                                        <td className="pr-4 font-mono">
                                          {o.layer
                                            ? `${o.layer.position !== null ? `#${o.layer.position} ` : ""}${shortDigest(o.layer.diffId ?? o.layer.digest ?? "")}`
                                            : "—"}
                                        </td>
                                        <td className="pr-4 font-mono">
                                          {o.path}{" "}
                                          {o.residue ? (
                                            <Badge tone="warn">
                                              deleted in layer {o.deletedIn?.position ?? "later"}
                                            </Badge>
                                          ) : null}{" "}
                                          {o.source === "history" ? <Badge tone="warn">build history</Badge> : null}
                                        </td>
                                        <td className="pr-4">{o.line || "—"}</td>
                                        <td className="pr-4">{o.scanner}</td>
                                        <td>{day(o.lastSeenAt)}</td>
                                      </tr>
                                    ))}
                                  </tbody>
                                </table>
                              </details>
                            </li>
                          ))}
                        </ul>
                      </details>
                    </li>
                  ))}
                </ul>
              </details>
            </li>
          ))}
        </ul>
      </section>

      <section className="mt-8" aria-labelledby="plan">
        <h2 id="plan" className="mb-2 text-lg font-semibold">
          Remediation plan
        </h2>
        {activity.steps.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">
            No plan yet. Confirming the secret creates one: a rotation, and a rebuild and a purge per affected
            repository, due by the SLA for its severity.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
            {activity.steps.map((st) => {
              const label = `${STEP_LABEL[st.kind]}${st.repository ? ` ${st.repository.registry.host}/${st.repository.name}` : ""}`;
              const overdue = st.dueAt && st.dueAt < now && isOpenStep(st.state);
              return (
                <li key={st.id} className="grid gap-2 p-4 text-sm md:grid-cols-[1.2fr_1fr_1.6fr]">
                  <div>
                    <p className="font-medium">{label}</p>
                    <p className="mt-1 flex flex-wrap items-center gap-2">
                      <StepStateBadge state={st.state} />
                      {st.dueAt ? (
                        <span className={overdue ? "font-medium text-red-700" : "text-slate-600"}>
                          {overdue ? "Overdue since" : "Due"} {day(st.dueAt)}
                        </span>
                      ) : null}
                      {st.owner ? <span className="text-slate-600">· {st.owner.name}</span> : null}
                    </p>
                    {st.reason ? <p className="mt-1 text-slate-600">Not applicable: {st.reason}</p> : null}
                    {st.kind === "purge" && st.repository && activity.toPurge[st.repository.id] ? (
                      <PurgeList {...activity.toPurge[st.repository.id]!} />
                    ) : null}
                  </div>
                  <EvidenceSummary evidence={st.evidence} />
                  {can(me, "remediate") ? (
                    <StepActions
                      step={{ id: st.id, kind: st.kind, state: st.state, ownerId: st.owner?.id ?? null }}
                      users={users}
                      canAttest={can(me, "attest")}
                      label={label}
                    />
                  ) : (
                    <span />
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section className="mt-8 grid gap-4 md:grid-cols-2">
        <Card labelledBy="guidance">
          <h2 id="guidance" className="font-semibold">
            Guidance for this case
          </h2>
          {guidanceFor(types).map((g) => (
            <div key={g.title} className="mt-3">
              <h3 className="font-medium text-slate-800">{g.title}</h3>
              <ul className="mt-1 list-disc space-y-1 pl-5 text-slate-700">
                {g.steps.map((x) => (
                  <li key={x}>
                    <InlineCode text={x} />
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </Card>
        <Card labelledBy="controls">
          <h2 id="controls" className="font-semibold">
            Compliance mappings
          </h2>
          <ul className="mt-2 space-y-2">
            {controlsFor(types).map((m) => (
              <li key={`${m.control.id}-${m.findingType}`}>
                <span className="font-medium">{m.control.title}</span>{" "}
                <span className="text-xs text-slate-500">
                  ({m.control.framework} {m.control.version})
                </span>
                <p className="text-slate-600">{m.rationale}</p>
              </li>
            ))}
          </ul>
        </Card>
      </section>

      <section className="mt-8 grid gap-4 md:grid-cols-2">
        <Card labelledBy="comments">
          <h2 id="comments" className="font-semibold">
            Comments
          </h2>
          {canTriage ? (
            <div className="mt-2">
              <CommentForm secretId={s.id} />
            </div>
          ) : null}
          <ul className="mt-3 space-y-3">
            {activity.comments.length === 0 ? <li className="text-slate-500">No comments yet.</li> : null}
            {activity.comments.map((c) => (
              <li key={c.id} className="rounded-md bg-slate-50 p-3">
                <p className="whitespace-pre-wrap">{c.body}</p>
                <p className="mt-1 text-xs text-slate-500">
                  {c.author?.name ?? "system"} · {minute(c.createdAt)}
                </p>
              </li>
            ))}
          </ul>
        </Card>
        <Card labelledBy="timeline">
          <h2 id="timeline" className="font-semibold">
            Timeline
          </h2>
          <ol className="mt-2 space-y-2 border-l border-slate-200 pl-4">
            {activity.timeline.map((t) => (
              <li key={t.id}>
                <span className="tabular-nums text-xs text-slate-500">{minute(t.at)}</span>{" "}
                {t.scanId ? (
                  <Link className="text-indigo-700 hover:underline" href={`/secrets?scan=${t.scanId}`}>
                    {t.label}
                  </Link>
                ) : (
                  <span className="text-slate-700">{timelineSentence(t, activity.people)}</span>
                )}
              </li>
            ))}
            <li>
              <span className="tabular-nums text-xs text-slate-500">{minute(s.firstSeenAt)}</span> First seen
            </li>
          </ol>
        </Card>
      </section>
    </>
  );
}

/** The exact tags and digests a purge step still asks to delete from the registry. */
function PurgeList({
  digests,
  total,
}: {
  digests: { digest: string; resolved: boolean; tags: string[] }[];
  total: number;
}) {
  return (
    <div className="mt-2 text-xs text-slate-700">
      <p className="font-medium">Still to delete:</p>
      <ul className="mt-1 space-y-0.5">
        {digests.map((d) => (
          <li key={d.digest} className="font-mono">
            {d.tags.length ? `${d.tags.join(", ")} → ` : ""}
            {d.resolved ? shortDigest(d.digest) : d.digest.replace(/^unresolved:/, "")}
            {d.tags.length ? "" : d.resolved ? " (untagged, still pullable by digest)" : ""}
          </li>
        ))}
      </ul>
      {total > digests.length ? <p className="mt-1">… and {total - digests.length} more digests</p> : null}
    </div>
  );
}

function EvidenceSummary({ evidence }: { evidence: unknown }) {
  const e = (evidence ?? {}) as {
    rotation?: { rotatedBy: string; rotatedAt: string; how: string };
    verification?: {
      kind: string;
      scanId?: string;
      digest?: string;
      by?: string | null;
      note?: string;
      tagEvents?: number;
      service?: string;
      url?: string | null;
    };
    regressedBy?: string;
    attachments?: { url: string | null; note: string; by: string; at: string }[];
  };
  if (!e.rotation && !e.verification && !e.regressedBy && !e.attachments?.length)
    return <p className="text-slate-500">No evidence yet.</p>;
  return (
    <div className="space-y-1 text-slate-700">
      {e.rotation ? (
        <p>
          Rotated by {e.rotation.rotatedBy} on {e.rotation.rotatedAt.slice(0, 16).replace("T", " ")} — {e.rotation.how}
        </p>
      ) : null}
      {e.verification?.kind === "clean_rescan" ? (
        <p>
          Verified: clean rescan of{" "}
          <span className="font-mono text-xs">{shortDigest(e.verification.digest ?? "")}</span>
        </p>
      ) : null}
      {e.verification?.kind === "tags_moved" ? (
        <p>Verified: no tag points at an affected digest ({e.verification.tagEvents} tag records)</p>
      ) : null}
      {e.verification?.kind === "not_live" ? (
        <p>Verified: a later scan reports the credential is no longer live</p>
      ) : null}
      {e.verification?.kind === "attestation" ? (
        <p>
          Verified by attestation of {e.verification.by}: {e.verification.note}
        </p>
      ) : null}
      {e.verification?.kind === "revoked_upstream" ? (
        <p>
          Verified: revoked in {e.verification.service}
          {e.verification.by ? ` by ${e.verification.by}` : ""}
          {e.verification.url ? (
            <>
              {" "}
              (
              <a className="underline" href={e.verification.url} rel="noreferrer">
                the alert
              </a>
              )
            </>
          ) : null}
        </p>
      ) : null}
      {e.attachments?.map((a, i) => (
        <p key={i}>
          Evidence from {a.by} on {a.at.slice(0, 16).replace("T", " ")}: {a.note}
          {a.url ? (
            <>
              {" "}
              <a className="underline" href={a.url} rel="noreferrer">
                link
              </a>
            </>
          ) : null}
        </p>
      ))}
      {e.regressedBy ? <p className="text-purple-800">Reopened: seen again by a later scan</p> : null}
    </div>
  );
}
