import { createServer } from 'node:http';

export interface RecordedTranscription {
  model: string;
  fileName: string;
  bytes: Buffer;
  authorization: string | undefined;
}

export type TranscriptionReply =
  | {
      text: string;
      usage?: { input_tokens: number; output_tokens: number } | { seconds: number };
      /** Answer this much later, like a real endpoint working through a long recording. */
      delayMs?: number;
    }
  | { status: number };

export interface FakeTranscriptionServer {
  /** For `<PROVIDER>_BASE_URL`, e.g. `http://127.0.0.1:1234/v1`. */
  readonly baseURL: string;
  readonly transcriptions: readonly RecordedTranscription[];
  /** Answers for the next requests, first in first out; default `{ text: 'hello' }`. */
  enqueue(reply: TranscriptionReply): void;
  close(): Promise<void>;
}

/**
 * `POST /v1/audio/transcriptions` in OpenAI's format (multipart: `file`, `model`; JSON answer with
 * `text` and `usage` of type `tokens` or `duration`), as OpenAI, Groq and Whisper servers serve it.
 * On 127.0.0.1 only.
 */
export async function startFakeTranscriptionServer(): Promise<FakeTranscriptionServer> {
  const transcriptions: RecordedTranscription[] = [];
  const replies: TranscriptionReply[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      try {
        const form = await new Response(Buffer.concat(chunks), {
          headers: { 'content-type': req.headers['content-type'] ?? '' },
        }).formData();
        const file = form.get('file');
        if (!(file instanceof File)) throw new Error('no file part');
        transcriptions.push({
          model: String(form.get('model')),
          fileName: file.name,
          bytes: Buffer.from(await file.arrayBuffer()),
          authorization: req.headers.authorization,
        });
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"Could not parse multipart form","type":"invalid_request_error"}}');
        return;
      }
      const reply = replies.shift() ?? { text: 'hello' };
      if ('status' in reply) {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"injected failure","type":"server_error"}}');
        return;
      }
      const usage =
        reply.usage === undefined
          ? undefined
          : 'seconds' in reply.usage
            ? { type: 'duration', seconds: reply.usage.seconds }
            : {
                type: 'tokens',
                ...reply.usage,
                total_tokens: reply.usage.input_tokens + reply.usage.output_tokens,
              };
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text: reply.text, ...(usage ? { usage } : {}) }));
    });
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    transcriptions,
    enqueue: (reply) => void replies.push(reply),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
