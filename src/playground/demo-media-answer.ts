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
  const question = message.content.replace(/^File: [\s\S]*?\n"""\n\n?/, '').trim();
  lines.push(
    '',
    question ? `You asked: “${question}”. A real model would answer that now.` : 'Ask me something about it!',
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
