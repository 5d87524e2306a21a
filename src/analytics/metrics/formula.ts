import { SightlineError } from '../../errors/index.ts';

/**
 * Arithmetic over named series or metrics: `likes / views`, `(A + B) / C * 100`. Names are letters,
 * digits and underscores; numbers are decimals. Evaluated in JavaScript per point, after the series are
 * computed, so the same formula works on every engine. Division by zero gives null (no value), never
 * Infinity or NaN.
 */
export type FormulaNode =
  | { kind: 'number'; value: number }
  | { kind: 'name'; name: string }
  | { kind: 'negate'; item: FormulaNode }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: FormulaNode; right: FormulaNode };

export function parseFormula(text: string): FormulaNode {
  const tokens = text.match(/\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*/()]|\S/g) ?? [];
  let index = 0;
  const fail = (message: string): never => {
    throw new SightlineError('SL_FILTER_SYNTAX', `formula "${text}": ${message}`, {
      hint: 'write arithmetic over series names and numbers, for example likes / views * 100',
    });
  };
  const peek = (): string | undefined => tokens[index];
  const expression = (): FormulaNode => {
    let left = term();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[index++] as '+' | '-';
      left = { kind: 'binary', op, left, right: term() };
    }
    return left;
  };
  const term = (): FormulaNode => {
    let left = factor();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[index++] as '*' | '/';
      left = { kind: 'binary', op, left, right: factor() };
    }
    return left;
  };
  const factor = (): FormulaNode => {
    const token = tokens[index++];
    if (token === undefined) return fail('ends too early');
    if (token === '-') return { kind: 'negate', item: factor() };
    if (token === '(') {
      const inner = expression();
      if (tokens[index++] !== ')') fail('missing ")"');
      return inner;
    }
    if (/^[\d.]/.test(token)) return { kind: 'number', value: Number(token) };
    if (/^[A-Za-z_]/.test(token)) return { kind: 'name', name: token };
    return fail(`unexpected "${token}"`);
  };
  if (tokens.length === 0) fail('is empty');
  const node = expression();
  if (index < tokens.length) fail(`unexpected "${tokens[index]}"`);
  return node;
}

export function formulaNames(node: FormulaNode): string[] {
  switch (node.kind) {
    case 'number':
      return [];
    case 'name':
      return [node.name];
    case 'negate':
      return formulaNames(node.item);
    case 'binary':
      return [...formulaNames(node.left), ...formulaNames(node.right)];
  }
}

/** Evaluates with the given values; a missing value or a division by zero gives null. */
export function evaluateFormula(node: FormulaNode, lookup: (name: string) => number | null): number | null {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'name':
      return lookup(node.name);
    case 'negate': {
      const v = evaluateFormula(node.item, lookup);
      return v === null ? null : -v;
    }
    case 'binary': {
      const a = evaluateFormula(node.left, lookup);
      const b = evaluateFormula(node.right, lookup);
      if (a === null || b === null) return null;
      switch (node.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? null : a / b;
      }
    }
  }
}
