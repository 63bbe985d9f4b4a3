import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mailboxDirectory } from '@marketplace/mail/hub';
import { simpleParser, type ParsedMail } from 'mailparser';

/** Reading what the mail hub delivered to an address (its Maildir's `new/`), oldest first, and waiting for more. */
export function maildirInbox(dataDir: () => string) {
  async function inbox(address: string): Promise<ParsedMail[]> {
    const dir = join(mailboxDirectory(dataDir(), address), 'new');
    const files = await readdir(dir).catch(() => [] as string[]);
    const mails = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(dir, f)))));
    return mails.sort((a, b) => (a.date?.getTime() ?? 0) - (b.date?.getTime() ?? 0));
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
