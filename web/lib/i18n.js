// Message catalogs: every word the console shows comes from web/i18n/<lang>/<area>.json.
// Chinese (zh-CN) is the default; the user's choice is kept in localStorage.

const LANG_KEY = 'orgd.lang';
export const LANGS = ['zh-CN', 'en'];
const messages = {};         // lang -> {key: text}
const loaded = new Set();    // "lang/area" already fetched

let current = LANGS.includes(localStorage.getItem(LANG_KEY)) ? localStorage.getItem(LANG_KEY) : 'zh-CN';
document.documentElement.lang = current;

export function lang() { return current; }

/** Switch language; the caller re-renders (areas already loaded are fetched for the new language). */
export async function setLang(code) {
  if (!LANGS.includes(code)) return;
  current = code;
  localStorage.setItem(LANG_KEY, code);
  document.documentElement.lang = code;
  const areas = [...new Set([...loaded].map((k) => k.split('/')[1]))];
  await Promise.all(areas.map(loadMessages));
}

/** True when the user chose a language; otherwise the tenant's default may apply. */
export function langChosen() { return LANGS.includes(localStorage.getItem(LANG_KEY)); }

const inFlight = new Map();  // "lang/area" -> its fetch, so concurrent callers share it

export function loadMessages(area) {
  const code = current;
  const key = `${code}/${area}`;
  if (loaded.has(key)) return Promise.resolve();
  if (!inFlight.has(key)) {
    inFlight.set(key, (async () => {
      const res = await fetch(`/i18n/${code}/${area}.json`, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`catalog ${key}: HTTP ${res.status}`);
      Object.assign((messages[code] ||= {}), await res.json());
      loaded.add(key);
    })().finally(() => inFlight.delete(key)));
  }
  return inFlight.get(key);
}

export function t(key, vars) {
  const table = messages[current] || {};
  let s = table[key];
  if (s === undefined) s = (messages.en && messages.en[key]) ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
  return s;
}

export function formatDate(d) {
  if (!d) return '';
  const date = d instanceof Date ? d : new Date(d.length === 10 ? `${d}T00:00:00Z` : d);
  if (Number.isNaN(date.getTime())) return String(d);
  const opts = d.length === 10 ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(current, opts).format(date);
}

export function formatNumber(n) { return new Intl.NumberFormat(current).format(n); }
