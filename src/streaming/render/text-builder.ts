import type { TelegramEntity } from '../telegram-text.js';

/** An entity as the renderer opens it; offset and length are filled in when it closes. */
export type EntityShape =
  | { type: Exclude<TelegramEntity['type'], 'pre' | 'text_link'> }
  | { type: 'pre'; language?: string }
  | { type: 'text_link'; url: string };

export interface EntityHandle {
  readonly shape: EntityShape;
  /** Where the entity's first character landed, or -1 while nothing was written inside it yet. */
  start: number;
}

/** Where a child block starts in the source and in the rendered text; the splitter cuts there. */
export interface RenderMark {
  source: number;
  rendered: number;
}

/**
 * Accumulates rendered text and entities. Separators and indentation are written lazily, only when
 * content follows, so empty blocks leave no blank lines and entities never start on a separator.
 */
export interface TextBuilder {
  readonly length: number;
  /** Inline text; lines after a newline get the current indentation. */
  text(value: string): void;
  /** Preformatted text: never indented, and it always starts on a line of its own. */
  raw(value: string): void;
  /** Ask for a separator before the next content; the longer of two requests wins. */
  separate(separator: '\n' | '\n\n'): void;
  open(shape: EntityShape): EntityHandle;
  close(handle: EntityHandle): void;
  pushIndent(indent: string): void;
  popIndent(): void;
  /** True when nothing was written yet on the current line. */
  atLineStart(): boolean;
  mark(source: number): void;
  readonly marks: RenderMark[];
  finish(): { text: string; entities: TelegramEntity[] };
}

const CARRIAGE_RETURNS = /\r\n?/g;

export function createTextBuilder(options: { entities: boolean; marks?: boolean }): TextBuilder {
  const chunks: string[] = [];
  const entities: TelegramEntity[] = [];
  const pendingStarts: EntityHandle[] = [];
  const indents: string[] = [];
  const marks: RenderMark[] = [];
  let indent = '';
  let length = 0;
  let lastChar = '';
  let pendingSeparator = '';
  let indentPending = false;

  const push = (value: string): void => {
    if (value.length === 0) return;
    chunks.push(value);
    length += value.length;
    lastChar = value[value.length - 1] ?? lastChar;
  };

  const beginContent = (indented: boolean): void => {
    if (pendingSeparator && length > 0) {
      push(pendingSeparator);
      indentPending = true;
    }
    pendingSeparator = '';
    if (indentPending && indented && indent) push(indent);
    indentPending = false;
    for (const handle of pendingStarts) handle.start = length;
    pendingStarts.length = 0;
  };

  const writeLines = (value: string, indented: boolean): void => {
    const lines = value.replace(CARRIAGE_RETURNS, '\n').split('\n');
    lines.forEach((line, index) => {
      if (index > 0) {
        if (pendingSeparator) beginContent(indented);
        push('\n');
        indentPending = true;
      }
      if (line.length > 0) {
        beginContent(indented);
        push(line);
      }
    });
  };

  return {
    get length() {
      return length;
    },
    get marks() {
      return marks;
    },
    text(value) {
      writeLines(value, true);
    },
    raw(value) {
      if (value.length === 0) return;
      if (length > 0 && lastChar !== '\n' && !pendingSeparator) pendingSeparator = '\n';
      beginContent(false);
      writeLines(value, false);
    },
    separate(separator) {
      if (separator.length > pendingSeparator.length) pendingSeparator = separator;
    },
    open(shape) {
      const handle: EntityHandle = { shape, start: -1 };
      if (options.entities) pendingStarts.push(handle);
      return handle;
    },
    close(handle) {
      const index = pendingStarts.indexOf(handle);
      if (index >= 0) pendingStarts.splice(index, 1);
      if (!options.entities || handle.start < 0 || length <= handle.start) return;
      entities.push({
        ...handle.shape,
        offset: handle.start,
        length: length - handle.start,
      } as TelegramEntity);
    },
    pushIndent(extra) {
      indents.push(extra);
      indent += extra;
    },
    popIndent() {
      const extra = indents.pop() ?? '';
      indent = indent.slice(0, indent.length - extra.length);
    },
    atLineStart() {
      return length === 0 || lastChar === '\n';
    },
    mark(source) {
      if (options.marks) marks.push({ source, rendered: length });
    },
    finish() {
      return { text: chunks.join(''), entities };
    },
  };
}
