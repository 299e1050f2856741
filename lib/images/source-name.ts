/**
 * The group a report without an image belongs to, named the same way whichever scanner wrote it: a code
 * repository as "host/owner/name" (the form GitHub, GitLab and Bitbucket show), any other source as given. A URL
 * loses its scheme, credentials, query and ".git"; an scp-style git remote (git@host:owner/name.git) the user.
 */
export const UNKNOWN_SOURCE = "(unknown source)";

const SCP_REMOTE = /^[\w.-]+@([\w.-]+):(?!\/\/)(.+)$/;

export function sourceName(raw: string | undefined | null): string | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const scp = SCP_REMOTE.exec(text);
  if (scp) return joined(scp[1]!, scp[2]!);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (url.hostname) return joined(url.host, url.pathname);
    } catch {
      // Not a URL after all: kept as written.
    }
  }
  return clip(text);
}

function joined(host: string, path: string): string {
  const repo = decodeURIComponentSafe(path)
    .replace(/^[\s/]+|[\s/]+$/g, "")
    .replace(/\.git$/i, "")
    .trim();
  return clip(repo ? `${host.toLowerCase()}/${repo}` : host.toLowerCase());
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const clip = (s: string) => s.slice(0, 256);
