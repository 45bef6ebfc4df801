/**
 * One strip of the panel: the Telegram calls of a chat (or the whole bot) per second over the last
 * minute, stacked by kind, with 429 holds shaded, the sustained rate and the limit it must stay under.
 */

const COLORS = {
  draft: '#8e6ff7',
  send: '#4fae4e',
  edit: '#3390ec',
  other: '#a0a5ab',
  error: '#e53935',
  failed: '#ff9800',
  avg: '#222',
  limit: '#e53935',
  hold: 'rgba(229, 57, 53, 0.12)',
  grid: '#e6e6e6',
  text: '#666',
};

const LIMITED = new Set(['sendMessage', 'sendMessageDraft', 'editMessageText', 'editMessageReplyMarkup']);

/** What the strip colours a call as. */
export function callKind(call) {
  if (call.status === 429) return 'error';
  if (!call.ok) return 'failed';
  if (call.method === 'sendMessageDraft') return 'draft';
  if (call.method === 'editMessageText' || call.method === 'editMessageReplyMarkup') return 'edit';
  if (call.method.startsWith('send') && call.method !== 'sendChatAction') return 'send';
  return 'other';
}

/** Calls that spend a chat's message budget (sends, edits, drafts), as the emulator counts them. */
export function countsAgainstChat(call) {
  return LIMITED.has(call.method) || (call.method.startsWith('send') && call.method !== 'sendChatAction');
}

/** The bot-wide bucket also takes chat actions and deletions. */
export function countsAgainstBot(call) {
  return countsAgainstChat(call) || call.method === 'sendChatAction' || call.method === 'deleteMessage';
}

/**
 * Calls per second over `windowMs` ending at `t`: the sustained rate a token bucket allows is its
 * `perSecond` once the burst is spent, so the window is the time it takes to refill the burst.
 */
export function sustainedRate(calls, t, windowMs) {
  let count = 0;
  for (const call of calls) if (call.ok && call.at > t - windowMs && call.at <= t) count++;
  return count / (windowMs / 1000);
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{ calls: any[], now: number, limit: {burst: number, perSecond: number} | null, windowMs?: number, globalScope?: boolean }} input
 */
export function drawRateChart(canvas, input) {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(100, canvas.clientWidth);
  const height = Math.max(40, canvas.clientHeight);
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);

  const windowMs = input.windowMs ?? 60_000;
  const bins = Math.round(windowMs / 1000);
  const start = input.now - windowMs;
  const top = 12;
  const bottom = height - 12;
  const left = 4;
  const right = width - 4;
  const binWidth = (right - left) / bins;

  const stacks = Array.from({ length: bins }, () => ({
    draft: 0,
    send: 0,
    edit: 0,
    other: 0,
    failed: 0,
    error: 0,
  }));
  const limited = [];
  for (const call of input.calls) {
    if (call.at < start - 60_000) continue;
    if (input.globalScope ? countsAgainstBot(call) : countsAgainstChat(call)) limited.push(call);
    if (call.at < start || call.at > input.now) continue;
    const bin = Math.min(bins - 1, Math.floor((call.at - start) / 1000));
    stacks[bin][callKind(call)]++;
  }

  const limit = input.limit;
  const avgWindow = limit === null ? 5_000 : Math.max(1_000, (limit.burst / limit.perSecond) * 1000);
  const samples = [];
  for (let i = 0; i <= bins; i++) samples.push(sustainedRate(limited, start + i * 1000, avgWindow));

  const peak = Math.max(
    2,
    ...stacks.map((s) => s.draft + s.send + s.edit + s.other + s.failed + s.error),
    ...samples,
    limit === null ? 0 : limit.perSecond * 1.6,
  );
  const scale = Math.ceil(peak);
  const y = (value) => bottom - (value / scale) * (bottom - top);

  // 429 holds: the time the chat (or the bot) was told to wait.
  ctx.fillStyle = COLORS.hold;
  for (const call of input.calls) {
    if (call.status !== 429 || call.retryAfter === undefined) continue;
    const from = Math.max(start, call.at);
    const to = Math.min(input.now, call.at + call.retryAfter * 1000);
    if (to > from)
      ctx.fillRect(
        left + ((from - start) / 1000) * binWidth,
        top,
        ((to - from) / 1000) * binWidth,
        bottom - top,
      );
  }

  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1;
  for (let s = 10; s < bins; s += 10) {
    const x = Math.round(left + s * binWidth) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
  }
  ctx.beginPath();
  ctx.moveTo(left, bottom + 0.5);
  ctx.lineTo(right, bottom + 0.5);
  ctx.stroke();

  const order = ['draft', 'send', 'edit', 'other', 'failed', 'error'];
  stacks.forEach((stack, i) => {
    let base = 0;
    for (const kind of order) {
      const n = stack[kind];
      if (n === 0) continue;
      ctx.fillStyle = COLORS[kind];
      ctx.fillRect(left + i * binWidth + 1, y(base + n), Math.max(1, binWidth - 2), y(base) - y(base + n));
      base += n;
    }
  });

  ctx.strokeStyle = COLORS.avg;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  samples.forEach((value, i) => {
    const x = left + i * binWidth;
    if (i === 0) ctx.moveTo(x, y(value));
    else ctx.lineTo(x, y(value));
  });
  ctx.stroke();

  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = COLORS.text;
  ctx.fillText(`${scale}/s`, left + 2, top - 2);
  ctx.fillText('−60 s', left + 2, height - 1);
  ctx.fillText('now', right - 20, height - 1);
  if (limit !== null) {
    ctx.strokeStyle = COLORS.limit;
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(left, y(limit.perSecond) + 0.5);
    ctx.lineTo(right, y(limit.perSecond) + 0.5);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = COLORS.limit;
    const label = `limit ${formatRate(limit.perSecond)} (burst ${limit.burst})`;
    ctx.fillText(label, right - ctx.measureText(label).width - 2, y(limit.perSecond) - 3);
  }
}

export function formatRate(perSecond) {
  if (perSecond >= 1) return `${Math.round(perSecond * 10) / 10}/s`;
  return `${Math.round(perSecond * 60)}/min`;
}
