import { spawn } from 'node:child_process';

/**
 * swaks, an outside SMTP client, sends `raw` as the whole DATA portion: read from its stdin and sent as
 * is, so it is dot-stuffed here and ends with the final dot. Answers swaks's exit code and its transcript
 * (a refused message is not an error here: the caller reads the answer).
 */
export function swaksRaw(binary: string, port: number, envelope: { from: string; to: string }, raw: Buffer): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--server', `127.0.0.1:${port}`, '--from', envelope.from, '--to', envelope.to, '--data', '-', '--no-data-fixup', '--timeout', '60'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    const text = raw.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
    child.stdin.end(Buffer.from(`${text}${text.endsWith('\r\n') ? '' : '\r\n'}.`, 'latin1')); // swaks ends the line
  });
}
