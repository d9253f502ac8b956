// Log in and account activation (public pages).
import { api, ApiError, type Principal } from '../api';
import { homeFor, navigate, setUser, submit, type Route } from '../app';
import { t } from '../i18n';
import { alert, field, h, put, showFieldError } from '../ui';

function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}

export const authRoutes: Route[] = [
  {
    path: '/login',
    roles: 'public',
    title: () => t.login.title,
    render: ({ main, query }) => {
      const form = h('form', { class: 'usa-form usa-form--large', 'aria-labelledby': 'login-title' },
        field({ name: 'login', label: t.login.login, required: true, autocomplete: 'username', value: query.get('login') ?? '' }),
        field({ name: 'password', label: t.login.password, type: 'password', required: true, autocomplete: 'current-password' }),
        h('button', { type: 'submit', class: 'usa-button' }, t.login.submit));
      put(main, h('h1', { id: 'login-title' }, t.login.title),
        query.get('expired') ? alert('warning', t.errors.sessionExpired) : null,
        query.get('activated') ? alert('success', t.activate.done) : null,
        h('p', { class: 'usa-intro' }, t.login.intro), form,
        h('p', {}, t.login.noAccount, ' ', h('a', { href: '/activate', class: 'usa-link' }, t.login.activateLink)));
      submit(form, async (v) => {
        try {
          const who = await api<Principal>('POST', 'session', { login: v.login.trim(), password: v.password });
          setUser({ role: who.role, login: who.login, national_id: who.national_id, offices: who.offices });
          navigate(safeNext(query.get('next')) ?? homeFor(who.role), true);
        } catch (e) {
          if (e instanceof ApiError && e.status === 401) return void showFieldError(form, 'password', t.login.failed);
          if (e instanceof ApiError && e.status === 429) return void showFieldError(form, 'login', t.login.throttled);
          throw e;
        }
      });
      (form.querySelector('input') as HTMLInputElement).focus();
    },
  },
  {
    path: '/activate',
    roles: 'public',
    title: () => t.activate.title,
    render: ({ main }) => {
      const form = h('form', { class: 'usa-form usa-form--large', 'data-draft': 'activate' },
        field({ name: 'national_id', label: t.activate.nationalId, hint: t.activate.nationalIdHint, required: true,
          inputmode: 'numeric', autocomplete: 'off' }),
        field({ name: 'code', label: t.activate.code, hint: t.activate.codeHint, required: true, autocomplete: 'one-time-code' }),
        field({ name: 'password', label: t.activate.password, hint: t.activate.passwordHint, type: 'password',
          required: true, autocomplete: 'new-password' }),
        field({ name: 'password2', label: t.activate.password2, type: 'password', required: true, autocomplete: 'new-password' }),
        h('button', { type: 'submit', class: 'usa-button' }, t.activate.submit));
      put(main, h('h1', {}, t.activate.title), h('p', { class: 'usa-intro' }, t.activate.intro), form);
      submit(form, async (v) => {
        if (v.password !== v.password2) return void showFieldError(form, 'password2', t.activate.mismatch);
        const nid = v.national_id.replace(/\D/g, '');
        await api('POST', 'activation', { national_id: nid, code: v.code.trim(), password: v.password });
        navigate(`/login?activated=1&login=${encodeURIComponent(nid)}`);
      });
    },
  },
];

