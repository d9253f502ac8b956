import { fill, label, t } from '../i18n';

// An eligibility or exclusion reason code ("age_above", "deferment:study") in words.
export function reasonLabel(code: string): string {
  if (code.startsWith('deferment:')) return fill(t.issue.deferment, { kind: code.slice('deferment:'.length) });
  return label(t.issue.reasons, code);
}
