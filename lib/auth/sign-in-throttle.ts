/**
 * Per-account sign-in throttling, beside better-auth's per-address limit (lib/auth/auth.ts), so that rotating
 * addresses does not buy an attacker more guesses at one password.
 *
 * - Failures are counted per account (the email as typed, lower-cased, whether or not the account exists, so the
 *   answer does not tell which accounts exist) in a rolling window.
 * - After `maxFailures` in the window the account is locked for a time that doubles with each lockout in the
 *   window, from one minute up to `maxLockMs`: no lock outlasts that, however long an attacker keeps trying.
 * - A lock never applies to an address that has signed in to that account successfully before: an attacker
 *   elsewhere cannot lock the owner out of their usual place.
 *
 * State lives in this process's memory, bounded (least recently used accounts are forgotten first).
 */
export type ThrottleOptions = {
  maxFailures: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
  maxAccounts: number;
  knownPerAccount: number;
};

type AccountState = { failures: number[]; lockedUntil: number; lockouts: number[]; known: Map<string, number> };

export const DEFAULT_THROTTLE: ThrottleOptions = {
  maxFailures: Number(process.env.RESIDUE_LOGIN_ACCOUNT_LIMIT ?? 10),
  windowMs: 15 * 60_000,
  baseLockMs: 60_000,
  maxLockMs: 15 * 60_000,
  maxAccounts: 10_000,
  knownPerAccount: 20,
};

export function signInThrottle(opts: ThrottleOptions = DEFAULT_THROTTLE, clock: () => number = Date.now) {
  const accounts = new Map<string, AccountState>();
  const stateOf = (account: string) => {
    const key = account.trim().toLowerCase();
    let s = accounts.get(key);
    if (s)
      accounts.delete(key); // re-insert: Map order is recency
    else s = { failures: [], lockedUntil: 0, lockouts: [], known: new Map() };
    accounts.set(key, s);
    while (accounts.size > opts.maxAccounts) accounts.delete(accounts.keys().next().value!);
    const since = clock() - opts.windowMs;
    s.failures = s.failures.filter((t) => t > since);
    s.lockouts = s.lockouts.filter((t) => t > since);
    return s;
  };
  return {
    /** Milliseconds this client must wait before trying this account, or 0. */
    retryAfterMs(account: string, client: string): number {
      const s = stateOf(account);
      if (s.known.has(client)) return 0;
      return Math.max(0, s.lockedUntil - clock());
    },
    failed(account: string) {
      const s = stateOf(account);
      const now = clock();
      s.failures.push(now);
      if (s.failures.length >= opts.maxFailures) {
        s.lockouts.push(now);
        s.lockedUntil = now + Math.min(opts.maxLockMs, opts.baseLockMs * 2 ** (s.lockouts.length - 1));
        s.failures = [];
      }
    },
    succeeded(account: string, client: string) {
      const s = stateOf(account);
      s.failures = [];
      s.known.delete(client);
      s.known.set(client, clock());
      while (s.known.size > opts.knownPerAccount) s.known.delete(s.known.keys().next().value!);
    },
  };
}
