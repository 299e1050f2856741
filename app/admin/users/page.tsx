import { AdminTabs } from "@/components/admin/admin-tabs";
import { DataTable } from "@/components/ui/data-table";
import { CreateUserForm } from "@/components/admin/create-user-form";
import { UserRowControls } from "@/components/admin/user-row-controls";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/current-user";
import { ROLE_LABELS } from "@/lib/access/permissions";
import { listUsers } from "@/lib/users/manage-users";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/schemas";

export const metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const me = await requirePageUser("admin");
  const users = await listUsers(me);
  return (
    <>
      <PageHeader
        title="Administration"
        description="Who can sign in, and what each role may do. Changing a role or disabling an account ends its sessions at once."
      />
      <AdminTabs current="/admin/users" />
      <CreateUserForm minPassword={MIN_PASSWORD_LENGTH} />
      <dl className="my-4 grid gap-2 text-xs text-slate-600 sm:grid-cols-3">
        {Object.entries(ROLE_LABELS).map(([r, l]) => (
          <div key={r}>
            <dt className="inline font-semibold text-slate-800">{l.label}: </dt>
            <dd className="inline">{l.description}</dd>
          </div>
        ))}
      </dl>
      <DataTable caption="Users" headers={["Name", "Email", "Status", "Created", "Role and access"]}>
        {users.map((u) => (
          <tr key={u.id}>
            <td className="px-3 py-2">{u.name}</td>
            <td className="px-3 py-2">{u.email}</td>
            <td className="px-3 py-2">
              {u.disabledAt ? <Badge tone="high">disabled</Badge> : <Badge tone="good">active</Badge>}
            </td>
            <td className="px-3 py-2 whitespace-nowrap">{u.createdAt.toISOString().slice(0, 10)}</td>
            <td className="px-3 py-2">
              <UserRowControls
                id={u.id}
                email={u.email}
                role={u.role}
                disabled={!!u.disabledAt}
                self={u.id === me.userId}
              />
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
