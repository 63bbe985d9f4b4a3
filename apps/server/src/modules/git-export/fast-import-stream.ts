import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** One commit for `git fast-import`: its tree is exactly `files`, nothing of the parent's tree is kept. */
export interface ImportCommit {
  files: ImportFile[];
  message: string;
  /** Seconds since the epoch; author and committer date, in UTC. */
  date: number;
}

export interface ImportFile {
  /** Relative, `/`-separated. */
  path: string;
  content: Buffer;
  executable: boolean;
}

/** Every regular file under `dir` (an unpacked bundle: only files and directories) with its bytes and executable bit. */
export async function readTree(dir: string): Promise<ImportFile[]> {
  const files: ImportFile[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const [content, info] = await Promise.all([readFile(path), stat(path)]);
    files.push({ path: relative(dir, path).split(sep).join('/'), content, executable: (info.mode & 0o111) !== 0 });
  }
  return files;
}

/** A path as fast-import's C-style quoted string, so no byte of a file name can end the line or the command. */
const quotedPath = (path: string) => `"${path.replace(/[\\"]/g, (char) => `\\${char}`).replace(/\n/g, '\\n')}"`;

/** A `data` command: the exact byte count, then the bytes. */
const data = (bytes: Buffer) => [Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')];

/**
 * The `git fast-import` input that adds `commits` in order on `ref` (the first on top of `parent`, when the ref
 * already exists), with every blob inline, and prints each new commit's id on stdout (`get-mark`), one a line.
 * `feature done` makes a stream cut short fail instead of importing half of it. fast-import updates the ref
 * only as a fast-forward, so a concurrent change of the ref fails the import rather than being overwritten.
 */
export function fastImportStream(ref: string, parent: string | null, identity: { name: string; email: string }, commits: readonly ImportCommit[]): Buffer {
  const parts: Buffer[] = [Buffer.from('feature done\n')];
  commits.forEach((commit, index) => {
    const mark = index + 1;
    const person = `${identity.name} <${identity.email}> ${commit.date} +0000`;
    parts.push(Buffer.from(`commit ${ref}\nmark :${mark}\nauthor ${person}\ncommitter ${person}\n`), ...data(Buffer.from(commit.message, 'utf8')));
    if (index === 0 && parent) parts.push(Buffer.from(`from ${parent}\n`));
    // deleteall: the tree is the bundle's files and nothing the previous version had.
    parts.push(Buffer.from('deleteall\n'));
    for (const file of commit.files) parts.push(Buffer.from(`M ${file.executable ? '100755' : '100644'} inline ${quotedPath(file.path)}\n`), ...data(file.content));
    parts.push(Buffer.from(`\nget-mark :${mark}\n`));
  });
  parts.push(Buffer.from('done\n'));
  return Buffer.concat(parts);
}
