/** What a document is to us, from its name and MIME type, before any byte is fetched. */
export type DocumentClass =
  | { kind: 'image' }
  | { kind: 'text' }
  | { kind: 'pdf' }
  | { kind: 'refused'; reason: string };

const TEXT_EXTENSIONS = new Set(
  (
    'txt md markdown csv tsv json jsonl yaml yml toml ini cfg conf log xml html htm css js mjs cjs ts tsx jsx ' +
    'py rb go rs java kt swift c h cc cpp hpp cs php sh bash zsh sql r lua pl scala dart vue svelte tex rst env'
  ).split(' '),
);
const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'webp', 'gif']);
const ARCHIVES = new Set(['zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst']);
const PROGRAMS = new Set(['exe', 'msi', 'dll', 'apk', 'dmg', 'deb', 'rpm', 'bin', 'so', 'app', 'jar']);

export function classifyDocument(fileName: string, mimeType: string | undefined): DocumentClass {
  const extension = fileName.includes('.') ? (fileName.split('.').pop() ?? '').toLowerCase() : '';
  const mime = (mimeType ?? '').toLowerCase();
  if (ARCHIVES.has(extension) || /zip|rar|7z|x-tar|gzip|compressed/.test(mime)) {
    return { kind: 'refused', reason: '🗜 I can’t open archives. Unpack it and send me the file you mean.' };
  }
  if (PROGRAMS.has(extension) || /x-msdownload|x-executable|android\.package|x-apple-diskimage/.test(mime)) {
    return {
      kind: 'refused',
      reason: '⚙️ I don’t open programs. Send a text file, a PDF or a picture instead.',
    };
  }
  if (IMAGE_EXTENSIONS.has(extension) || /^image\/(jpeg|png|webp|gif)$/.test(mime)) return { kind: 'image' };
  if (extension === 'pdf' || mime === 'application/pdf') return { kind: 'pdf' };
  if (
    TEXT_EXTENSIONS.has(extension) ||
    mime.startsWith('text/') ||
    /json|xml|yaml|csv|javascript/.test(mime)
  ) {
    return { kind: 'text' };
  }
  return {
    kind: 'refused',
    reason:
      '📄 I can read text files (plain text, Markdown, CSV, JSON, code, HTML), PDFs and pictures; not this kind of file.',
  };
}
