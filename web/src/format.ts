// Display helpers of the web client: phone numbers, times, day separators, file sizes, durations and types. Knows nothing of the SDK or the DOM.
import { parsePhoneNumberFromString, getCountries, getCountryCallingCode, getExampleNumber, type CountryCode } from 'libphonenumber-js'
import mobileExamples from 'libphonenumber-js/mobile/examples'

/** An E.164 number in international format ("+44 7700 900123"); the input unchanged when it does not parse. */
export function formatPhone (e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164
}

/** A mobile number of `region` as people there write it ("(201) 555-0123" for US, "07400 123456" for GB): the phone fields' placeholder. */
export function examplePhone (region: string): string {
  try {
    return getExampleNumber(region as CountryCode, mobileExamples)?.formatNational() ?? ''
  } catch {
    return ''
  }
}

/** Up to two initials of a name ("Alice Liddell" → "AL", "zoë" → "Z"), whole characters (an emoji stays one); undefined for a blank name. */
export function initials (name: string | undefined): string | undefined {
  const words = (name ?? '').trim().split(/\s+/).filter(w => w !== '')
  if (words.length === 0) return undefined
  const first = (w: string): string => [...w][0].toUpperCase()
  return words.length === 1 ? first(words[0]) : first(words[0]) + first(words[words.length - 1])
}

export interface Country { code: CountryCode, name: string, dial: string }

let countries: Country[] | undefined
/** Every country libphonenumber knows, with its English name and calling code, by name. */
export function countryList (): Country[] {
  if (countries != null) return countries
  const names = new Intl.DisplayNames(['en'], { type: 'region' })
  countries = getCountries()
    .map(code => ({ code, name: names.of(code) ?? code, dial: getCountryCallingCode(code) }))
    .sort((a, b) => a.name.localeCompare(b.name))
  return countries
}

/** The country of a number (E.164), when libphonenumber knows it. */
export function regionOf (e164: string): CountryCode | undefined {
  return parsePhoneNumberFromString(e164)?.country
}

/** The region of the browser's language ("en-GB" → GB), when libphonenumber knows it; else US. */
export function guessRegion (): CountryCode {
  const known = new Set<string>(getCountries())
  for (const lang of navigator.languages ?? []) {
    const region = lang.split('-')[1]?.toUpperCase()
    if (region != null && known.has(region)) return region as CountryCode
  }
  return 'US'
}

const DAY_MS = 24 * 60 * 60 * 1000

function startOfDay (t: number): number {
  const d = new Date(t)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

/** "14:05" */
export function formatClock (t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

/** The chat list's time: the clock today, "Yesterday", the weekday within a week, else the date. */
export function formatListTime (t: number, now = Date.now()): string {
  const day = startOfDay(t)
  const today = startOfDay(now)
  if (day === today) return formatClock(t)
  if (day === today - DAY_MS) return 'Yesterday'
  if (today - day < 7 * DAY_MS) return new Date(t).toLocaleDateString([], { weekday: 'long' })
  return new Date(t).toLocaleDateString()
}

/** The day separator's label: "Today", "Yesterday" or a full date. */
export function formatDay (t: number, now = Date.now()): string {
  const day = startOfDay(t)
  const today = startOfDay(now)
  if (day === today) return 'Today'
  if (day === today - DAY_MS) return 'Yesterday'
  return new Date(t).toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' })
}

/** The conversation header's presence line: "online", "last seen today at 14:05", "last seen yesterday at …", "last seen 21/11/2026 at …"; '' when unknown. */
export function formatPresence (p: { online: boolean, lastSeen?: number } | undefined, now = Date.now()): string {
  if (p == null) return ''
  if (p.online) return 'online'
  if (p.lastSeen == null) return ''
  const day = startOfDay(p.lastSeen)
  const today = startOfDay(now)
  const when = day === today ? 'today' : day === today - DAY_MS ? 'yesterday' : new Date(p.lastSeen).toLocaleDateString()
  return `last seen ${when} at ${formatClock(p.lastSeen)}`
}

/** A key that is equal for two times on the same local day. */
export function dayKey (t: number): number {
  return startOfDay(t)
}

/** Phone numbers of a vCard file (TEL lines), in file order. */
export function numbersFromVcf (text: string): string[] {
  const out: string[] = []
  // vCard folds long lines with CRLF + space
  for (const line of text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
    const m = /^(?:item\d+\.)?TEL[^:]*:(.+)$/i.exec(line.trim())
    if (m != null) out.push(m[1].replace(/^tel:/i, '').trim())
  }
  return out
}

/** Numbers of a pasted list: one per line, or separated by commas or semicolons. */
export function numbersFromText (text: string): string[] {
  return text.split(/[\n,;]+/).map(s => s.trim()).filter(s => s.length > 0)
}

/** A file size as people read it, in powers of 1024 with the usual short names: "512 B", "4.2 KB", "16 MB", "1.5 GB". */
export function formatBytes (n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB']
  let v = n / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  // one decimal below 10 ("4.2 MB"), whole numbers above ("16 MB"); no "16.0"
  const shown = v < 10 ? Math.round(v * 10) / 10 : Math.round(v)
  return `${shown} ${units[u]}`
}

/** A duration as a clock: "0:07", "12:05", "1:02:03". */
export function formatDuration (ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const ss = String(s).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

/** A short name of a file's type: its extension ("PDF"), else the media type's subtype ("OCTET-STREAM"). */
export function fileType (name: string, mime: string): string {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]
  return (ext ?? mime.split('/')[1] ?? 'file').toUpperCase()
}
