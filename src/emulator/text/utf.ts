const encoder = new TextEncoder();

/** Telegram counts message length in Unicode code points. */
export function codePointLength(text: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        surrogatePairs++;
        i++;
      }
    }
  }
  return text.length - surrogatePairs;
}

/** Telegram's parse errors point at UTF-8 byte offsets of the original text. */
export function byteOffset(text: string, utf16Index: number): number {
  return encoder.encode(text.slice(0, utf16Index)).length;
}

/** TDLib's `is_space`: ASCII whitespace only. */
export function isSpace(char: string | undefined): boolean {
  return (
    char === ' ' ||
    char === '\t' ||
    char === '\n' ||
    char === '\r' ||
    char === '\v' ||
    char === '\f' ||
    char === '\0'
  );
}

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
