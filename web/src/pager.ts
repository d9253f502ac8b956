// Cursor paging of the API's lists ({items, next_cursor}): the first page is shown at once and a
// "Show more" button fetches the next one after `next_cursor` until the server has no more.
import { api, type List } from './api';
import { t } from './i18n';
import { button } from './ui';

// `path` with `after` set to the cursor (the path may already carry a query).
export function pagePath(path: string, cursor: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}after=${encodeURIComponent(cursor)}`;
}

// Appends a page's items to `into`, each rendered by `render`, and a "Show more" button after
// `into` while `page.next_cursor` is set. Returns the button (null on the last page).
export function showPage<T>(path: string, page: List<T>, into: HTMLElement, render: (item: T) => Node): HTMLButtonElement | null {
  into.append(...page.items.map(render));
  if (!page.next_cursor) return null;
  const cursor = page.next_cursor;
  const more = button(t.site.more, { class: 'usa-button usa-button--outline', 'data-more': '' });
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const next = await api<List<T>>('GET', pagePath(path, cursor));
      const after = showPage(path, next, into, render);
      if (after) more.replaceWith(after);
      else more.remove();
    } catch (e) {
      more.disabled = false;
      throw e;
    }
  });
  into.after(more);
  return more;
}
