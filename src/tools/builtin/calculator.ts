import type { Tool } from '../types.js';
import { ArithmeticError, evaluateArithmetic } from './evaluate-arithmetic.js';

/** Exact arithmetic, since models are unreliable at it. */
export function createCalculatorTool(): Tool {
  return {
    source: 'builtin',
    displayArgument: 'expression',
    definition: {
      name: 'calculator',
      description:
        'Evaluates an arithmetic expression: + - * / % ^, parentheses, sqrt abs round floor ceil ln log10 sin cos tan, pi, e.',
      inputSchema: {
        type: 'object',
        properties: { expression: { type: 'string', description: 'e.g. (12.5 * 4) ^ 2 / 3' } },
        required: ['expression'],
        additionalProperties: false,
      },
    },
    async run(args) {
      const expression = args.expression;
      if (typeof expression !== 'string') return { text: 'expression must be a string', isError: true };
      try {
        const value = evaluateArithmetic(expression);
        return { text: String(Number(value.toPrecision(15))) };
      } catch (error) {
        if (error instanceof ArithmeticError) return { text: error.message, isError: true };
        throw error;
      }
    },
  };
}
