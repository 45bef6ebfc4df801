import pg from 'pg';

export interface InboxRowView {
  state: string;
  owner: string | null;
}

/** The inbox rows of a test database by the text of their message (each test sends distinct texts). */
export async function inboxRowsByText(url: string): Promise<Record<string, InboxRowView>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ text: string; state: string; owner: string | null }>(
      "SELECT payload::jsonb->'message'->>'text' AS text, state, owner FROM inbox_updates ORDER BY update_id",
    );
    return Object.fromEntries(rows.map((row) => [row.text, { state: row.state, owner: row.owner }]));
  } finally {
    await client.end();
  }
}

/** Polls the rows until `check` passes (a row is marked done just after its answer shows). */
export async function waitForInboxRows(
  url: string,
  check: (rows: Record<string, InboxRowView>) => boolean,
  timeoutMs = 15_000,
): Promise<Record<string, InboxRowView>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await inboxRowsByText(url);
    if (check(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`inbox rows never passed the check: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const allDone = (rows: Record<string, InboxRowView>) =>
  Object.values(rows).every((row) => row.state === 'done');
