import Link from "next/link";
import { shortDigest } from "@/components/secrets/labels";

export const imageHref = (digest: string, repositoryId?: string) =>
  `/images/${encodeURIComponent(digest)}${repositoryId ? `?repository=${repositoryId}` : ""}`;

export function ImageLink({
  digest,
  digestKind,
  repositoryId,
}: {
  digest: string;
  digestKind: string;
  repositoryId?: string;
}) {
  return (
    <Link href={imageHref(digest, repositoryId)} className="font-mono text-indigo-700 hover:underline">
      {digestKind === "unresolved" ? "(digest unknown)" : shortDigest(digest)}
    </Link>
  );
}
