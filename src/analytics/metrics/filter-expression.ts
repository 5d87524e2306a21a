import { SightlineError } from '../../errors/index.ts';

/**
 * The filter language of `--where` and of named filters in sightline.yaml:
 *
 *   country = 'US' and (os in ('iOS', 'Android') or age >= 18)
 *   properties.plan != 'free' and user.source is not null
 *   not @ios and cohort = 'power_users' and city contains 'burg'
 *
 * References are dimension names (`os`), user columns (`user.source`), event properties
 * (`properties.plan`, `properties."a key"`) or named dimensions; `@name` is a named filter; `cohort` is
 * the cohort a user belongs to. Keywords are case-insensitive.
 *
 * Null semantics are the ones a person expects rather than SQL's: `=`, `<`, `in` and `contains` never
 * match a missing value, and `!=` and `not in` do.
 */
export type FilterNode =
  | { kind: 'and' | 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode }
  | { kind: 'compare'; ref: string; op: CompareOp; value: Literal }
  | { kind: 'in'; ref: string; values: Literal[]; negated: boolean }
  | { kind: 'null'; ref: string; negated: boolean }
  | { kind: 'contains'; ref: string; value: string; negated: boolean }
  | { kind: 'named'; name: string }
  | { kind: 'cohort'; name: string; negated: boolean };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type Literal = string | number | boolean;

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'string'; text: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: 'op'; text: string; at: number }
  | { type: 'end'; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'true', 'false', 'contains']);

export function parseFilter(text: string): FilterNode {
  const parser = new Parser(text, tokenize(text));
  const node = parser.expression();
  parser.expectEnd();
  return node;
}

function syntaxError(text: string, at: number, message: string): SightlineError {
  return new SightlineError('SL_FILTER_SYNTAX', `${message} at position ${at + 1} of "${text}"`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      // SQL-style string: a quote inside is doubled.
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw syntaxError(text, i, 'unterminated string');
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      tokens.push({ type: 'string', text: value, at: i });
      i = j + 1;
    } else if (c === '"') {
      // A quoted name part (for property keys with spaces or dots).
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw syntaxError(text, i, 'unterminated quoted name');
      tokens.push({ type: 'word', text: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9.]/.test(text[i + 1] ?? ''))) {
      const match = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'number', value: Number(match[0]), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_$@]/.test(c)) {
      const match = /^[@$A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'word', text: match[0], at: i });
      i += match[0].length;
    } else {
      const two = text.slice(i, i + 2);
      if (['!=', '<>', '<=', '>='].includes(two)) {
        tokens.push({ type: 'op', text: two === '<>' ? '!=' : two, at: i });
        i += 2;
      } else if ('=<>(),.'.includes(c)) {
        tokens.push({ type: 'op', text: c, at: i });
        i++;
      } else {
        throw syntaxError(text, i, `unexpected character "${c}"`);
      }
    }
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}

class Parser {
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  expression(): FilterNode {
    return this.binary('or', () => this.binary('and', () => this.unary()));
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.type !== 'end') throw this.error(token, `unexpected ${describe(token)}`);
  }

  private binary(keyword: 'and' | 'or', operand: () => FilterNode): FilterNode {
    const items = [operand()];
    while (this.isKeyword(this.peek(), keyword)) {
      this.index++;
      items.push(operand());
    }
    return items.length === 1 ? (items[0] as FilterNode) : { kind: keyword, items };
  }

  private unary(): FilterNode {
    const token = this.peek();
    if (this.isKeyword(token, 'not')) {
      this.index++;
      return { kind: 'not', item: this.unary() };
    }
    if (token.type === 'op' && token.text === '(') {
      this.index++;
      const inner = this.expression();
      this.expectOp(')');
      return inner;
    }
    if (token.type === 'word' && token.text.startsWith('@')) {
      this.index++;
      if (token.text.length === 1) throw this.error(token, 'a named filter needs a name after @');
      return { kind: 'named', name: token.text.slice(1) };
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const start = this.peek();
    const ref = this.reference();
    if (ref === 'cohort') return this.cohort(start);
    const token = this.next();
    if (token.type === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      const value = this.literal();
      return { kind: 'compare', ref, op: token.text as CompareOp, value };
    }
    if (this.isKeyword(token, 'is')) {
      const negated = this.acceptKeyword('not');
      const nullToken = this.next();
      if (!this.isKeyword(nullToken, 'null')) throw this.error(nullToken, 'expected null after is');
      return { kind: 'null', ref, negated };
    }
    let negated = false;
    let keyword = token;
    if (this.isKeyword(token, 'not')) {
      negated = true;
      keyword = this.next();
    }
    if (this.isKeyword(keyword, 'in')) {
      this.expectOp('(');
      const values = [this.literal()];
      while (this.acceptOp(',')) values.push(this.literal());
      this.expectOp(')');
      // One type per list: a list mixing numbers and text has no single comparison that is right for both.
      if (new Set(values.map((v) => typeof v)).size > 1)
        throw this.error(keyword, 'the values of an in-list must all be text, all numbers or all booleans');
      return { kind: 'in', ref, values, negated };
    }
    if (this.isKeyword(keyword, 'contains')) {
      const value = this.literal();
      if (typeof value !== 'string') throw this.error(keyword, 'contains needs a string');
      return { kind: 'contains', ref, value, negated };
    }
    throw this.error(token, `expected a comparison after "${ref}", found ${describe(token)}`);
  }

  private cohort(start: Token): FilterNode {
    const token = this.next();
    let negated: boolean;
    if (token.type === 'op' && (token.text === '=' || token.text === '!=')) negated = token.text === '!=';
    else if (this.isKeyword(token, 'not') && this.isKeyword(this.peek(), 'in')) {
      this.index++;
      negated = true;
    } else if (this.isKeyword(token, 'in')) negated = false;
    else throw this.error(start, "write cohort = 'name' or cohort != 'name'");
    const name = this.next();
    if (name.type !== 'string' && name.type !== 'word') throw this.error(name, 'expected a cohort name');
    return { kind: 'cohort', name: name.text, negated };
  }

  private reference(): string {
    const token = this.next();
    if (token.type !== 'word' || KEYWORDS.has(token.text.toLowerCase()))
      throw this.error(token, `expected a dimension name, found ${describe(token)}`);
    const parts = [token.text];
    while (this.acceptOp('.')) {
      const part = this.next();
      if (part.type !== 'word') throw this.error(part, 'expected a name after "."');
      parts.push(part.text);
    }
    return parts.join('.');
  }

  private literal(): Literal {
    const token = this.next();
    if (token.type === 'string') return token.text;
    if (token.type === 'number') return token.value;
    if (this.isKeyword(token, 'true')) return true;
    if (this.isKeyword(token, 'false')) return false;
    if (this.isKeyword(token, 'null'))
      throw this.error(token, 'compare with null using "is null" or "is not null"');
    throw this.error(token, `expected a value ('text', a number, true or false), found ${describe(token)}`);
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index++;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.type === 'word' && token.text.toLowerCase() === keyword;
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.isKeyword(this.peek(), keyword)) return false;
    this.index++;
    return true;
  }

  private acceptOp(op: string): boolean {
    const token = this.peek();
    if (token.type !== 'op' || token.text !== op) return false;
    this.index++;
    return true;
  }

  private expectOp(op: string): void {
    const token = this.next();
    if (token.type !== 'op' || token.text !== op)
      throw this.error(token, `expected "${op}", found ${describe(token)}`);
  }

  private error(token: Token, message: string): SightlineError {
    return syntaxError(this.text, token.at, message);
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end';
    case 'string':
      return `'${token.text}'`;
    case 'number':
      return String(token.value);
    default:
      return `"${token.text}"`;
  }
}

/** The references (dimensions), named filters and cohorts an expression uses. */
export function filterReferences(node: FilterNode): { refs: string[]; named: string[]; cohorts: string[] } {
  const out = { refs: [] as string[], named: [] as string[], cohorts: [] as string[] };
  const walk = (n: FilterNode): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        n.items.forEach(walk);
        break;
      case 'not':
        walk(n.item);
        break;
      case 'named':
        out.named.push(n.name);
        break;
      case 'cohort':
        out.cohorts.push(n.name);
        break;
      default:
        out.refs.push(n.ref);
    }
  };
  walk(node);
  return out;
}
