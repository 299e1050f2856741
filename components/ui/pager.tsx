import Link from "next/link";

/** Previous/next links that keep every other query parameter, so a paged view stays shareable. */
export function Pager({
  path,
  params,
  page,
  pageSize,
  total,
}: {
  path: string;
  params: Record<string, string | undefined>;
  page: number;
  pageSize: number;
  total: number;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const href = (p: number) => {
    const sp = new URLSearchParams(
      Object.entries({ ...params, page: String(p) }).filter((e): e is [string, string] => !!e[1]),
    );
    return `${path}?${sp}`;
  };
  return (
    <nav aria-label="Pagination" className="mt-3 flex items-center justify-between text-sm">
      {page > 1 ? (
        <Link href={href(page - 1)} className="underline">
          Previous
        </Link>
      ) : (
        <span />
      )}
      <span>
        Page {page} of {pages.toLocaleString("en")} · {total.toLocaleString("en")} in all
      </span>
      {page < pages ? (
        <Link href={href(page + 1)} className="underline">
          Next
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
