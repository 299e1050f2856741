import { AdminTabs } from "@/components/admin/admin-tabs";
import { DataTable, EmptyRow } from "@/components/ui/data-table";
import { CreateTokenForm } from "@/components/admin/create-token-form";
import { RevokeTokenButton } from "@/components/admin/revoke-token-button";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { requirePageUser } from "@/lib/auth/current-user";
import { minute } from "@/components/ui/format";

export const metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

const when = (d: Date | null) => (d ? minute(d) : "—");

export default async function TokensPage() {
  const me = await requirePageUser("admin");
  const tokens = await listApiTokens(me);
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Administration"
        description="Tokens for CI uploads, API reads and the image gate. Only a hash is stored; revocation takes effect on the next request."
      />
      <AdminTabs current="/admin/tokens" />
      <CreateTokenForm />
      <DataTable
        caption="API tokens"
        headers={["Name", "Prefix", "Scopes", "Created", "Expires", "Last used", "Status", ""]}
        className="mt-6"
      >
        {tokens.length === 0 ? (
          <EmptyRow columns={8}>No tokens yet. Create one above for your CI pipeline.</EmptyRow>
        ) : (
          tokens.map((t) => {
            const status = t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt <= now ? "expired" : "active";
            return (
              <tr key={t.id}>
                <td className="px-3 py-2">
                  {t.name}
                  <div className="text-xs text-slate-500">{t.createdBy?.email ?? "CLI"}</div>
                </td>
                <td className="px-3 py-2 font-mono text-xs">{t.prefix}…</td>
                <td className="px-3 py-2">
                  {t.scopes.map((s) => (
                    <code key={s} className="mr-1 rounded bg-slate-100 px-1 text-xs">
                      {s}
                    </code>
                  ))}
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{when(t.createdAt)}</td>
                <td className="px-3 py-2 whitespace-nowrap">{t.expiresAt ? when(t.expiresAt) : "never"}</td>
                <td className="px-3 py-2 whitespace-nowrap">{when(t.lastUsedAt)}</td>
                <td className="px-3 py-2">
                  <Badge tone={status === "active" ? "good" : "high"}>{status}</Badge>
                </td>
                <td className="px-3 py-2">
                  {status === "active" ? <RevokeTokenButton id={t.id} name={t.name} /> : null}
                </td>
              </tr>
            );
          })
        )}
      </DataTable>
    </>
  );
}
