/** Phone numbers to E.164: the one normalisation every layer above crypto uses. Knows nothing of verification or the directory. */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'

/** A string that is not a phone number Parley can use; the message never repeats the number. */
export class InvalidPhoneNumberError extends Error {
  static name = 'InvalidPhoneNumberError'
  constructor (message = 'not a valid phone number (use international format, e.g. +44 20 7946 0958, or give a default region)') {
    super(message)
    this.name = 'InvalidPhoneNumberError'
  }
}

/** Strict E.164: a plus, a non-zero digit, 7 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/

/**
 * Normalises a number typed in any common format (`+1 (555) 000-1111`, `020 7946 0958` with
 * region `GB`, `00 44 20…`) to E.164. A number is accepted when its length is possible for its
 * country (libphonenumber's `isPossible`), not only when its range is allocated today: numbering
 * plans change faster than the library, and the reserved 555 ranges are used for testing.
 */
export function normalizePhone (input: string, defaultRegion?: string): string {
  if (typeof input !== 'string' || input.length > 64) throw new InvalidPhoneNumberError()
  const cleaned = input.trim().replace(/^00(?=[1-9])/, '+')
  const parsed = parsePhoneNumberFromString(cleaned, defaultRegion != null ? { defaultCountry: defaultRegion.toUpperCase() as CountryCode, extract: false } : { extract: false })
  if (parsed == null || !parsed.isPossible()) throw new InvalidPhoneNumberError()
  const e164 = parsed.number
  if (!E164.test(e164)) throw new InvalidPhoneNumberError()
  return e164
}

/** True for a string already in E.164 that normalises to itself. */
export function isE164 (value: string): boolean {
  if (!E164.test(value)) return false
  try {
    return normalizePhone(value) === value
  } catch {
    return false
  }
}

/** A form safe to log: country code and last two digits only (`+44…58`). Never log the full number. */
export function redactPhone (e164: string): string {
  const parsed = parsePhoneNumberFromString(e164)
  const cc = parsed?.countryCallingCode != null ? `+${parsed.countryCallingCode}` : '+'
  return `${cc}…${e164.slice(-2)}`
}
