import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mailboxDirectory } from '@marketplace/mail/hub';
import { simpleParser, type ParsedMail } from 'mailparser';

/** A Maildir file name's delivery time and counter (`<seconds>.M<micros>P<pid>Q<counter>…`), for ordering. */
function deliveryOrder(name: string): number[] {
  const m = /^(\d+)\.M(\d+)P\d+Q(\d+)/.exec(name);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Reading what the mail hub delivered to an address (its Maildir's `new/`), oldest first, and waiting for more. */
export function maildirInbox(dataDir: () => string) {
  async function inbox(address: string): Promise<ParsedMail[]> {
    const dir = join(mailboxDirectory(dataDir(), address), 'new');
    const files = await readdir(dir).catch(() => [] as string[]);
    const mails = await Promise.all(
      files.map(async (f) => ({ mail: await simpleParser(await readFile(join(dir, f))), delivered: deliveryOrder(f) })),
    );
    // The Date header has one-second resolution: mails sent in the same second are ordered by delivery.
    mails.sort((a, b) => (a.mail.date?.getTime() ?? 0) - (b.mail.date?.getTime() ?? 0) || compare(a.delivered, b.delivered));
    return mails.map((m) => m.mail);
  }
  async function waitForMail(address: string, count: number): Promise<ParsedMail[]> {
    const started = Date.now();
    for (;;) {
      const mails = await inbox(address);
      if (mails.length >= count) return mails;
      if (Date.now() - started > 10_000) throw new Error(`${address} has ${mails.length} mails, expected ${count}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { inbox, waitForMail };
}
