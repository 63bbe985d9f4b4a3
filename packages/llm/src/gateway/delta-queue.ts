/**
 * Hands text deltas from the provider stream to one reader. The producer runs whether or not
 * anyone reads (so awaiting only `result` works); deltas wait here until the reader takes them.
 * `onReaderGone` fires when the reader stops early, so the producer can stop the provider.
 */
export function createDeltaQueue(onReaderGone: () => void) {
  const items: string[] = [];
  let ended = false;
  let failed = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  async function* read(): AsyncGenerator<string> {
    let finished = false;
    try {
      for (;;) {
        if (items.length > 0) {
          yield items.shift()!;
          continue;
        }
        if (failed) throw failure;
        if (ended) {
          finished = true;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      if (!finished && !failed) onReaderGone();
    }
  }
  return {
    push(text: string) {
      items.push(text);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    fail(error: unknown) {
      failed = true;
      failure = error;
      notify();
    },
    reader: read(),
  };
}
