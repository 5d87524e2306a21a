/**
 * `${NAME}` and `${NAME:-default}` in channel definitions, as in a POSIX shell: the default applies when
 * the variable is unset or empty. `${` always opens a reference (there is no escape: no channel setting
 * needs a literal `${`), so a stray one is a load-time problem rather than text sent somewhere.
 */

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string; readonly fallback: string | undefined };

const REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/;

/** The text and references of a value, or what is malformed in it. */
export function parseTemplate(value: string): { parts: TemplatePart[] } | { error: string } {
  const parts: TemplatePart[] = [];
  let rest = value;
  while (rest.length > 0) {
    const start = rest.indexOf('${');
    if (start < 0) {
      parts.push({ kind: 'text', text: rest });
      break;
    }
    if (start > 0) parts.push({ kind: 'text', text: rest.slice(0, start) });
    const match = REFERENCE.exec(rest.slice(start));
    if (!match) {
      const close = rest.indexOf('}', start);
      const written = close < 0 ? rest.slice(start) : rest.slice(start, close + 1);
      return {
        error: `"${written}" is not a variable reference (write \${NAME} or \${NAME:-default}; NAME is letters, digits and _)`,
      };
    }
    parts.push({ kind: 'variable', name: match[1]!, fallback: match[2] });
    rest = rest.slice(start + match[0].length);
  }
  return { parts };
}

/**
 * The value with its references replaced from `variables`, and the names that had neither a value nor a
 * default (the caller reports them), or what is malformed in it (a definition built without
 * `buildChannels`' check).
 */
export function substitute(
  value: string,
  variables: Readonly<Record<string, string | undefined>>,
): { value: string; missing: string[] } | { error: string } {
  const parsed = parseTemplate(value);
  if ('error' in parsed) return parsed;
  const missing: string[] = [];
  const out = parsed.parts.map((part) => {
    if (part.kind === 'text') return part.text;
    const set = variables[part.name];
    if (set !== undefined && set !== '') return set;
    if (part.fallback !== undefined) return part.fallback;
    missing.push(part.name);
    return '';
  });
  return { value: out.join(''), missing };
}
