import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = '.store-id';
const STORE_ID = /^[0-9a-f-]{36}$/;

/**
 * The identity of one DATA_DIR/mail (a random id kept in it): the hub writes it beside its Maildirs
 * and into each row whose raw copy is a Maildir file, so only processes that see that directory (the
 * same host or a shared volume) claim such rows. Created once, fsynced; later calls read it.
 */
export async function ensureMailStoreId(dataDir: string): Promise<string> {
  const existing = await readMailStoreId(dataDir);
  if (existing) return existing;
  const root = join(dataDir, 'mail');
  await mkdir(root, { recursive: true, mode: 0o700 });
  const id = randomUUID();
  try {
    const file = await open(join(root, FILE), 'wx', 0o600);
    try {
      await file.writeFile(`${id}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    return id;
  } catch (error) {
    // another process of this DATA_DIR wrote it first
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readMailStoreId(dataDir))!;
    throw error;
  }
}

/** The id of this process's DATA_DIR/mail, or null when no hub ever stored mail there. */
export async function readMailStoreId(dataDir: string): Promise<string | null> {
  const text = await readFile(join(dataDir, 'mail', FILE), 'utf8').catch(() => null);
  const id = text?.trim();
  return id && STORE_ID.test(id) ? id : null;
}
