import { readFile } from 'node:fs/promises';
import { startMailHub, type MailHub } from '@marketplace/mail/hub';

/**
 * A real mail hub on a free port, wired as the server wires its own: every stored copy for the
 * marketplace address (`marketplace…@`) is read from its Maildir file and handed to `take`.
 */
export function startMarketplaceMailHub(dataDir: string, take: (raw: Buffer, envelopeFrom: string, recipient: string) => Promise<void>): Promise<MailHub> {
  return startMailHub({
    dataDir,
    port: 0,
    onStored: async (info) => {
      for (const delivery of info.deliveries) {
        if (!delivery.recipient.startsWith('marketplace')) continue;
        await take(await readFile(delivery.path), info.envelopeFrom, delivery.recipient);
      }
    },
  });
}
