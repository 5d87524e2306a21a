import { api, storeKey } from '../api.ts';
import { describeError, h } from '../dom.ts';

/**
 * The login screen: one field for an API key (`sightline keys create …` prints one; `npm start` prints
 * an admin key). The key is checked with a cheap authenticated call before it is stored, so a wrong
 * key is told apart from a server that is down; `reason` is the message of a key the API just rejected.
 */
export function loginPage(onLogin: () => void, reason?: string): HTMLElement {
  const input = h('input', {
    type: 'password',
    name: 'key',
    autocomplete: 'current-password',
    placeholder: 'sl_…',
    required: true,
    'data-testid': 'login-key',
    'aria-label': 'API key',
  });
  const message = h(
    'p',
    { class: 'login-message', role: 'alert', 'data-testid': 'login-message' },
    reason ?? '',
  );
  const button = h('button', { type: 'submit', 'data-testid': 'login-submit' }, 'Log in');
  const form = h(
    'form',
    {
      class: 'login',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        button.disabled = true;
        message.textContent = 'Checking the key…';
        try {
          await api('GET', '/insights/types', undefined, key);
          storeKey(key);
          onLogin();
        } catch (error) {
          const { code, message: text } = describeError(error);
          message.textContent =
            (error as { status?: number }).status === 401
              ? `This key was not accepted (${code}): ${text}`
              : `Could not log in (${code}): ${text}`;
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h1', {}, 'Sightline'),
    h(
      'p',
      {},
      'Log in with an API key. Create one with ',
      h('code', {}, 'sightline keys create --role viewer'),
      '.',
    ),
    h('label', {}, 'API key', input),
    button,
    message,
  );
  return h('main', { class: 'login-page' }, form);
}
