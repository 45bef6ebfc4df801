/**
 * Markdown (as models write it) to Telegram text + entities, split into message-sized parts that
 * continue from source cursors. See `renderTelegramParts` for the contract delivery relies on.
 */

export { capEntities, normalizeEntities } from './entity-rules.js';
export { createPartRenderer, type PartRendererOptions, type RenderParts } from './part-renderer.js';
export { plainTextParts, renderMarkdown } from './render-markdown.js';
export { renderTelegramParts } from './render-parts.js';
export {
  type AnswerSource,
  type ReasoningDisplay,
  type RenderedPart,
  type RenderPartsOptions,
  type SourceCursor,
  START_CURSOR,
} from './types.js';
export { telegramTextProblems } from './validate-entities.js';
