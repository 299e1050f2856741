import { z } from "zod";
import type { Actor } from "../../access/actor";
import { ResidueError } from "../../errors";
import { getUploadStatus } from "../../uploads/upload-status";
import { readJsonBody } from "../read-json";
import { acceptUpload, type UploadAnswer } from "./accept-upload";
import { maxUploadBytes } from "./read-upload";

// GitHub code scanning's upload API, so that a CI step that uploads SARIF to GitHub (github/codeql-action's
// upload-sarif, `gh api`, octokit) uploads to Residue with a changed URL: POST /repos/{owner}/{repo}/code-scanning/
// sarifs with {commit_sha, ref, sarif: base64(gzip(SARIF))} answers 202 {id, url}, and GET …/sarifs/{id} answers
// {processing_status, analyses_url, errors}. The findings are grouped under github.com/{owner}/{repo}.

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
export const repoParamsSchema = z.object({
  owner: z.string().regex(NAME, "an owner is letters, digits, '-', '_' and '.'"),
  repo: z.string().regex(NAME, "a repository name is letters, digits, '-', '_' and '.'"),
});
export const sarifUploadSchema = z.object({
  commit_sha: z.string().regex(/^[0-9a-f]{40}$/, "the commit's 40-character SHA"),
  ref: z.string().regex(/^refs\/(heads|tags|pull)\/\S{1,255}$/, "a full ref, such as refs/heads/main"),
  sarif: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9+/=\s]+$/, "base64 of the gzip-compressed SARIF log")
    .describe("base64 of the gzip-compressed SARIF log"),
  checkout_uri: z.string().max(2048).optional(),
  started_at: z.iso.datetime({ offset: true }).optional(),
  tool_name: z.string().max(256).optional(),
  validate: z.boolean().optional(),
});
export type RepoParams = z.infer<typeof repoParamsSchema>;

const sarifsUrl = (p: RepoParams, id: string) => `/api/v1/repos/${p.owner}/${p.repo}/code-scanning/sarifs/${id}`;

/** The POST: the SARIF decoded and queued like any upload, always answered as GitHub does (202 {id, url}). */
export async function acceptSarifUpload(opts: {
  req: Request;
  params: Record<string, string | string[]>;
  uploader: Actor;
}): Promise<{ id: string; url: string }> {
  // A ZodError is the guard's 422, naming the field (lib/errors.ts).
  const repo = repoParamsSchema.parse(opts.params);
  // base64 is 4/3 of the gzip bytes, which are at most the report's own size.
  const body = sarifUploadSchema.parse(await readJsonBody(opts.req, Math.ceil((maxUploadBytes() * 4) / 3) + 65_536));
  const bytes = Buffer.from(body.sarif, "base64");
  if (!bytes.length) throw new ResidueError("bad_request", "`sarif` decodes to nothing.");
  const answer: UploadAnswer = await acceptUpload({
    req: new Request("http://residue.invalid/", { method: "POST", body: bytes }),
    searchParams: { format: "sarif", source: `https://github.com/${repo.owner}/${repo.repo}` },
    uploader: opts.uploader,
  });
  const id = answer.status === 202 ? answer.body.id : answer.body.scanId;
  return { id, url: sarifsUrl(repo, id) };
}

/** The GET: GitHub's three words for the upload, its errors as sentences, and where the findings are. */
export async function sarifUploadStatus(params: Record<string, string | string[]>, id: string) {
  const repo = repoParamsSchema.parse(params);
  const status = await getUploadStatus(id);
  const processing = status.processing_status === "running" ? "pending" : status.processing_status;
  return {
    processing_status: processing,
    analyses_url: processing === "complete" ? `/api/v1/secrets?scan=${encodeURIComponent(id)}` : null,
    ...(status.error ? { errors: [status.error.message] } : {}),
    url: sarifsUrl(repo, id),
    residue: status,
  };
}
