/** The two calls an answer's messages need; the message id comes back from the send. */
export interface MessageCalls {
  send(text: string): Promise<number>;
  edit(messageId: number, text: string): Promise<void>;
}

/** Failed calls a finish tries past before giving up (auto-retry already waits out 429s and 5xx). */
const FINISH_ATTEMPTS = 3;

/**
 * Latest-wins delivery of one answer, as grammyjs/stream does it: one call in flight; when it returns,
 * the newest text is what goes next, so frames the rate limits had no room for are skipped, never
 * queued. Parts are the answer's messages in order; a part is sent once and then only edited.
 */
export function createLatestWins(calls: MessageCalls) {
  let wanted: readonly string[] = [];
  const shown: { id: number; text: string }[] = [];
  let running: Promise<void> | undefined;

  /** The next call that brings the chat closer to `wanted`, or undefined when it shows it already. */
  function nextCall(): (() => Promise<void>) | undefined {
    for (const [index, text] of wanted.entries()) {
      const message = shown[index];
      if (message === undefined) {
        return async () => {
          shown[index] = { id: await calls.send(text), text };
        };
      }
      if (message.text !== text) {
        return async () => {
          await calls.edit(message.id, text);
          message.text = text;
        };
      }
    }
    return undefined;
  }

  async function pump(): Promise<void> {
    for (let call = nextCall(); call !== undefined; call = nextCall()) await call();
  }

  function kick(): Promise<void> {
    running ??= pump().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    /** The answer so far (its parts); sent when the call in flight returns. */
    show(parts: readonly string[]): void {
      wanted = parts;
      // A failed frame is not retried: the next one carries newer text anyway.
      kick().catch(() => {});
    },
    /** The final parts; resolves once the chat shows them (or after repeated failures). */
    async finish(parts: readonly string[]): Promise<void> {
      wanted = parts;
      let failures = 0;
      // A loop that was just ending may not have seen the final text: go round until it is shown.
      while (nextCall() !== undefined) {
        try {
          await kick();
        } catch (error) {
          failures += 1;
          if (failures >= FINISH_ATTEMPTS) throw error;
        }
      }
    },
  };
}
