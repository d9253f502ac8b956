// The strings of the page's language. English is the only one so far; add a file of the same
// shape as en.ts and pick it here by navigator.language.
import { en, type Strings } from './en';

export const t: Strings = en;

// fill('Summons {number}', {number: '26-1'}) -> 'Summons 26-1'
export function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

// A label for a code from one of the string tables, or the code made readable.
export function label(table: Record<string, string>, code: string): string {
  return table[code] ?? code.replace(/_/g, ' ');
}
