/** Redaction of secret-holding objects for JSON.stringify and util.inspect; knows no key types. */

export const inspectSymbol = Symbol.for('nodejs.util.inspect.custom')

export interface Redacted { type: string, redacted: true }

export function redacted (type: string): Redacted {
  return { type, redacted: true }
}
