// Small DOM helpers: elements are built with h(), never from HTML strings, so text from the
// server is always text.
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

// Appends children, skipping null, undefined and false.
export function put(el: Node, ...children: Child[]): void {
  append(el, children);
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

let nextId = 0;
export function uid(prefix: string): string {
  return `${prefix}-${++nextId}`;
}

// A USWDS alert. `role` alert for errors (announced at once), status otherwise.
export function alert(kind: 'success' | 'error' | 'warning' | 'info', body: Child, heading?: string): HTMLElement {
  return h(
    'div',
    { class: `usa-alert usa-alert--${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('div', { class: 'usa-alert__body' }, heading ? h('h2', { class: 'usa-alert__heading' }, heading) : null,
      h('p', { class: 'usa-alert__text' }, body)),
  );
}

export interface FieldOptions {
  name: string;
  label: string;
  hint?: string;
  type?: string;
  required?: boolean;
  value?: string;
  autocomplete?: string;
  inputmode?: string;
  options?: [string, string][]; // a <select> of [value, label]
  multiple?: boolean;
  textarea?: boolean;
  min?: string;
  max?: string;
}

// A labelled form field with room for a hint and an error message under the label.
export function field(o: FieldOptions): HTMLElement {
  const id = uid(o.name);
  const hintId = o.hint ? `${id}-hint` : undefined;
  const common = {
    id, name: o.name, required: o.required, 'aria-describedby': hintId, autocomplete: o.autocomplete,
  };
  let control: HTMLElement;
  if (o.options) {
    control = h('select', { ...common, class: 'usa-select', multiple: o.multiple },
      o.options.map(([v, l]) => h('option', { value: v, selected: v === o.value }, l)));
  } else if (o.textarea) {
    control = h('textarea', { ...common, class: 'usa-textarea' }, o.value ?? '');
  } else {
    control = h('input', {
      ...common, class: 'usa-input', type: o.type ?? 'text', value: o.value, inputmode: o.inputmode, min: o.min,
      max: o.max,
    });
  }
  return h('div', { class: 'usa-form-group', 'data-field': o.name },
    h('label', { class: 'usa-label', for: id }, o.label, o.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    o.hint ? h('div', { class: 'usa-hint', id: hintId }, o.hint) : null,
    control);
}

// Shows `message` under the field `name` of `form`, marks it invalid and focuses it. False when
// the form has no such field.
export function showFieldError(form: HTMLFormElement, name: string, message: string): boolean {
  const group = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(name)}"]`);
  const control = group?.querySelector<HTMLElement>('input, select, textarea');
  if (!group || !control) return false;
  group.classList.add('usa-form-group--error');
  const msgId = `${control.id}-error`;
  let msg = group.querySelector<HTMLElement>('.usa-error-message');
  if (!msg) {
    msg = h('span', { class: 'usa-error-message', id: msgId, role: 'alert' });
    group.querySelector('label')!.after(msg);
  }
  msg.textContent = message;
  control.classList.add('usa-input--error');
  control.setAttribute('aria-invalid', 'true');
  const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== msgId);
  control.setAttribute('aria-describedby', [msgId, ...described].join(' '));
  control.focus();
  return true;
}

export function clearErrors(form: HTMLFormElement): void {
  form.querySelectorAll('.usa-form-group--error').forEach((g) => g.classList.remove('usa-form-group--error'));
  form.querySelectorAll('.usa-error-message').forEach((m) => m.remove());
  form.querySelectorAll('[aria-invalid]').forEach((c) => {
    c.removeAttribute('aria-invalid');
    c.classList.remove('usa-input--error');
    const d = (c.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && !x.endsWith('-error'));
    if (d.length) c.setAttribute('aria-describedby', d.join(' '));
    else c.removeAttribute('aria-describedby');
  });
  form.querySelectorAll('.form-alert').forEach((a) => a.remove());
}

export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of Array.from(form.elements)) {
    const c = el as HTMLInputElement;
    if (!c.name || c.type === 'submit' || c.type === 'file') continue;
    if (c instanceof HTMLSelectElement && c.multiple) {
      out[c.name] = Array.from(c.selectedOptions).map((o) => o.value).join(',');
    } else {
      out[c.name] = c.value;
    }
  }
  return out;
}

export function setFormValues(form: HTMLFormElement, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const c = form.elements.namedItem(name);
    if (c instanceof HTMLSelectElement && c.multiple) {
      const chosen = new Set(value.split(','));
      for (const o of Array.from(c.options)) o.selected = chosen.has(o.value);
    } else if (c instanceof HTMLInputElement || c instanceof HTMLSelectElement || c instanceof HTMLTextAreaElement) {
      if (c.type !== 'password') c.value = value;
    }
  }
}

export function button(text: string, attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'usa-button', ...attrs }, text);
}

export function table(caption: string, head: string[], rows: Child[][], className = ''): HTMLElement {
  return h('div', { class: 'usa-table-container--scrollable', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', { class: `usa-table usa-table--borderless ${className}` },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c))))))));
}

// Definition list of [term, value] pairs.
export function facts(pairs: [string, Child][]): HTMLElement {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== '' && v !== undefined)
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
