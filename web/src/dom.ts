/**
 * A few lines instead of a framework: `h` builds an element from a tag, attributes and children, and
 * `state` draws the loading, empty and error boxes every screen uses, so they look and test the same.
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Returns a new element; `on*` attributes become listeners, `false`/`null` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's content. */
export function mount(el: HTMLElement, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** The three states of anything that loads: a spinner line, "nothing here" with a hint, or the API's error. */
export const state = {
  loading: (what = 'Loading…') => h('p', { class: 'state loading', 'data-testid': 'loading' }, what),
  empty: (message: string) => h('p', { class: 'state empty', 'data-testid': 'empty' }, message),
  error: (error: unknown) => {
    const { code, message } = describeError(error);
    return h(
      'div',
      { class: 'state error', role: 'alert', 'data-testid': 'error', 'data-code': code },
      h('strong', {}, code),
      ' ',
      message,
    );
  },
};

/**
 * Fills `out` with what `render` gives (`empty` when it found nothing), after a loading line, or with
 * the API's error; `data-state` on `out` says which (loading, ready, empty, error) for tests and styles.
 */
export async function loadInto(
  out: HTMLElement,
  loading: string,
  render: () => Promise<{ nodes: Child[]; empty: boolean }>,
): Promise<void> {
  out.dataset['state'] = 'loading';
  mount(out, state.loading(loading));
  try {
    const { nodes, empty } = await render();
    mount(out, nodes);
    out.dataset['state'] = empty ? 'empty' : 'ready';
  } catch (error) {
    mount(out, state.error(error));
    out.dataset['state'] = 'error';
  }
}

/** A form that calls `run` on submit instead of navigating. */
export function submitForm(
  className: string,
  run: () => void,
  ...children: (Child | Child[])[]
): HTMLFormElement {
  const onsubmit = (e: Event) => {
    e.preventDefault();
    run();
  };
  return h('form', { class: className, onsubmit }, ...children);
}

/** The code and sentence of an API error (`{error: {code, message}}`) or any other failure. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const e = error as { code: unknown; message: unknown; hint?: unknown };
    const hint = typeof e.hint === 'string' && e.hint ? ` (${e.hint})` : '';
    return { code: String(e.code), message: `${String(e.message)}${hint}` };
  }
  return { code: 'ERROR', message: error instanceof Error ? error.message : String(error) };
}
