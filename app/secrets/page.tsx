import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { SecretsTable } from "@/components/secrets/secrets-table";
import { jsonified } from "@/lib/json";
import { listSecrets } from "@/lib/secrets/list-secrets";
import { listSecretsQuerySchema } from "@/lib/secrets/schemas";
import { formatZodError } from "@/lib/errors";
import { requirePageUser } from "@/lib/auth/current-user";
import { can } from "@/lib/access/actor";
import { listAssignableUsers } from "@/lib/users/manage-users";

export const metadata = { title: "Secrets" };
export const dynamic = "force-dynamic";

export default async function SecretsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const me = await requirePageUser("read");
  const raw = Object.fromEntries(
    Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]),
  );
  const parsed = listSecretsQuerySchema.safeParse(raw);
  if (!parsed.success) {
    return (
      <>
        <PageHeader title="Secrets" />
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          This link has an invalid filter: {formatZodError(parsed.error)}.{" "}
          <Link className="underline" href="/secrets">
            Clear all filters
          </Link>
          .
        </p>
      </>
    );
  }
  const [data, users] = await Promise.all([listSecrets(parsed.data), listAssignableUsers()]);
  return (
    <>
      <PageHeader
        title="Secrets"
        description="Every leaked credential in the fleet, once, however many images, tags and layers carry it."
      />
      <SecretsTable data={jsonified(data)} query={raw} users={users} canTriage={can(me, "triage")} />
    </>
  );
}
