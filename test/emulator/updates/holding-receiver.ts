import { createServer, type Server } from 'node:http';

/** One webhook POST the receiver holds until the test answers it. */
export interface HeldPost {
  updateId: number;
  chatId: number | undefined;
  text: string | undefined;
  answered: boolean;
  answer(status: number): void;
}

/**
 * A real node:http webhook endpoint on 127.0.0.1 that holds every POST until the test answers it
 * (or `autoAnswer` does), and counts how many are open at once, overall and per chat.
 */
export interface HoldingReceiver {
  url: string;
  /** Every POST in arrival order (retries too). */
  posts: HeldPost[];
  open(): HeldPost[];
  /** Most POSTs open at once, overall and for any one chat. */
  peak(): number;
  peakPerChat(): number;
  /** Answers at once instead of holding; `undefined` holds. */
  autoAnswer: ((post: HeldPost) => number | undefined) | undefined;
  close(): Promise<void>;
}

export async function startHoldingReceiver(): Promise<HoldingReceiver> {
  const posts: HeldPost[] = [];
  const openPosts = new Set<HeldPost>();
  const openPerChat = new Map<number | undefined, number>();
  let peak = 0;
  let peakPerChat = 0;

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      update_id: number;
      message?: { chat: { id: number }; text?: string };
    };
    const chatId = body.message?.chat.id;
    const closeOne = () => {
      if (!openPosts.delete(post)) return;
      openPerChat.set(chatId, (openPerChat.get(chatId) ?? 1) - 1);
    };
    const post: HeldPost = {
      updateId: body.update_id,
      chatId,
      text: body.message?.text,
      answered: false,
      answer(status) {
        if (post.answered) return;
        post.answered = true;
        closeOne();
        res.writeHead(status, { 'content-type': 'application/json' }).end('');
      },
    };
    posts.push(post);
    openPosts.add(post);
    const inChat = (openPerChat.get(chatId) ?? 0) + 1;
    openPerChat.set(chatId, inChat);
    peak = Math.max(peak, openPosts.size);
    peakPerChat = Math.max(peakPerChat, inChat);
    // The emulator aborted it (deleteWebhook, setWebhook, close): no longer open.
    res.on('close', closeOne);
    const status = receiver.autoAnswer?.(post);
    if (status !== undefined) post.answer(status);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const receiver: HoldingReceiver = {
    url: `http://127.0.0.1:${port}/telegram`,
    posts,
    open: () => [...openPosts],
    peak: () => peak,
    peakPerChat: () => peakPerChat,
    autoAnswer: undefined,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}
