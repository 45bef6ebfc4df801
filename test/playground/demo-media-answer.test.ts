import { describe, expect, it } from 'vitest';
import { OLDER_PICTURE } from '../../src/conversation/history-images.js';
import { encodeSolidPng } from '../../src/emulator/index.js';
import { composeDemoAnswer } from '../../src/playground/demo-answers.js';
import type { ChatMessage } from '../../src/providers/types.js';

const request = (messages: ChatMessage[]) => ({ model: 'demo', system: '', messages, maxOutputTokens: 100 });

describe('the demo model on pictures and files', () => {
  it('describes a picture it got, with its type, size and the question', () => {
    const png = encodeSolidPng(30, 20, [1, 2, 3]);
    const { text } = composeDemoAnswer(
      request([{ role: 'user', content: 'What colour?', images: [{ mediaType: 'image/png', data: png }] }]),
      { thinking: false },
    );
    expect(text).toContain('picture 1: **image/png**');
    expect(text).toContain('30×20 px');
    expect(text).toContain('You asked: “What colour?”');
  });

  it('quotes the question after a file, not the file’s text', () => {
    const { text } = composeDemoAnswer(
      request([{ role: 'user', content: 'File: notes.md\n"""\n# Notes\nBuy milk\n"""\n\nsummarise' }]),
      { thinking: false },
    );
    expect(text).toContain('file **notes.md**: 4 words, starting “# Notes Buy milk”');
    expect(text).toContain('You asked: “summarise”');
    expect(text).not.toContain('"""');
  });

  it('tells a follow-up question which earlier pictures came with it', () => {
    const png = encodeSolidPng(4, 4, [9, 9, 9]);
    const { text } = composeDemoAnswer(
      request([
        { role: 'user', content: `${OLDER_PICTURE}\nfirst` },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'second', images: [{ mediaType: 'image/png', data: png }] },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'and now?' },
      ]),
      { thinking: false },
    );
    expect(text).toContain('**1** earlier picture of this conversation, sent again');
    expect(text).toContain('**1** placeholder for older pictures');
    // A question with its own topic keeps the canned answer.
    expect(
      composeDemoAnswer(
        request([
          { role: 'user', content: 'x', images: [{ mediaType: 'image/png', data: png }] },
          { role: 'user', content: 'show me some code' },
        ]),
        { thinking: false },
      ).text,
    ).not.toContain('earlier picture');
  });
});
