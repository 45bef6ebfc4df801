import type { Tool } from '../types.js';
import { createCalculatorTool } from './calculator.js';
import { createCurrentTimeTool } from './current-time.js';

export const BUILTIN_TOOL_NAMES = ['current_time', 'calculator'] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

/** The built-in tools that `BUILTIN_TOOLS` enables. */
export function createBuiltinTools(deps: {
  enabled: readonly BuiltinToolName[];
  timeZone: string;
  now?: () => number;
}): Tool[] {
  const all: Record<BuiltinToolName, () => Tool> = {
    current_time: () =>
      createCurrentTimeTool({ timeZone: deps.timeZone, ...(deps.now ? { now: deps.now } : {}) }),
    calculator: createCalculatorTool,
  };
  return deps.enabled.map((name) => all[name]());
}
