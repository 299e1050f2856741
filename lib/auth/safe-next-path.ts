const BASE = "http://residue.invalid";

/**
 * Where to send the browser after sign-in: a path on this site, or `fallback`. Parsed with URL, as the browser
 * will parse it, so backslashes, tabs and newlines (which URL parsers drop or turn into "/") cannot turn a path
 * into another host. The answer always starts with exactly one "/".
 */
export function safeNextPath(next: unknown, fallback = "/"): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.length > 2048) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname.replace(/^\/+/, "/")}${url.search}${url.hash}`;
  return new URL(path, BASE).origin === BASE ? path : fallback;
}
