// The shell: who is logged in, the header and navigation for their role, the router (history
// API; the server answers index.html for every path without a file extension), and the two
// helpers every page uses to talk to the server: load() for reading and submit() for forms.
import { api, ApiError, NetworkError, onSessionExpired, SessionExpired, type Principal } from './api';
import { fill, label, t } from './i18n';
import { alert, button, clearErrors, formValues, h, setFormValues, showFieldError } from './ui';

export interface PageContext {
  main: HTMLElement;
  params: Record<string, string>;
  query: URLSearchParams;
  who: Principal | null;
}

export interface Route {
  path: string; // "/cabinet/:number"
  roles: string[] | 'public';
  title: () => string;
  render: (ctx: PageContext) => Promise<void> | void;
}

const routes: Route[] = [];
let who: Principal | null = null;
let whoLoaded = false;

export function addRoutes(list: Route[]): void {
  routes.push(...list);
}

export function currentUser(): Principal | null {
  return who;
}

export function setUser(p: Principal | null): void {
  who = p;
  whoLoaded = true;
}

export function homeFor(role: string | undefined): string {
  switch (role) {
    case 'citizen': return '/cabinet';
    case 'officer': return '/office/persons';
    case 'supervisor': return '/office/campaigns';
    case 'auditor': return '/dashboard';
    default: return role ? '/dashboard' : '/login';
  }
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
}

// Forms marked data-draft are kept across an expired session: saved here, put back by render().
const kDraftKey = 'muster.draft';

function saveDrafts(): void {
  const forms: Record<string, Record<string, string>> = {};
  document.querySelectorAll<HTMLFormElement>('form[data-draft]').forEach((f) => {
    forms[f.dataset.draft!] = formValues(f);
  });
  sessionStorage.setItem(kDraftKey, JSON.stringify({ path: location.pathname + location.search, forms }));
}

function restoreDrafts(): boolean {
  const raw = sessionStorage.getItem(kDraftKey);
  if (!raw) return false;
  const draft = JSON.parse(raw) as { path: string; forms: Record<string, Record<string, string>> };
  if (draft.path !== location.pathname + location.search) return false;
  sessionStorage.removeItem(kDraftKey);
  let restored = false;
  for (const [name, values] of Object.entries(draft.forms)) {
    const form = document.querySelector<HTMLFormElement>(`form[data-draft="${CSS.escape(name)}"]`);
    if (form) {
      setFormValues(form, values);
      restored = true;
    }
  }
  return restored;
}

onSessionExpired(() => {
  if (location.pathname === '/login') return;
  saveDrafts();
  who = null;
  const next = location.pathname + location.search;
  history.pushState(null, '', `/login?next=${encodeURIComponent(next)}&expired=1`);
  void render();
});

function match(path: string): { route: Route; params: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const want = route.path.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    want.forEach((w, i) => {
      if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(parts[i]);
      else if (w !== parts[i]) ok = false;
    });
    if (ok) return { route, params };
  }
  return null;
}

function navFor(role: string | undefined): [string, string][] {
  const n = t.nav;
  switch (role) {
    case 'citizen':
      return [['/cabinet', n.cabinet], ['/restrictions', n.restrictions], ['/appeals', n.appeals],
        ['/corrections', n.corrections], ['/verify', n.verify]];
    case 'officer':
      return [['/office/persons', n.persons], ['/office/issue', n.issue], ['/office/overrides', n.overrides],
        ['/office/appearance', n.appearance], ['/office/appeals', n.appealsQueue], ['/office/corrections', n.correctionsQueue]];
    case 'supervisor':
      return [['/office/persons', n.persons], ['/office/issue', n.issue], ['/office/overrides', n.overrides],
        ['/office/appearance', n.appearance], ['/office/appeals', n.appealsQueue], ['/office/corrections', n.correctionsQueue],
        ['/office/campaigns', n.campaigns], ['/dashboard', n.dashboard], ['/ledger', n.ledger]];
    case 'auditor':
      return [['/dashboard', n.dashboard], ['/ledger', n.ledger], ['/verify', n.verify]];
    default:
      return [];
  }
}

function header(): HTMLElement {
  const path = location.pathname;
  const items = navFor(who?.role);
  const navId = 'primary-nav';
  const toggle = h('button', {
    type: 'button', class: 'usa-menu-btn', 'aria-expanded': 'false', 'aria-controls': navId,
  }, t.site.menu);
  const nav = h('nav', { class: 'site-nav', id: navId, 'aria-label': t.site.primaryNav },
    h('ul', { class: 'site-nav__list' }, items.map(([href, text]) =>
      h('li', {}, h('a', {
        href, class: path.startsWith(href) ? 'usa-current' : '',
        'aria-current': path.startsWith(href) ? 'page' : null,
      }, text)))),
    who ? h('div', { class: 'site-nav__user' },
      h('span', {}, fill(t.site.signedInAs, { name: who.login, role: label(t.roles, who.role) })),
      button(t.site.logout, { class: 'usa-button usa-button--unstyled logout', onclick: logout })) : null);
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('is-open', open);
  });
  return h('header', { class: 'site-header' },
    h('div', { class: 'site-header__bar grid-container' },
      h('a', { href: who ? homeFor(who.role) : '/login', class: 'site-title' },
        h('span', { class: 'site-title__mark', 'aria-hidden': 'true' }, 'M'),
        h('span', {}, h('strong', {}, t.site.name), h('span', { class: 'site-title__tag' }, t.site.tagline))),
      items.length || who ? toggle : null),
    items.length || who ? h('div', { class: 'grid-container' }, nav) : null);
}

async function logout(): Promise<void> {
  try {
    await api('DELETE', 'session');
  } catch {
    // Gone already or offline: forget it here anyway.
  }
  who = null;
  navigate('/login');
}

let renderSeq = 0;

export async function render(): Promise<void> {
  const seq = ++renderSeq;
  if (!whoLoaded) {
    try {
      who = await api<Principal>('GET', 'session');
    } catch (e) {
      if (e instanceof NetworkError) return renderFatal();
      who = null;
    }
    whoLoaded = true;
  }
  const path = location.pathname;
  const found = path === '/' ? null : match(path);
  if (path === '/') {
    history.replaceState(null, '', homeFor(who?.role));
    return render();
  }
  const main = h('main', { id: 'main-content', tabindex: -1, class: 'grid-container site-main' });
  const root = document.getElementById('app')!;
  root.replaceChildren(
    h('a', { class: 'usa-skipnav', href: '#main-content' }, t.site.skip),
    header(), main,
    h('footer', { class: 'site-footer' }, h('div', { class: 'grid-container' }, h('p', {}, t.site.footer))));
  const ctx: PageContext = { main, params: found?.params ?? {}, query: new URLSearchParams(location.search), who };
  if (!found) {
    document.title = `${t.site.notFound} · ${t.site.name}`;
    main.append(h('h1', {}, t.site.notFound), h('p', {}, t.site.notFoundText),
      h('a', { href: homeFor(who?.role), class: 'usa-link' }, t.site.home));
    return;
  }
  const { route } = found;
  if (route.roles !== 'public') {
    if (!who) {
      history.replaceState(null, '', `/login?next=${encodeURIComponent(path + location.search)}`);
      return render();
    }
    if (!route.roles.includes(who.role)) {
      document.title = `${t.site.forbidden} · ${t.site.name}`;
      main.append(h('h1', {}, t.site.forbidden), h('a', { href: homeFor(who.role), class: 'usa-link' }, t.site.home));
      return;
    }
  }
  document.title = `${route.title()} · ${t.site.name}`;
  await route.render(ctx);
  if (seq !== renderSeq) return;
  if (restoreDrafts()) main.prepend(alert('info', t.errors.sessionExpired));
  main.focus({ preventScroll: true });
}

function renderFatal(): void {
  const root = document.getElementById('app')!;
  const main = h('main', { id: 'main-content', tabindex: -1, class: 'grid-container site-main' },
    alert('error', t.errors.network, t.errors.title),
    button(t.errors.retry, { onclick: () => void render() }));
  root.replaceChildren(header(), main);
}

// Runs `work` (which fills `into`); on a network failure shows the error and a retry button,
// on a server problem shows its detail. Returns false when it failed.
export async function load(into: HTMLElement, work: () => Promise<void>): Promise<boolean> {
  const busy = h('p', { class: 'loading', role: 'status' }, t.site.loading);
  into.append(busy);
  try {
    await work();
    return true;
  } catch (e) {
    if (e instanceof SessionExpired) return false;
    const box = h('div', { class: 'load-error' });
    if (e instanceof NetworkError) {
      box.append(alert('error', t.errors.network, t.errors.title),
        button(t.errors.retry, { onclick: () => { box.remove(); void load(into, work); } }));
    } else if (e instanceof ApiError) {
      box.append(alert('error', e.status >= 500 ? t.errors.server : e.message, t.errors.title));
    } else {
      box.append(alert('error', t.errors.server, t.errors.title));
      console.error(e);
    }
    into.append(box);
    return false;
  } finally {
    busy.remove();
  }
}

// Wires a form: clears old errors, disables the submit button while `work` runs, shows a
// problem next to the field it names (or above the form), a network failure with a retry.
export function submit(form: HTMLFormElement, work: (values: Record<string, string>) => Promise<void>): void {
  form.noValidate = true;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    for (const el of Array.from(form.querySelectorAll<HTMLInputElement>('[required]'))) {
      if (!el.value.trim()) {
        showFieldError(form, el.name, t.errors.required);
        return;
      }
    }
    const buttons = form.querySelectorAll<HTMLButtonElement>('button[type="submit"]');
    buttons.forEach((b) => (b.disabled = true));
    try {
      const values = formValues(form);
      const by = (event as SubmitEvent).submitter as HTMLButtonElement | null;
      if (by?.name) values[by.name] = by.value;
      await work(values);
    } catch (e) {
      if (e instanceof SessionExpired) return;
      formError(form, e);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
}

export function formError(form: HTMLFormElement, e: unknown): void {
  let box: HTMLElement;
  if (e instanceof ApiError) {
    if (e.field && e.status < 500 && showFieldError(form, e.field, e.message)) return;
    box = alert('error', e.status >= 500 ? t.errors.server : e.message, t.errors.title);
  } else if (e instanceof NetworkError) {
    box = h('div', {}, alert('error', t.errors.network, t.errors.title),
      button(t.errors.retry, { onclick: () => form.requestSubmit() }));
  } else {
    console.error(e);
    box = alert('error', t.errors.server, t.errors.title);
  }
  box.classList.add('form-alert');
  form.prepend(box);
  (box.querySelector('button') ?? box).setAttribute('tabindex', box.querySelector('button') ? '0' : '-1');
  (box.querySelector('button') ?? box).focus();
}

export function installLinkHandler(): void {
  document.addEventListener('click', (event) => {
    const a = (event.target as Element).closest('a');
    if (!a || a.target || a.hasAttribute('download') || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('/api/')) return;
    event.preventDefault();
    navigate(href);
  });
  window.addEventListener('popstate', () => void render());
}
