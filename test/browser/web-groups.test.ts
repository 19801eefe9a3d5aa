// Groups and broadcast lists in the web client: a group of three, two browser tabs (alice, the creator, and bob) and a CLI device (carol, `bin/parley.js` as processes), on one relay process. Creating it (a number not on Parley refused), chatting from all three (replies, @mentions), ticks to delivered and read, per-member receipts, admin actions and only-admins-send, removing the CLI member (it is told and gets nothing after); a broadcast list reaching a tab and the CLI 1:1. Screenshots for docs/screenshots.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'
import { retryUntil } from '../helpers/wait.js'
import { screenAudit } from '../helpers/axe.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')
const ALICE: WebPerson = { profile: 'galice', national: '07700 900041', e164: '+447700900041', name: 'Alice' }
const BOB: WebPerson = { profile: 'gbob', national: '07700 900042', e164: '+447700900042', name: 'Bob' }
const CAROL = '+447700900043'
const NOBODY_NATIONAL = '07700 900049'
/**
 * A message only the relays carry (the CLI sends one-shot, outside the tabs' gossip mesh) reaches a tab that has
 * a gossip peer on the group's topic at the SDK's safety poll (POLL_MESHED_MS, 60 s), plus the relay round trip.
 */
const RELAY_ONLY_MS = 90_000
/** A group change or message between two tabs: 1:1 control messages and gossip, or the relay poll of a tab alone on the topic (5 s). */
const TAB_TO_TAB_MS = 30_000

type Line = Record<string, unknown>

/** A picture for the group's photo (mountains at dusk), drawn in the page and returned as PNG bytes. */
async function mountains (page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = 320
    c.height = 240
    const g = c.getContext('2d')!
    const sky = g.createLinearGradient(0, 0, 0, 240)
    sky.addColorStop(0, '#2c3e70')
    sky.addColorStop(1, '#f5a66b')
    g.fillStyle = sky
    g.fillRect(0, 0, 320, 240)
    g.fillStyle = '#3b3b58'
    g.beginPath(); g.moveTo(0, 240); g.lineTo(90, 90); g.lineTo(170, 240); g.fill()
    g.fillStyle = '#505078'
    g.beginPath(); g.moveTo(110, 240); g.lineTo(220, 60); g.lineTo(320, 240); g.fill()
    g.fillStyle = '#ffffff'
    g.beginPath(); g.moveTo(220, 60); g.lineTo(245, 100); g.lineTo(195, 100); g.fill()
    return c.toDataURL('image/png')
  })
  return Buffer.from(dataUrl.split(',')[1], 'base64')
}


describe('web client: groups and broadcast lists', () => {
  let rig: WebRig
  let dir: Awaited<ReturnType<typeof tempDir>>
  let alice: Page
  let bob: Page
  let group: string
  const parley = async (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> =>
    await runToExit(CLI, ['--data', join(dir.path, 'carol'), '--bootstrap', rig.relay.addr('tcp'), '--trusted-verifier', String(rig.relay.listening.verifierKey), ...args], { timeout: 60_000 })
  /** a CLI command that must succeed: its JSON lines */
  const ok = async (args: string[]): Promise<Line[]> => {
    const r = await parley(args)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    return r.stdout.split('\n').filter(l => l.startsWith('{') || l.startsWith('[')).map(l => JSON.parse(l) as Line)
  }
  /** `receive --json` until a line satisfies `want`; resolves with every line read meanwhile */
  const receiveUntil = async (want: (l: Line) => boolean, what: string, timeout = RELAY_ONLY_MS): Promise<Line[]> => {
    const seen: Line[] = []
    return await retryUntil(async () => {
      seen.push(...await ok(['receive', '--json']))
      if (!seen.some(want)) throw new Error(`not yet: ${JSON.stringify(seen.map(l => l.type))}`)
      return seen
    }, { timeout, interval: 500, what })
  }
  const bubble = (page: Page, text: string) => testid(page, 'message').filter({ has: page.locator('.text', { hasText: text }) })
  /** what axe found that blocks, and pages wider than a phone, one line per screen, viewport and colour scheme; expected empty */
  const found: string[] = []
  const audit = screenAudit(found)

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    rig = await startWebRig()
    dir = await tempDir('parley-web-groups-')
  })

  afterAll(async () => {
    await rig?.stop()
    await dir?.remove()
  })

  it('a group of two tabs and a CLI: create, chat from all three, ticks and receipts, admin actions, removal', async () => {
    alice = await rig.open(ALICE)
    bob = await rig.open(BOB)
    const before = rig.inbox.count
    await Promise.all([
      rig.onboard(alice, ALICE),
      rig.onboard(bob, BOB),
      (async () => {
        expect((await parley(['register', CAROL])).code).toBe(0)
        await ok(['verify', await rig.inbox.next(CAROL, before), '--json'])
      })()
    ])
    // carol writes to alice first: she is one of alice's contacts, offered by the member picker
    await ok(['send', ALICE.e164, 'Hi Alice, Carol here', '--json'])
    await testid(alice, 'chat-row', `[data-phone="${CAROL}"]`).waitFor({ timeout: 30_000 })

    // alice: New chat › New group; carol picked from her chats, a number not on Parley refused, bob typed in
    await testid(alice, 'new-chat').click()
    await testid(alice, 'new-group').click()
    const dialog = testid(alice, 'new-group-dialog')
    await dialog.waitFor()
    await testid(alice, 'new-group-name').fill('Climbing')
    await testid(alice, 'new-group-description').fill('Saturdays at the wall, 10:00')
    // a photo: shrunk in the page to a square avatar, previewed before the group exists
    await testid(alice, 'new-group-photo').setInputFiles({ name: 'mountains.png', mimeType: 'image/png', buffer: await mountains(alice) })
    await testid(alice, 'new-group-photo-preview').waitFor({ timeout: 10_000 })
    await dialog.locator(`[data-testid="pick-contact"][data-phone="${CAROL}"]`).check()
    await dialog.locator('[data-testid="country"]').selectOption('GB')
    await testid(alice, 'pick-number').fill(NOBODY_NATIONAL)
    await testid(alice, 'pick-number-add').click()
    await testid(alice, 'pick-error').filter({ hasText: 'is not on Parley yet' }).waitFor({ timeout: 30_000 })
    expect(await testid(alice, 'pick-error').textContent()).toBe('+44 7700 900049 is not on Parley yet.')
    await testid(alice, 'pick-number').fill(BOB.national)
    await testid(alice, 'pick-number-add').click()
    await dialog.locator(`[data-testid="picked"][data-phone="${BOB.e164}"]`).waitFor({ timeout: 30_000 })
    expect(await testid(alice, 'new-group-count').textContent()).toBe('2 members and you. You will be the group\'s admin.')
    await alice.screenshot({ path: join(SCREENSHOTS, 'new-group.png') })
    await audit(alice, 'new group')
    await testid(alice, 'new-group-create').click()
    const aliceChat = testid(alice, 'group-chat', '[data-state="ready"]')
    await aliceChat.waitFor({ timeout: 60_000 })
    group = (await aliceChat.getAttribute('data-group'))!
    expect(group).toMatch(/^[0-9a-f]{64}$/)
    expect(alice.url()).toContain(`#/group/${group}`)
    expect(await testid(alice, 'group-title').textContent()).toBe('Climbing')
    // the new group is in the chat list, a group (its name, not a number), with no message yet
    const aliceRow = testid(alice, 'chat-row', `[data-group="${group}"]`)
    expect(await aliceRow.locator('[data-testid="chat-name"]').textContent()).toBe('Climbing')
    expect(await aliceRow.locator('[data-testid="chat-last"]').textContent()).toBe('New group')
    // with its photo, in the list and the chat's header
    await aliceRow.locator('[data-testid="group-avatar"][data-state="photo"]').waitFor({ timeout: 10_000 })
    await testid(alice, 'group-chat').locator('[data-testid="group-avatar"][data-state="photo"]').waitFor({ timeout: 10_000 })
    const photoSha = await alice.evaluate(async id => {
      const image = (await globalThis.parley!.parley.groups.photo(id))!
      return [...new Uint8Array(await crypto.subtle.digest('SHA-256', image as Uint8Array<ArrayBuffer>))].map(b => b.toString(16).padStart(2, '0')).join('')
    }, group)

    // bob's tab learns the group; carol's CLI too (and sends her sender key)
    const bobRow = testid(bob, 'chat-row', `[data-group="${group}"]`)
    await bobRow.waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await bobRow.locator('[data-testid="chat-name"]').textContent()).toBe('Climbing')
    // the photo follows the group to bob's tab
    await bobRow.locator('[data-testid="group-avatar"][data-state="photo"]').waitFor({ timeout: TAB_TO_TAB_MS })
    await receiveUntil(l => l.type === 'group' && l.group === group && l.active === true, 'carol learns the group')
    await bobRow.click()
    await testid(bob, 'group-chat', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    expect(await testid(bob, 'group-members-line').textContent()).toBe('+44 7700 900041, +44 7700 900043, You')

    // alice writes: ✓ at the relay; bob sees it under alice's number (she shared no name with him)
    await testid(alice, 'composer').fill('Hello climbers')
    await testid(alice, 'composer').press('Enter')
    const hello = bubble(alice, 'Hello climbers')
    await hello.locator('[data-testid="ticks"][data-state="sent"], [data-testid="ticks"][data-state="delivered"]').waitFor({ timeout: TAB_TO_TAB_MS })
    const helloAtBob = bubble(bob, 'Hello climbers')
    await helloAtBob.waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await helloAtBob.getAttribute('data-direction')).toBe('in')
    expect(await helloAtBob.locator('[data-testid="message-sender"]').textContent()).toBe('+44 7700 900041')
    // carol's CLI gets it: every member has it, alice's ticks turn delivered
    const got = await receiveUntil(l => l.type === 'message' && l.group === group && l.text === 'Hello climbers', 'carol receives alice\'s message')
    // and carol's device holds the very image alice picked
    expect((await ok(['group', 'info', group, '--json']))[0]).toMatchObject({ photo: true, photoSha256: photoSha })
    expect(got.find(l => l.text === 'Hello climbers')).toMatchObject({ from: ALICE.e164 })
    await hello.locator('[data-testid="ticks"][data-state="delivered"]').waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await hello.locator('[data-testid="ticks"]').getAttribute('aria-label')).toBe('Delivered to every member')

    // bob replies to it and mentions alice: alice sees the quote, the mention as her name, and the message marked for her
    await helloAtBob.hover()
    await helloAtBob.locator('[data-testid="message-reply"]').click()
    await testid(bob, 'reply-preview').filter({ hasText: 'Hello climbers' }).waitFor()
    await testid(bob, 'composer').pressSequentially('@')
    await testid(bob, 'mention-option', `[data-phone="${ALICE.e164}"]`).click()
    await testid(bob, 'composer').pressSequentially('see you on Saturday')
    expect(await testid(bob, 'composer').inputValue()).toBe('@+44 7700 900041 see you on Saturday')
    await testid(bob, 'composer').press('Enter')
    const replyAtAlice = bubble(alice, 'see you on Saturday')
    await replyAtAlice.waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await replyAtAlice.getAttribute('data-mentioned')).toBe('true')
    expect(await replyAtAlice.locator('[data-testid="message-quote"]').textContent()).toContain('Hello climbers')
    expect(await replyAtAlice.locator('[data-testid="mention"]').textContent()).toBe('@Alice')
    expect(await replyAtAlice.locator('[data-testid="message-sender"]').textContent()).toBe('+44 7700 900042')
    // the text that travels names the number (the CLI shows it as it is)
    const carolGot = await receiveUntil(l => l.type === 'message' && l.group === group && typeof l.text === 'string' && l.text.includes('see you on Saturday'), 'carol receives bob\'s reply')
    expect(carolGot.find(l => typeof l.text === 'string' && l.text.includes('see you on Saturday'))).toMatchObject({ from: BOB.e164, text: `@${ALICE.e164} see you on Saturday`, mentions: [ALICE.e164] })

    // carol writes from the terminal: both tabs show it under her number, alice's list says who wrote last
    const [sent] = await ok(['group', 'send', group, 'Count me in', '--json'])
    expect(sent).toMatchObject({ group, status: 'sent' })
    const carolAtAlice = bubble(alice, 'Count me in')
    await carolAtAlice.waitFor({ timeout: RELAY_ONLY_MS })
    expect(await carolAtAlice.locator('[data-testid="message-sender"]').textContent()).toBe('+44 7700 900043')
    await bubble(bob, 'Count me in').waitFor({ timeout: RELAY_ONLY_MS })
    await aliceRow.locator('[data-testid="chat-last"]').filter({ hasText: '+44 7700 900043: Count me in' }).waitFor({ timeout: 10_000 })
    // groups and 1:1 chats in one list, newest first
    expect(await testid(alice, 'chat-row').first().getAttribute('data-group')).toBe(group)
    // the two members' names have different colours
    const colours = await Promise.all([replyAtAlice, carolAtAlice].map(async b => await b.locator('[data-testid="message-sender"]').evaluate(e => getComputedStyle(e).color)))
    expect(colours[0]).not.toBe(colours[1])
    await alice.screenshot({ path: join(SCREENSHOTS, 'group-chat.png') })
    await audit(alice, 'group chat')

    // message info: per-member receipts of alice's first message (bob has the chat open: read; carol's CLI only delivered)
    await hello.hover()
    await hello.locator('[data-testid="message-info-open"]').click()
    const infoDialog = testid(alice, 'message-info')
    await infoDialog.waitFor()
    await testid(alice, 'receipts-delivered').filter({ hasText: 'Delivered to 2 of 2' }).waitFor({ timeout: 10_000 })
    await testid(alice, 'receipts-read').filter({ hasText: 'Read by 1 of 2' }).waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await infoDialog.locator(`[data-testid="receipt-row"][data-phone="${BOB.e164}"]`).getAttribute('data-state')).toBe('read')
    expect(await infoDialog.locator(`[data-testid="receipt-row"][data-phone="${CAROL}"]`).getAttribute('data-state')).toBe('delivered')
    expect(await infoDialog.locator(`[data-testid="receipt-row"][data-phone="${BOB.e164}"] [data-testid="receipt-when"]`).textContent()).toMatch(/^Read today at /)
    await alice.screenshot({ path: join(SCREENSHOTS, 'message-info.png') })
    await audit(alice, 'message info')
    await testid(alice, 'message-info-close').click()

    // bob is a plain member: his group info has no admin actions
    await testid(bob, 'open-group-info').click()
    await testid(bob, 'group-info', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    expect(await testid(bob, 'group-info').getAttribute('data-role')).toBe('member')
    expect(await testid(bob, 'member-row').count()).toBe(3)
    expect(await testid(bob, 'member-promote').count() + await testid(bob, 'member-remove').count() + await testid(bob, 'group-add-open').count()).toBe(0)
    expect(await testid(bob, 'only-admins-send').count()).toBe(0)
    await audit(bob, 'group info of a member')

    // alice's group info: roles, "You", actions per member
    await testid(alice, 'open-group-info').click()
    await testid(alice, 'group-info', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'group-info-description').textContent()).toBe('Saturdays at the wall, 10:00')
    expect(await testid(alice, 'member-row').evaluateAll(rows => rows.map(r => [r.getAttribute('data-phone'), r.getAttribute('data-role'), r.querySelector('[data-testid="member-name"]')?.textContent]))).toEqual([
      [ALICE.e164, 'admin', 'You'],
      [BOB.e164, 'member', '+44 7700 900042'],
      [CAROL, 'member', '+44 7700 900043']
    ])
    await testid(alice, 'member-row', `[data-phone="${CAROL}"]`).locator('[data-testid="member-promote"]').waitFor()
    await alice.screenshot({ path: join(SCREENSHOTS, 'group-info.png') })
    await audit(alice, 'group info')

    // alice removes the photo: the initials come back, on bob's tab too; then she sets it again from her group info
    await testid(alice, 'group-photo-remove').click()
    await testid(alice, 'group-info').locator('[data-testid="group-avatar"][data-state="initials"]').waitFor({ timeout: 30_000 })
    await bobRow.locator('[data-testid="group-avatar"][data-state="initials"]').waitFor({ timeout: TAB_TO_TAB_MS })
    await testid(alice, 'group-photo-input').setInputFiles({ name: 'mountains.png', mimeType: 'image/png', buffer: await mountains(alice) })
    await testid(alice, 'group-info').locator('[data-testid="group-avatar"][data-state="photo"]').waitFor({ timeout: 30_000 })
    await bobRow.locator('[data-testid="group-avatar"][data-state="photo"]').waitFor({ timeout: TAB_TO_TAB_MS })
    // a file that is no image is refused with a sentence for the person
    await testid(alice, 'group-photo-input').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') })
    expect(await testid(alice, 'group-info-error').textContent()).toBe('That file is not an image this browser can read.')

    // only admins send: bob's composer gives way to a note, and comes back when it is off again
    await testid(alice, 'only-admins-send').click()
    await testid(alice, 'only-admins-send', '[data-state="on"]').waitFor({ timeout: 30_000 })
    await testid(bob, 'group-info-back').click()
    await testid(bob, 'group-admins-only').waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await testid(bob, 'composer').count()).toBe(0)
    expect(await testid(bob, 'message-reply').count()).toBe(0)
    await testid(alice, 'only-admins-send').click()
    await testid(alice, 'only-admins-send', '[data-state="off"]').waitFor({ timeout: 30_000 })
    await testid(bob, 'composer').waitFor({ timeout: TAB_TO_TAB_MS })

    // alice makes bob an admin (his tab shows it), then removes carol, confirmed
    await testid(alice, 'member-row', `[data-phone="${BOB.e164}"]`).locator('[data-testid="member-promote"]').click()
    await testid(alice, 'member-row', `[data-phone="${BOB.e164}"][data-role="admin"]`).waitFor({ timeout: 30_000 })
    await testid(alice, 'member-row', `[data-phone="${CAROL}"]`).locator('[data-testid="member-remove"]').click()
    await testid(alice, 'member-row', `[data-phone="${CAROL}"]`).locator('[data-testid="member-remove-confirm"]').click()
    await testid(alice, 'member-row', `[data-phone="${CAROL}"]`).waitFor({ state: 'detached', timeout: 30_000 })
    expect(await testid(alice, 'group-members-title').textContent()).toBe('2 members')

    // carol's CLI is told she was removed, and can no longer write
    await receiveUntil(l => l.type === 'group' && l.group === group && l.active === false, 'carol learns she was removed')
    const [carolInfo] = await ok(['group', 'info', group, '--json'])
    expect(carolInfo).toMatchObject({ groupId: group, active: false })
    const refused = await parley(['group', 'send', group, 'let me back'])
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe('parley: You are no longer a member of this group')

    // alice writes again: bob (chat open) reads it, so her ticks turn read; its receipts count bob alone
    await testid(alice, 'group-info-back').click()
    await aliceChat.waitFor({ timeout: 10_000 })
    await testid(alice, 'composer').fill('Without Carol now')
    await testid(alice, 'composer').press('Enter')
    await bubble(bob, 'Without Carol now').waitFor({ timeout: TAB_TO_TAB_MS })
    const without = bubble(alice, 'Without Carol now')
    await without.locator('[data-testid="ticks"][data-state="read"]').waitFor({ timeout: TAB_TO_TAB_MS })
    await without.hover()
    await without.locator('[data-testid="message-info-open"]').click()
    await testid(alice, 'receipts-read').filter({ hasText: 'Read by 1 of 1' }).waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'receipt-row').count()).toBe(1)
    await testid(alice, 'message-info-close').click()
    // the earlier message counts the current members too (carol's receipt no longer counts)
    await hello.hover()
    await hello.locator('[data-testid="message-info-open"]').click()
    await testid(alice, 'receipts-delivered').filter({ hasText: 'Delivered to 1 of 1' }).waitFor({ timeout: 10_000 })
    await testid(alice, 'message-info-close').click()
    // carol gets nothing after her removal
    const after = await ok(['receive', '--json'])
    expect(after.filter(l => l.type === 'message' && l.group === group)).toEqual([])
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 600_000)

  it('a broadcast list sends 1:1 to a tab and the CLI; replies come back in the 1:1 chats', async () => {
    await testid(alice, 'new-chat').click()
    await testid(alice, 'open-broadcasts').click()
    await testid(alice, 'broadcasts', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    await testid(alice, 'broadcasts-empty').waitFor()
    await testid(alice, 'broadcast-new').click()
    await testid(alice, 'broadcast-new-name').fill('Family')
    const form = testid(alice, 'broadcast-new-form')
    await form.locator(`[data-testid="pick-contact"][data-phone="${CAROL}"]`).check()
    await form.locator('[data-testid="country"]').selectOption('GB')
    await form.locator('[data-testid="pick-number"]').fill(BOB.national)
    await form.locator('[data-testid="pick-number-add"]').click()
    await form.locator(`[data-testid="picked"][data-phone="${BOB.e164}"]`).waitFor({ timeout: 30_000 })
    await testid(alice, 'broadcast-create').click()
    const list = testid(alice, 'broadcast').filter({ hasText: 'Family' })
    await list.waitFor({ timeout: 10_000 })
    expect(await list.locator('[data-testid="broadcast-recipients"]').textContent()).toBe('2 contacts: +44 7700 900043, +44 7700 900042')
    await list.locator('[data-testid="broadcast-text"]').fill('Dinner at 8 on Sunday')
    await list.locator('[data-testid="broadcast-send"]').click()
    await list.locator('[data-testid="broadcast-result"][data-sent="2"][data-failed="0"]').waitFor({ timeout: 60_000 })
    await alice.screenshot({ path: join(SCREENSHOTS, 'broadcast.png') })
    await audit(alice, 'broadcast lists')

    // each gets a normal 1:1 message from alice
    const row = testid(bob, 'chat-row', `[data-phone="${ALICE.e164}"]`)
    await row.locator('[data-testid="chat-last"]').filter({ hasText: 'Dinner at 8 on Sunday' }).waitFor({ timeout: TAB_TO_TAB_MS })
    const got = await receiveUntil(l => l.type === 'message' && l.text === 'Dinner at 8 on Sunday', 'carol receives the broadcast')
    expect(got.find(l => l.text === 'Dinner at 8 on Sunday')).toMatchObject({ from: ALICE.e164 })
    expect(got.find(l => l.text === 'Dinner at 8 on Sunday')?.group).toBeUndefined()
    // bob's reply arrives in alice's 1:1 chat with him
    await row.click()
    await testid(bob, 'conversation', `[data-phone="${ALICE.e164}"][data-state="ready"]`).waitFor({ timeout: 10_000 })
    await testid(bob, 'composer').fill('I will bring dessert')
    await testid(bob, 'composer').press('Enter')
    await testid(alice, 'chat-row', `[data-phone="${BOB.e164}"]`).locator('[data-testid="chat-last"]').filter({ hasText: 'I will bring dessert' }).waitFor({ timeout: TAB_TO_TAB_MS })
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 300_000)
})
