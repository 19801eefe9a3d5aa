// The web client's pure helpers: vCard and pasted-list parsing, phone and time display, the hash routes.
import { describe, it, expect } from 'vitest'
import { numbersFromVcf, numbersFromText, formatPhone, formatListTime, formatDay, dayKey, countryList, initials } from '../../web/src/format.js'

describe('web format helpers', () => {
  it('reads TEL lines of a vCard, with parameters, item groups, tel: URIs and folded lines', () => {
    const vcf = [
      'BEGIN:VCARD', 'VERSION:3.0', 'FN:Ann', 'TEL;TYPE=CELL:+44 7700 900001', 'item1.TEL:07700 900002', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:Bo', 'TEL;VALUE=uri;TYPE=home:tel:+1-555-', ' 010-0003', 'EMAIL:bo@example.org', 'END:VCARD'
    ].join('\r\n')
    expect(numbersFromVcf(vcf)).toEqual(['+44 7700 900001', '07700 900002', '+1-555-010-0003'])
    expect(numbersFromVcf('not a vcard')).toEqual([])
  })

  it('splits a pasted list on lines, commas and semicolons, dropping blanks', () => {
    expect(numbersFromText('+44 7700 900001\n\n07700 900002, +1 555 0100;  \n')).toEqual(['+44 7700 900001', '07700 900002', '+1 555 0100'])
  })

  it('takes up to two initials of a name, whole characters', () => {
    expect(initials('Alice Liddell')).toBe('AL')
    expect(initials(' zoë ')).toBe('Z')
    expect(initials('Mary Ann Evans')).toBe('ME')
    expect(initials('🌻 garden')).toBe('🌻G')
    expect(initials('   ')).toBeUndefined()
    expect(initials(undefined)).toBeUndefined()
  })

  it('formats E.164 internationally and leaves anything else alone', () => {
    expect(formatPhone('+447700900001')).toBe('+44 7700 900001')
    expect(formatPhone('nonsense')).toBe('nonsense')
  })

  it('labels times: clock today, Yesterday, weekday this week, date before', () => {
    const now = new Date(2026, 10, 20, 15, 0).getTime()
    expect(formatListTime(new Date(2026, 10, 20, 9, 5).getTime(), now)).toMatch(/09.05|9.05/)
    expect(formatListTime(new Date(2026, 10, 19, 23, 59).getTime(), now)).toBe('Yesterday')
    expect(formatListTime(new Date(2026, 10, 16, 12, 0).getTime(), now)).toBe(new Date(2026, 10, 16).toLocaleDateString([], { weekday: 'long' }))
    expect(formatListTime(new Date(2026, 9, 1, 12, 0).getTime(), now)).toBe(new Date(2026, 9, 1).toLocaleDateString())
    expect(formatDay(new Date(2026, 10, 20, 0, 1).getTime(), now)).toBe('Today')
    expect(dayKey(new Date(2026, 10, 20, 0, 1).getTime())).toBe(dayKey(new Date(2026, 10, 20, 23, 59).getTime()))
  })

  it('lists countries by name with calling codes', () => {
    const list = countryList()
    expect(list.find(c => c.code === 'GB')).toMatchObject({ name: 'United Kingdom', dial: '44' })
    expect(list.length).toBeGreaterThan(200)
  })
})
