import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

// Statuses whose responses carry no body; `new Response` refuses one for them.
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` over node:http and node:https with keep-alive agents, given to the model SDKs. Node's
 * built-in fetch (undici) costs about a third more CPU per streamed token and keeps more garbage
 * alive under load; with hundreds of answers streaming at once that is most of what the bot does.
 * It covers what the SDKs send: JSON bodies (strings or bytes), headers, an AbortSignal. No
 * redirects are followed (an API answering 3xx is misconfigured) and bodies are not decompressed,
 * so no `accept-encoding` is offered.
 */
export function createNodeHttpFetch(): typeof fetch {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });

  return (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const body = init.body ?? undefined;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return Promise.reject(new TypeError('only string and byte request bodies are supported'));
    }
    if (body !== undefined && headers['content-length'] === undefined) {
      headers['content-length'] = String(Buffer.byteLength(body));
    }

    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError());

    return new Promise<Response>((resolve, reject) => {
      let response: http.IncomingMessage | undefined;
      // As fetch does: an abort rejects the pending call, or errors the body being read.
      const onAbort = () => {
        const error = abortError();
        request.destroy(error);
        response?.destroy(error);
        reject(error);
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      const request = (secure ? https : http).request(
        url,
        { method: init.method ?? 'GET', headers, agent: secure ? httpsAgent : httpAgent },
        (incoming) => {
          response = incoming;
          incoming.once('close', done);
          const status = incoming.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (const [key, value] of Object.entries(incoming.headers)) {
            if (value !== undefined)
              responseHeaders.set(key, Array.isArray(value) ? value.join(', ') : value);
          }
          const empty = NULL_BODY_STATUS.has(status) || init.method === 'HEAD';
          if (empty) incoming.resume();
          resolve(
            new Response(empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), {
              status,
              statusText: incoming.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        },
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      request.once('error', (error) => {
        done();
        reject(error);
      });
      request.end(body);
    });
  };
}

function abortError(): DOMException {
  return new DOMException('This operation was aborted', 'AbortError');
}
