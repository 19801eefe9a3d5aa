// The web client's group state and helpers: group addresses are never phone numbers, the merged chat list, member colours, mentions (written as numbers, picked as names), receipt lines, the group routes, the muted/mention notification rule, and the per-group settings and quotes kept in the app store.
import { describe, it, expect, afterEach } from 'vitest'
import type { AppStore, Conversation, GroupSummary, Parley } from '../../src/browser.js'
import { GroupsState, MAX_QUOTES_KEPT, MEMBER_COLOURS, chatEntries, groupAddress, groupIdOf, isGroupAddress, memberColour, mentionQuery, mentionedNumbers, receiptLines, textParts, withMentions } from '../../web/src/groups-model.js'
import { parseRoute, routeHash } from '../../web/src/model.js'
import { notifyGroupMessage } from '../../web/src/notifications.js'

const ID = 'ab'.repeat(32)
const ID2 = 'cd'.repeat(32)
const ALICE = '+447700900041'
const BOB = '+447700900042'
const CAROL = '+447700900043'

const conversation = (address: string, updatedAt: number, unread = 0): Conversation => ({
  address, unread, updatedAt, lastMessage: { id: `m${updatedAt}`, text: `at ${updatedAt}`, direction: 'in', timestamp: updatedAt, status: 'delivered' }
})
const summary = (groupId: string, active = true): GroupSummary => ({ groupId, name: `group ${groupId.slice(0, 2)}`, members: 3, active, role: 'member', photo: false })

function memoryAppStore (): AppStore & { data: Map<string, Uint8Array> } {
  const data = new Map<string, Uint8Array>()
  return {
    data,
    get: async key => data.get(key),
    put: async (key, value) => { data.set(key, value) },
    delete: async key => { data.delete(key) }
  }
}

/** A facade with just the group calls GroupsState makes. */
function fakeParley (list: () => GroupSummary[]): Parley {
  return { groups: { list: async () => list(), history: async () => [] } } as unknown as Parley
}

describe('group addresses', () => {
  it('a group conversation address maps to its id and back; anything else is not a group', () => {
    expect(groupAddress(ID)).toBe(`group:${ID}`)
    expect(groupIdOf(groupAddress(ID))).toBe(ID)
    expect(groupIdOf(ALICE)).toBeUndefined()
    expect(isGroupAddress(ALICE)).toBe(false)
    // malformed group addresses are still no phone numbers
    for (const bad of [`group:${ID.toUpperCase()}`, `group:${ID.slice(2)}`, 'group:', `group:${ID}0`]) {
      expect(groupIdOf(bad)).toBeUndefined()
      expect(isGroupAddress(bad)).toBe(true)
    }
    expect(() => groupAddress('xyz')).toThrow()
  })

  it('routes: #/group/<id>, #/group/<id>/info, #/broadcasts; a group address in a chat or contact route opens the group', () => {
    expect(parseRoute(`#/group/${ID}`)).toEqual({ name: 'group', id: ID })
    expect(parseRoute(`#/group/${ID}/info`)).toEqual({ name: 'group-info', id: ID })
    expect(parseRoute('#/broadcasts')).toEqual({ name: 'broadcasts' })
    expect(parseRoute(`#/chat/${encodeURIComponent(`group:${ID}`)}`)).toEqual({ name: 'group', id: ID })
    expect(parseRoute(`#/contact/group:${ID}`)).toEqual({ name: 'group', id: ID })
    expect(parseRoute('#/chat/group:nothex')).toEqual({ name: 'list' })
    expect(parseRoute(`#/group/${ID.toUpperCase()}`)).toEqual({ name: 'list' })
    expect(parseRoute('#/group/abc')).toEqual({ name: 'list' })
    expect(parseRoute(`#/chat/${encodeURIComponent(ALICE)}`)).toEqual({ name: 'chat', phone: ALICE })
    for (const r of [{ name: 'group', id: ID }, { name: 'group-info', id: ID }, { name: 'broadcasts' }] as const) expect(parseRoute(routeHash(r))).toEqual(r)
  })
})

describe('the chat list', () => {
  it('merges 1:1 chats and groups newest first; a group without messages sorts by when it was first seen', () => {
    const entries = chatEntries(
      [conversation(ALICE, 300), conversation(groupAddress(ID), 500, 2), conversation(`group:${ID.slice(4)}`, 900), conversation(BOB, 100)],
      [summary(ID), summary(ID2)],
      { [ID2]: 200 }
    )
    expect(entries.map(e => [e.kind, e.address, e.at, e.unread])).toEqual([
      ['group', groupAddress(ID), 500, 2],
      ['direct', ALICE, 300, 0],
      ['group', groupAddress(ID2), 200, 0],
      ['direct', BOB, 100, 0]
    ])
    expect(entries[2]).not.toHaveProperty('lastMessage')
  })
})

describe('member colours', () => {
  it('are stable per number and spread over the palette', () => {
    expect(memberColour(ALICE)).toBe(memberColour(ALICE))
    const colours = new Set<number>()
    for (let i = 0; i < 64; i++) {
      const c = memberColour(`+4477009001${String(i).padStart(2, '0')}`)
      expect(c).toBeGreaterThanOrEqual(0)
      expect(c).toBeLessThan(MEMBER_COLOURS)
      colours.add(c)
    }
    expect(colours.size).toBe(MEMBER_COLOURS)
  })
})

describe('mentions', () => {
  it('finds @+numbers once each and cuts a text into runs and mentions', () => {
    expect(mentionedNumbers(`@${ALICE} and @${BOB}, again @${ALICE}; not @123 or a@b`)).toEqual([ALICE, BOB])
    expect(textParts(`hi @${ALICE}!`)).toEqual([{ text: 'hi ' }, { mention: ALICE }, { text: '!' }])
    expect(textParts(`@${BOB}`)).toEqual([{ mention: BOB }])
    expect(textParts('no mention')).toEqual([{ text: 'no mention' }])
  })

  it('picked names become numbers, longest name first; only members count, never ourselves', () => {
    const picked = [{ label: 'Ann', phone: ALICE }, { label: 'Ann Lee', phone: BOB }]
    expect(withMentions('@Ann Lee and @Ann, see @Ann', picked, [ALICE, BOB, CAROL], CAROL)).toEqual({ text: `@${BOB} and @${ALICE}, see @${ALICE}`, mentions: [BOB, ALICE] })
    // a number typed as a mention counts when it is a member's; a stranger's and our own do not
    expect(withMentions(`@${CAROL} @+15550100009 @${ALICE}`, [], [ALICE, BOB, CAROL], ALICE)).toEqual({ text: `@${CAROL} @+15550100009 @${ALICE}`, mentions: [CAROL] })
    // a picked member whose name was deleted from the draft is not mentioned
    expect(withMentions('hello', [{ label: 'Bob', phone: BOB }], [ALICE, BOB])).toEqual({ text: 'hello', mentions: [] })
  })

  it('reads the @query being typed before the caret', () => {
    expect(mentionQuery('@', 1)).toBe('')
    expect(mentionQuery('hi @Bo', 6)).toBe('Bo')
    expect(mentionQuery('hi @Bo and more', 6)).toBe('Bo')
    expect(mentionQuery('hi @Bob ', 8)).toBeUndefined()
    expect(mentionQuery('mail@example', 12)).toBeUndefined()
    expect(mentionQuery('no at all', 9)).toBeUndefined()
  })
})

describe('receipts', () => {
  it('says how many of the members have and read a message', () => {
    expect(receiptLines({ members: 3, delivered: 2, read: 1 })).toEqual({ delivered: 'Delivered to 2 of 3', read: 'Read by 1 of 3' })
  })
})

describe('group notifications', () => {
  const saved = { Notification: globalThis.Notification, document: globalThis.document }
  afterEach(() => {
    Object.assign(globalThis, saved)
  })

  it('a muted group notifies only for a message that mentions us, and says so', () => {
    const shown: Array<{ title: string, body?: string, tag?: string }> = []
    class Recorded {
      static permission = 'granted'
      onclick: (() => void) | null = null
      constructor (title: string, options?: NotificationOptions) {
        shown.push({ title, ...(options?.body != null ? { body: options.body } : {}), ...(options?.tag != null ? { tag: options.tag } : {}) })
      }

      close (): void {}
    }
    Object.assign(globalThis, { Notification: Recorded, document: { visibilityState: 'hidden' } })
    const open = (): void => {}
    notifyGroupMessage(ID, 'Bob @ Climbing', 'quiet', { muted: true, mentioned: false }, open)
    expect(shown).toEqual([])
    notifyGroupMessage(ID, 'Bob @ Climbing', 'look', { muted: true, mentioned: true }, open)
    notifyGroupMessage(ID, 'Bob @ Climbing', 'loud', { muted: false, mentioned: false }, open)
    expect(shown).toEqual([
      { title: 'Bob @ Climbing', body: 'Mentioned you: look', tag: `parley-group-${ID}` },
      { title: 'Bob @ Climbing', body: 'loud', tag: `parley-group-${ID}` }
    ])
  })
})

describe('GroupsState', () => {
  it('keeps mute, first-seen times and why we are out of a group in the app store', async () => {
    let list = [summary(ID), summary(ID2)]
    const store = memoryAppStore()
    let changes = 0
    const state = new GroupsState(fakeParley(() => list), store, () => { changes++ })
    await state.load(true)
    expect([...state.summaries.keys()]).toEqual([ID, ID2])
    expect(state.name(ID)).toBe('group ab')
    expect(state.name('ef'.repeat(32))).toBe('Group')
    expect(changes).toBeGreaterThan(0)

    state.setMuted(ID, true)
    // removed by an admin: the update says inactive and we did not leave
    list = [summary(ID, false), summary(ID2)]
    await state.onUpdate({ group: ID, active: false })
    // we left the other one ourselves
    state.markLeaving(ID2)
    list = [summary(ID, false), summary(ID2, false)]
    await state.onUpdate({ group: ID2, active: false })
    expect(state.ended(ID)).toBe('removed')
    expect(state.ended(ID2)).toBe('left')

    // a new page reads it all back (writes are chained: wait for the last one)
    await state.rememberQuote(ID, 'x', 'y')
    const again = new GroupsState(fakeParley(() => list), store, () => {})
    await again.load(true)
    expect(again.isMuted(ID)).toBe(true)
    expect(again.isMuted(ID2)).toBe(false)
    expect(again.ended(ID)).toBe('removed')
    expect(again.entries([]).map(e => e.address).sort()).toEqual([groupAddress(ID), groupAddress(ID2)])

    // added back: the mark goes
    list = [summary(ID), summary(ID2, false)]
    await again.refresh()
    expect(again.ended(ID)).toBeUndefined()
  })

  it('keeps the newest MAX_QUOTES_KEPT quotes per group across reloads; unreadable stored state counts as none', async () => {
    const store = memoryAppStore()
    const state = new GroupsState(fakeParley(() => []), store, () => {})
    for (let i = 0; i < MAX_QUOTES_KEPT + 5; i++) void state.rememberQuote(ID, `m${i}`, `q${i}`)
    await state.rememberQuote(ID2, 'a', 'b')
    const again = new GroupsState(fakeParley(() => []), store, () => {})
    const quotes = await again.quotesOf(ID)
    expect(Object.keys(quotes)).toHaveLength(MAX_QUOTES_KEPT)
    expect(quotes.m4).toBeUndefined()
    expect(quotes.m5).toBe('q5')
    expect(quotes[`m${MAX_QUOTES_KEPT + 4}`]).toBe(`q${MAX_QUOTES_KEPT + 4}`)
    expect(await again.quotesOf(ID2)).toEqual({ a: 'b' })
    store.data.set(`quotes-${ID}`, new TextEncoder().encode('not json'))
    expect(await new GroupsState(fakeParley(() => []), store, () => {}).quotesOf(ID)).toEqual({})
  })
})
