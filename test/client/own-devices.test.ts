// OwnDevices: an account's device list as one device knows it — records seen, changes not yet published, removal, ids never reused, limits and names.
import { describe, it, expect } from 'vitest'
import { MemoryKeyValueStore } from '../../src/storage/index.js'
import { OwnDevices } from '../../src/client/own-devices.js'
import { MAX_DEVICES, MAX_REMOVED_DEVICES, type DirectoryDevice } from '../../src/directory/index.js'

const entry = (deviceId: number): DirectoryDevice => ({ deviceId, peerId: `peer-${deviceId}`, certificate: new Uint8Array([deviceId]), prekeyBundle: new Uint8Array([deviceId, 1]) })
const own = { devices: [entry(1)], mailboxRelays: ['/ip4/10.0.0.1/tcp/4001'] }

function devicesOf (id = 1): OwnDevices {
  return new OwnDevices(new MemoryKeyValueStore(), { deviceId: id, peerId: `peer-${id}`, now: () => 1000 })
}

describe('OwnDevices', () => {
  it('adopts a newer record of ours (the other devices, removed ids), ignores older or equal ones', async () => {
    const d = devicesOf()
    expect(await d.observe({ seq: 5, devices: [entry(1), entry(2), entry(3)], removedDevices: [4] })).toBe('adopted')
    expect((await d.list()).map(x => x.deviceId)).toEqual([1, 2, 3])
    expect(await d.observe({ seq: 5, devices: [entry(1)], removedDevices: [] })).toBe('known')
    expect(await d.observe({ seq: 4, devices: [entry(1)], removedDevices: [] })).toBe('known')
    expect((await d.list()).map(x => x.deviceId)).toEqual([1, 2, 3])
    const { fields, minSeq } = await d.recordFields(own)
    expect(fields.devices.map(x => x.deviceId)).toEqual([1, 2, 3])
    expect(fields.removedDevices).toEqual([4])
    expect(fields.mailboxRelays).toEqual(own.mailboxRelays)
    expect(minSeq).toBe(6)
  })

  it('keeps a device linked here over an older record seen before our publish, and drops it once removed', async () => {
    const d = devicesOf()
    await d.add(entry(2), 'Laptop', 'cli')
    // a lookup before our publish still serves the record without it
    expect(await d.observe({ seq: 9, devices: [entry(1)], removedDevices: [] })).toBe('adopted')
    expect((await d.list()).map(x => [x.deviceId, x.name])).toEqual([[1, 'This device'], [2, 'Laptop']])
    await d.published(10)
    // after our publish a newer record without it means another device removed it
    expect(await d.observe({ seq: 11, devices: [entry(1)], removedDevices: [2] })).toBe('adopted')
    expect((await d.list()).map(x => x.deviceId)).toEqual([1])
  })

  it('a device removed here stays removed over an older record that still lists it', async () => {
    const d = devicesOf()
    await d.observe({ seq: 3, devices: [entry(1), entry(2)], removedDevices: [] })
    await d.remove(2)
    expect(await d.observe({ seq: 4, devices: [entry(1), entry(2)], removedDevices: [] })).toBe('adopted')
    expect((await d.list()).map(x => x.deviceId)).toEqual([1])
    expect((await d.recordFields(own)).fields.removedDevices).toEqual([2])
  })

  it('learns that it was removed, and says so from then on', async () => {
    const d = devicesOf(2)
    expect(await d.removed()).toBe(false)
    expect(await d.observe({ seq: 7, devices: [entry(1)], removedDevices: [2] })).toBe('removed')
    expect(await d.removed()).toBe(true)
    expect(await d.observe({ seq: 8, devices: [entry(1), entry(2)], removedDevices: [] })).toBe('removed')
  })

  it('hands out ids above every listed and removed one, never this device\'s, and refuses one already used', async () => {
    const d = devicesOf()
    expect(await d.nextDeviceId()).toBe(2)
    await d.observe({ seq: 2, devices: [entry(1), entry(3)], removedDevices: [7] })
    expect(await d.nextDeviceId()).toBe(8)
    await expect(d.add(entry(3), 'Again', undefined)).rejects.toThrow(RangeError)
    await expect(d.add(entry(7), 'Removed one', undefined)).rejects.toThrow(RangeError)
    await expect(d.add(entry(1), 'Me', undefined)).rejects.toThrow(RangeError)
  })

  it('refuses a device past MAX_DEVICES, bad names, and unknown or own ids to remove', async () => {
    const d = devicesOf()
    for (let i = 2; i <= MAX_DEVICES; i++) await d.add(entry(i), `Device ${i}`, 'browser')
    expect(await d.count()).toBe(MAX_DEVICES)
    await expect(d.add(entry(MAX_DEVICES + 1), 'One too many', 'browser')).rejects.toMatchObject({ name: 'DeviceLimitError' })
    await expect(d.add(entry(MAX_DEVICES + 1), '   ', 'browser')).rejects.toMatchObject({ name: 'InvalidDeviceNameError' })
    await expect(d.rename(2, 'x'.repeat(65))).rejects.toMatchObject({ name: 'InvalidDeviceNameError' })
    await expect(d.remove(1)).rejects.toMatchObject({ name: 'UnknownDeviceError' })
    await expect(d.remove(42)).rejects.toMatchObject({ name: 'UnknownDeviceError' })
    await expect(d.rename(42, 'Nope')).rejects.toMatchObject({ name: 'UnknownDeviceError' })
    await d.rename(2, '  Kitchen tablet ')
    expect((await d.list()).find(x => x.deviceId === 2)?.name).toBe('Kitchen tablet')
  })

  it('remembers at most MAX_REMOVED_DEVICES removed ids, the newest', async () => {
    const d = devicesOf()
    const many = Array.from({ length: MAX_REMOVED_DEVICES + 5 }, (_, i) => i + 2)
    await d.observe({ seq: 1, devices: [entry(1)], removedDevices: many.slice(0, MAX_REMOVED_DEVICES) })
    await d.observe({ seq: 2, devices: [entry(1)], removedDevices: many.slice(5) })
    const removed = (await d.recordFields(own)).fields.removedDevices ?? []
    expect(removed).toHaveLength(MAX_REMOVED_DEVICES)
    expect(removed.at(-1)).toBe(many.at(-1))
  })

  it('keeps what it learnt across a restart (one store)', async () => {
    const store = new MemoryKeyValueStore()
    const a = new OwnDevices(store, { deviceId: 1, peerId: 'peer-1', now: () => 1 })
    await a.add(entry(2), 'Laptop', 'cli')
    await a.seen(2, 5000)
    const b = new OwnDevices(store, { deviceId: 1, peerId: 'peer-1', now: () => 1 })
    expect((await b.list()).find(x => x.deviceId === 2)).toMatchObject({ name: 'Laptop', kind: 'cli', lastSeen: 5000, current: false })
  })
})
