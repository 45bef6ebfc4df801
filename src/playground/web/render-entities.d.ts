/** Types for the browser module render-entities.js (plain JS, served as is, tested from TypeScript). */
export interface RenderableEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export declare function escapeHtml(text: string): string;
export declare function safeUrl(url: unknown): string | undefined;
export declare function renderEntities(
  text: string,
  entities: readonly RenderableEntity[] | undefined,
  options?: { freshFrom?: number },
): string;
