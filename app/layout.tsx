import type { Metadata } from "next";
import Link from "next/link";
import { NavLink } from "@/components/ui/nav-link";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Residue", template: "%s · Residue" },
  description: "Secrets leaked through container image layers, across the fleet.",
};

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/secrets", label: "Secrets" },
  { href: "/scans", label: "Scans" },
  { href: "/upload", label: "Upload" },
];

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="bg-slate-900">
          <div className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3">
            <Link href="/" className="flex items-center gap-2 text-white">
              <span aria-hidden className="grid h-7 w-7 place-items-center rounded bg-indigo-500 text-sm font-bold">R</span>
              <span className="text-lg font-semibold tracking-tight">Residue</span>
            </Link>
            <nav aria-label="Main" className="flex gap-1">
              {NAV.map((n) => (
                <NavLink key={n.href} href={n.href}>
                  {n.label}
                </NavLink>
              ))}
            </nav>
          </div>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-6 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
