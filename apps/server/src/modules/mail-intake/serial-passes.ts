/**
 * Wraps one pass over a mailbox so passes never overlap: a call while a pass runs gets that pass's
 * promise and asks for one more pass after it (mail that arrived meanwhile is read without waiting for
 * the timer). A failed pass becomes `recover(error)`; no more passes start once `closed()` is true.
 */
export function serialPasses<T>(pass: () => Promise<T>, recover: (error: unknown) => T, closed: () => boolean): () => Promise<T> {
  let running: Promise<T> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let last: T;
      do {
        again = false;
        last = await pass().catch(recover);
      } while (again && !closed());
      return last;
    })().finally(() => {
      running = null;
    });
    return running;
  };
}
