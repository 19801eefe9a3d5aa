/** `parley link` (make this empty device a linked device of an account) and `parley devices link|list|remove|rename`. Knows nothing of how linking works inside. */
import { Parley, type ParleyInit } from '../index.js'
import { UsageError, type CliArgs } from './args.js'
import { progressBar, spinner } from './progress.js'
import { flushOutbox } from './messaging.js'

function out (line: string): void {
  process.stdout.write(line + '\n')
}

/** On the new device: prints the link code first (one line, the URI alone), waits for approval, then prints the phone number. */
export async function linkCommand (args: CliArgs, init: ParleyInit, signal: AbortSignal): Promise<Parley> {
  if (args.rest.length !== 0) throw new UsageError('link takes no arguments: it prints a code to approve on a device of your account')
  const wait = { stop: (_?: string): void => {} }
  const bar = progressBar('Receiving your account')
  const { parley, phone, deviceId } = await Parley.link(init, {
    signal,
    kind: 'cli',
    ...(args.name != null ? { name: args.name } : {}),
    onCode: uri => {
      out(uri)
      process.stderr.write('Approve this device on one of your account\'s devices: parley devices link URI (or paste it in Settings › Linked devices)\n')
      Object.assign(wait, spinner('Waiting for approval…'))
    },
    onProgress: (done, total) => { wait.stop(); bar.update(done, total) }
  }).finally(() => { wait.stop(); bar.done() })
  if (args.json) out(JSON.stringify({ phone, deviceId }))
  else out(phone)
  return parley
}

export async function devicesCommand (args: CliArgs, parley: Parley, signal: AbortSignal): Promise<void> {
  const [sub, ...rest] = args.rest
  switch (sub) {
    case 'list': {
      if (rest.length !== 0) throw new UsageError('devices list takes no arguments')
      const devices = await parley.devices({ signal, refresh: true })
      for (const d of devices) {
        if (args.json) out(JSON.stringify({ deviceId: d.deviceId, name: d.name, peerId: d.peerId, lastSeen: d.lastSeen ?? null, current: d.current }))
        else out(`${String(d.deviceId).padStart(3)}  ${d.name.padEnd(24)} ${d.current ? 'this device' : d.lastSeen != null ? `last active ${new Date(d.lastSeen).toISOString()}` : 'not heard from yet'}`)
      }
      return
    }
    case 'link': {
      if (rest.length !== 1) throw new UsageError('devices link takes the parley-link: code the new device shows')
      const wait = spinner('Linking the new device…')
      const bar = progressBar('Sending your account')
      const linked = await parley.approveLink(rest[0], { signal, ...(args.name != null ? { name: args.name } : {}), ...(args.historyDays != null ? { historyDays: args.historyDays } : {}), onProgress: (done, total) => { wait.stop(); bar.update(done, total) } })
        .finally(() => { wait.stop(); bar.done() })
      if (args.json) out(JSON.stringify(linked))
      else out(`✓ linked "${linked.name}" (device ${linked.deviceId})`)
      // contacts hear of the new device (bounded; the rest goes out at the next run)
      await flushOutbox(parley)
      return
    }
    case 'remove': {
      if (rest.length !== 1 || !/^\d+$/.test(rest[0])) throw new UsageError('devices remove takes a device id (see devices list)')
      const wait = spinner('Removing the device…')
      await parley.removeDevice(Number(rest[0]), { signal }).finally(() => wait.stop())
      if (args.json) out(JSON.stringify({ deviceId: Number(rest[0]), removed: true }))
      else out(`✓ device ${rest[0]} removed: it receives nothing sent from now on`)
      await flushOutbox(parley)
      return
    }
    case 'rename': {
      if (rest.length !== 1 || !/^\d+$/.test(rest[0]) || args.name == null) throw new UsageError('devices rename takes a device id and --name NAME')
      await parley.renameDevice(Number(rest[0]), args.name, { signal })
      if (args.json) out(JSON.stringify({ deviceId: Number(rest[0]), name: args.name.trim() }))
      else out(`✓ device ${rest[0]} is now "${args.name.trim()}"`)
      return
    }
    default:
      throw new UsageError('devices takes list, link URI [--name NAME], remove DEVICE_ID or rename DEVICE_ID --name NAME')
  }
}
