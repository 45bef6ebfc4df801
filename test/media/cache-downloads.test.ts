import { describe, expect, it } from 'vitest';
import { cacheDownloads } from '../../src/media/cache-downloads.js';

describe('cacheDownloads', () => {
  const signal = new AbortController().signal;

  function counting(sizes: Record<string, number>) {
    const fetched: string[] = [];
    const download = async (fileId: string) => {
      fetched.push(fileId);
      return Buffer.alloc(sizes[fileId] ?? 1, fileId);
    };
    return { fetched, download };
  }

  it('serves a file again from memory, keeping the most recently used within the count', async () => {
    const { fetched, download } = counting({});
    const cached = cacheDownloads(download, { maxFiles: 2, maxBytes: 1000 });
    await cached('a', signal);
    await cached('b', signal);
    await cached('a', signal); // a is now the most recent
    await cached('c', signal); // evicts b
    await cached('a', signal);
    await cached('b', signal);
    expect(fetched).toEqual(['a', 'b', 'c', 'b']);
  });

  it('keeps within the byte bound and never caches a file larger than it', async () => {
    const { fetched, download } = counting({ big: 50, x: 30, y: 30 });
    const cached = cacheDownloads(download, { maxFiles: 10, maxBytes: 40 });
    expect((await cached('big', signal)).length).toBe(50);
    await cached('big', signal);
    await cached('x', signal);
    await cached('y', signal); // 60 bytes would be over: x goes
    await cached('y', signal);
    await cached('x', signal);
    expect(fetched).toEqual(['big', 'big', 'x', 'y', 'x']);
  });

  it('caches nothing when the download fails', async () => {
    let calls = 0;
    const cached = cacheDownloads(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('cut');
        return Buffer.from('ok');
      },
      { maxFiles: 2, maxBytes: 100 },
    );
    await expect(cached('a', signal)).rejects.toThrow('cut');
    expect(String(await cached('a', signal))).toBe('ok');
    expect(calls).toBe(2);
  });
});
