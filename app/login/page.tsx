import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { currentUser } from "@/lib/auth/current-user";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { hasAnyUser } from "@/lib/users/manage-users";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  if (!(await hasAnyUser())) redirect("/setup");
  const { next } = await searchParams;
  // Only paths on this site: never bounce a user to another site after signing in.
  const target = safeNextPath(next);
  if (await currentUser()) redirect(target);
  return (
    <div className="mx-auto mt-12 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">Sign in to Residue</h1>
      <p className="mb-5 text-sm text-slate-600">Accounts are created by an administrator.</p>
      <LoginForm next={target} />
    </div>
  );
}
