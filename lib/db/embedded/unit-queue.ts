import type { PGlite } from "@electric-sql/pglite";

type Item = {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (e: unknown) => void;
};

// Frontend message types that end a protocol exchange: Sync closes an extended-protocol cycle, Query is a whole
// simple-protocol exchange, Terminate ends the session. A startup message has no type byte (its first byte is the
// high byte of its length, 0) and is answered whole.
const SYNC = 0x53;
const QUERY = 0x51;
const TERMINATE = 0x58;
const endsExchange = (m: Uint8Array) => m[0] === SYNC || m[0] === QUERY || m[0] === TERMINATE || m[0] === 0;

// Parse of a statement that cannot parse, then Sync: the error aborts whatever implicit transaction an abandoned
// exchange left open (PostgreSQL rolls back a dropped connection's work; a Sync alone would commit it).
const ABORT_EXCHANGE = (() => {
  const sql = Buffer.from("residue: connection lost\0\0", "latin1"); // unnamed statement's name, then the text
  const parse = Buffer.alloc(1 + 4 + sql.length + 2);
  parse[0] = 0x50;
  parse.writeInt32BE(4 + sql.length + 2, 1);
  sql.copy(parse, 5);
  return Buffer.concat([parse, Buffer.from([SYNC, 0, 0, 0, 4])]);
})();

/**
 * The order in which socket clients' protocol messages reach the one PGlite session. pglite-socket's own queue
 * interleaves clients message by message outside transactions, so one client's Bind can meet another's Parse on
 * the session's unnamed statement: wrong rows, silently. Here a client owns the session from its first message
 * to the end of its exchange (Sync or Query), and for as long as a transaction it opened is in progress; the
 * others wait their turn, first come first served. Plugged into pglite-socket's PGLiteSocketHandler, which frames
 * the messages and manages the sockets.
 */
export class UnitQueue {
  private owner: number | null = null;
  private waiting: (Item | { handlerId: number; abandon: true })[] = [];
  private pumping = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  getQueueLength(): number {
    return this.waiting.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.waiting = this.waiting.filter((w) => {
      if (w.handlerId !== handlerId) return true;
      if ("reject" in w) w.reject(new Error("client disconnected"));
      return false;
    });
  }

  /** A client went away: if it owned the session (mid-exchange or in a transaction), undo what it left open. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    this.waiting.unshift({ handlerId, abandon: true });
    await this.pump();
  }

  private next() {
    const i = this.owner === null ? 0 : this.waiting.findIndex((w) => w.handlerId === this.owner);
    return i < 0 ? undefined : this.waiting.splice(i, 1)[0];
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        this.owner = item.handlerId;
        if ("abandon" in item) {
          // exec takes the session's lock itself, so the ROLLBACK follows the raw exchange rather than nest in it.
          await this.db.runExclusive(() => this.db.execProtocolRaw(ABORT_EXCHANGE)).catch(() => undefined);
          if (this.db.isInTransaction()) await this.db.exec("ROLLBACK").catch(() => undefined);
          this.owner = null;
          continue;
        }
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (d) => {
                bytes += d.length;
                item.onData(d);
              },
            }),
          );
          item.resolve(bytes);
        } catch (e) {
          item.reject(e);
        }
        if (endsExchange(item.message) && !this.db.isInTransaction()) this.owner = null;
      }
    } finally {
      this.pumping = false;
    }
  }
}
