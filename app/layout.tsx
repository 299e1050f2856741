import type { Metadata } from "next";
import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { NavLink } from "@/components/ui/nav-link";
import { currentUser } from "@/lib/auth/current-user";
import { can } from "@/lib/access/actor";
import { ROLE_LABELS, type Permission } from "@/lib/access/permissions";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Residue", template: "%s · Residue" },
  description: "Secrets leaked through container image layers, across the fleet.",
};

// Links are hidden from roles that lack the permission; every page checks it again on the server.
const NAV: { href: string; label: string; permission: Permission }[] = [
  { href: "/", label: "Overview", permission: "read" },
  { href: "/secrets", label: "Secrets", permission: "read" },
  { href: "/remediation", label: "Remediation", permission: "read" },
  { href: "/compliance", label: "Compliance", permission: "read" },
  { href: "/scans", label: "Scans", permission: "read" },
  { href: "/upload", label: "Upload", permission: "upload" },
  { href: "/admin/users", label: "Admin", permission: "admin" },
];

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          Skip to content
        </a>
        <header className="bg-slate-900 print:hidden">
          <div className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3">
            <Link href="/" className="flex items-center gap-2 text-white">
              <span aria-hidden className="grid h-7 w-7 place-items-center rounded bg-indigo-500 text-sm font-bold">
                R
              </span>
              <span className="text-lg font-semibold tracking-tight">Residue</span>
            </Link>
            {user ? (
              <>
                <nav aria-label="Main" className="flex gap-1">
                  {NAV.filter((n) => can(user, n.permission)).map((n) => (
                    <NavLink key={n.href} href={n.href}>
                      {n.label}
                    </NavLink>
                  ))}
                </nav>
                <div className="ml-auto flex items-center gap-3 text-sm text-slate-300">
                  <span>
                    {user.name}{" "}
                    <span className="rounded bg-slate-700 px-1.5 py-0.5 text-xs text-slate-200">
                      {ROLE_LABELS[user.role].label}
                    </span>
                  </span>
                  <SignOutButton />
                </div>
              </>
            ) : null}
          </div>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-6 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
