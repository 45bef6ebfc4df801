import type { ChatMessage } from '../providers/types.js';

/**
 * What the offline demo model says about pictures and files it was given, so a new user sees the
 * whole path (upload, getFile, download, image input or extracted text) without an API key.
 */
export function describeDemoAttachments(message: ChatMessage | undefined): string | undefined {
  if (message === undefined) return undefined;
  const images = message.role === 'user' ? (message.images ?? []) : [];
  const file = /^File: (.+)\n"""\n([\s\S]*?)\n"""/.exec(message.content);
  if (images.length === 0 && file === null) return undefined;
  const lines = ['I am the offline demo model, so I cannot really look, but here is what reached me:', ''];
  for (const [index, image] of images.entries()) {
    const size = dimensions(image.data);
    lines.push(
      `- picture ${index + 1}: **${image.mediaType}**, ${formatBytes(image.data.length)}${size ? `, ${size}` : ''}`,
    );
  }
  if (file !== null) {
    const [, name = '', text = ''] = file;
    const words = text.split(/\s+/).filter(Boolean);
    const start = words.slice(0, 12).join(' ');
    lines.push(
      `- file **${name}**: ${words.length} words, starting “${start}${words.length > 12 ? '…' : ''}”`,
    );
  }
  // The file block is `File: name`, a line of three quotes, the text, three quotes; the question follows.
  const question = message.content.replace(/^File: [^\n]*\n"""\n[\s\S]*?\n"""(\n\n)?/, '').trim();
  lines.push(
    '',
    question ? `You asked: “${question}”. A real model would answer that now.` : 'Ask me something about it!',
  );
  return lines.join('\n');
}

/**
 * For a follow-up question in a conversation with pictures: what the demo still gets of them (the
 * most recent ones sent again, older or refused ones as a placeholder), so the history path shows.
 */
export function describeDemoEarlierPictures(
  messages: readonly ChatMessage[],
  question: string,
): string | undefined {
  const earlier = messages.slice(0, -1);
  const images = earlier.reduce((count, m) => count + (m.role === 'user' ? (m.images?.length ?? 0) : 0), 0);
  const placeholders = earlier.reduce(
    (count, m) =>
      count + (m.role === 'user' ? (m.content.match(/^\[an earlier picture[^\]]*\]$/gm)?.length ?? 0) : 0),
    0,
  );
  if (images === 0 && placeholders === 0) return undefined;
  const lines = [
    `You asked: “${question.trim()}”.`,
    '',
    'I am the offline demo model; with this question I also got:',
  ];
  if (images > 0)
    lines.push(`- **${images}** earlier picture${images === 1 ? '' : 's'} of this conversation, sent again`);
  if (placeholders > 0)
    lines.push(
      `- **${placeholders}** placeholder${placeholders === 1 ? '' : 's'} for older pictures not sent again`,
    );
  lines.push(
    '',
    'A real model would answer with those pictures in mind. /new starts a conversation without them.',
  );
  return lines.join('\n');
}

/** Width×height from a PNG's header (the demo does not decode other formats). */
function dimensions(data: Buffer): string | undefined {
  if (data.length < 24 || data.toString('latin1', 1, 4) !== 'PNG') return undefined;
  return `${data.readUInt32BE(16)}×${data.readUInt32BE(20)} px`;
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}
