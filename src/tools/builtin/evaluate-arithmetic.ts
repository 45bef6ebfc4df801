/** Why an expression could not be evaluated, worded for the model. */
export class ArithmeticError extends Error {
  override readonly name = 'ArithmeticError';
}

const MAX_EXPRESSION_LENGTH = 500;
const MAX_DEPTH = 50;
const FUNCTIONS: Record<string, (x: number) => number> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  ln: Math.log,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
};
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

/**
 * Evaluates `+ - * / % ^`, parentheses, unary minus, a few functions and `pi`/`e` with a small
 * recursive-descent parser: no `eval`, no `Function`, nothing but numbers can come out of it.
 */
export function evaluateArithmetic(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) throw new ArithmeticError('the expression is too long');
  const tokens = expression.match(/\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+|[a-z_][a-z0-9_]*|\*\*|\S/gi) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const take = () => tokens[position++];
  const expect = (token: string) => {
    if (take() !== token) throw new ArithmeticError(`expected "${token}"`);
  };

  const sum = (depth: number): number => {
    let value = product(depth);
    while (peek() === '+' || peek() === '-')
      value = take() === '+' ? value + product(depth) : value - product(depth);
    return value;
  };
  const product = (depth: number): number => {
    let value = unary(depth);
    for (;;) {
      const op = peek();
      if (op !== '*' && op !== '×' && op !== '/' && op !== '÷' && op !== '%') return value;
      take();
      const right = unary(depth);
      if (op === '*' || op === '×') value *= right;
      else if (right === 0) throw new ArithmeticError('division by zero');
      else if (op === '%') value %= right;
      else value /= right;
    }
  };
  const unary = (depth: number): number => {
    if (depth > MAX_DEPTH) throw new ArithmeticError('the expression is nested too deeply');
    const sign = peek();
    if (sign === '-' || sign === '+') {
      take();
      const value = unary(depth + 1);
      return sign === '-' ? -value : value;
    }
    return power(depth);
  };
  const power = (depth: number): number => {
    const base = atom(depth);
    // Right-associative: 2^3^2 = 2^9.
    if (peek() !== '^' && peek() !== '**') return base;
    take();
    return base ** unary(depth + 1);
  };
  const atom = (depth: number): number => {
    const token = take();
    if (token === undefined) throw new ArithmeticError('the expression ends too early');
    if (token === '(') {
      const value = sum(depth + 1);
      expect(')');
      return value;
    }
    if (/^[\d.]/.test(token)) return Number(token);
    const name = token.toLowerCase();
    // Own keys only: `constructor` or `__proto__` must not reach Object's prototype.
    if (Object.hasOwn(CONSTANTS, name)) return CONSTANTS[name] as number;
    const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (fn) {
      expect('(');
      const value = fn(sum(depth + 1));
      expect(')');
      return value;
    }
    throw new ArithmeticError(`unknown symbol "${token}"`);
  };

  const value = sum(0);
  if (position < tokens.length) throw new ArithmeticError(`unexpected "${tokens[position]}"`);
  if (!Number.isFinite(value)) throw new ArithmeticError('the result is not a finite number');
  return value;
}
