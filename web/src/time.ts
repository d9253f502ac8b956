// Times as people read them. The server writes RFC 3339 instants; an appointment is shown in
// the office's time zone when it is known, otherwise in the browser's, always naming the zone.
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function zoneOf(tz?: string): string {
  return tz || browserZone;
}

export function formatTime(iso: string | null | undefined, tz?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: zoneOf(tz),
  }).format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

// "2027-01-15T09:00" from <input type="datetime-local"> -> RFC 3339 with the browser's offset.
export function localInputToRfc3339(value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.length === 16 ? `${value}:00` : value}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
