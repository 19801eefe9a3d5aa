// Phone number normalisation to E.164 in the formats people type.
import { describe, it, expect } from 'vitest'
import { normalizePhone, isE164, redactPhone, InvalidPhoneNumberError } from '../../src/util/phone.js'

describe('normalizePhone', () => {
  const good: Array<[string, string | undefined, string]> = [
    ['+1 (555) 000-1111', undefined, '+15550001111'],
    ['+15550001111', undefined, '+15550001111'],
    ['(555) 000-2222', 'US', '+15550002222'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['0044 20 7946 0958', undefined, '+442079460958'],
    ['030 1234567', 'de', '+49301234567'],
    ['06 12 34 56 78', 'FR', '+33612345678']
  ]
  for (const [input, region, expected] of good) {
    it(`${input} (${region ?? 'no region'}) → ${expected}`, () => {
      expect(normalizePhone(input, region)).toBe(expected)
    })
  }

  const bad: Array<[string, string | undefined]> = [
    ['', undefined], ['hello', undefined], ['12', 'US'], ['020 7946 0958', undefined], ['+1 555', undefined], ['+999 1234567', undefined], ['1'.repeat(70), 'US']
  ]
  for (const [input, region] of bad) {
    it(`refuses ${JSON.stringify(input.slice(0, 20))} (${region ?? 'no region'}) without echoing it`, () => {
      let caught: unknown
      try {
        normalizePhone(input, region)
      } catch (err) {
        caught = err
      }
      expect((caught as Error).name).toBe(InvalidPhoneNumberError.name)
      if (input.length > 3) expect((caught as Error).message).not.toContain(input)
    })
  }

  it('isE164 and redactPhone', () => {
    expect(isE164('+442079460958')).toBe(true)
    expect(isE164('442079460958')).toBe(false)
    expect(redactPhone('+442079460958')).toBe('+44…58')
    expect(redactPhone('+442079460958')).not.toContain('7946')
  })
})
