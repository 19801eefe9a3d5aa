/** The `parley` command (signal-cli style): register, verify, whoami, lookup, send, receive, chat, profile, trust, link, devices, group, broadcast, daemon, backup, restore. One clear line and a non-zero exit on any error. */
import { join } from 'node:path'
import { Parley, createNodeNode, createDepositNodeNode, toHexString, DeviceRemovedError, nodeMediaFiles, DEFAULT_AUTO_DOWNLOAD, NO_AUTO_DOWNLOAD, loadNodeWebRtc, type ParleyInit, type NodeWebRtc } from '../index.js'
import { parseCliArgs, usage, UsageError, type CliArgs } from './args.js'
import { progressBar, spinner } from './progress.js'
import { sendCommand, receiveCommand, chatCommand, trustCommand, MessageQueuedError } from './messaging.js'
import { runDaemon } from './daemon.js'
import { profileCommand } from './profile.js'
import { backupCommand, restoreCommand } from './backup.js'
import { devicesCommand, linkCommand } from './devices.js'
import { groupCommand, broadcastCommand } from './groups.js'
import { downloadCommand } from './media.js'
import { callCommand, answerCommand, callsCommand, CallNotConnectedError } from './calls.js'
import { tuneHeapForStreaming } from '../util/heap.js'

/** Commands that work on the data folder alone: no node, no relay. */
const OFFLINE = new Set(['backup', 'restore'])

/** Commands that run for a while: they keep the device maintained and take messages. */
const LONG_RUNNING = new Set(['receive', 'chat', 'daemon', 'call', 'answer'])

/** Commands that need Node's WebRTC (loaded only for them: it is a native module). */
const CALLING = new Set(['call', 'answer'])

function out (line: string): void {
  process.stdout.write(line + '\n')
}

/** One stderr line when the device runs without a configured trust root: what it trusts instead. */
function trustWarning (parley: Parley): void {
  const { configured, learned } = parley.trustRoots()
  if (configured.length > 0) return
  process.stderr.write(learned.length > 0
    ? `parley: warning: no --trusted-verifier given; trusting only the verifier that confirmed your own number (${learned.map(k => k.slice(0, 16)).join(', ')}…)\n`
    : 'parley: warning: no --trusted-verifier given and this device is not registered: no number can be trusted until you register or give your network\'s verifier keys\n')
}

function fail (message: string, code = 1): never {
  process.stderr.write(`parley: ${message}\n`)
  process.exit(code)
}

async function run (args: CliArgs, parley: Parley, signal: AbortSignal, rtc?: NodeWebRtc): Promise<void> {
  switch (args.command) {
    case 'register': {
      if (args.rest.length !== 1) throw new UsageError('register takes one phone number')
      const wait = spinner('Asking a verifier relay to text you a code…')
      const r = await parley.register(args.rest[0], { signal }).finally(() => wait.stop())
      if (args.json) out(JSON.stringify({ phone: r.phone, relay: r.relay, expiresInMs: r.expiresInMs }))
      else out(`A code was sent to ${r.phone}. Run: parley verify CODE (within ${Math.round(r.expiresInMs / 60000)} minutes)`)
      return
    }
    case 'verify': {
      if (args.rest.length !== 1) throw new UsageError('verify takes the code from the SMS')
      const wait = spinner('Verifying and publishing your directory record…')
      const r = await parley.verify(args.rest[0], { signal }).finally(() => wait.stop())
      if (args.json) out(JSON.stringify({ phone: r.phone, registered: true, mailboxRelays: r.mailboxRelays, seq: r.seq }))
      else out(`✓ ${r.phone} is registered on Parley (${r.mailboxRelays.length} mailbox relay${r.mailboxRelays.length === 1 ? '' : 's'})`)
      return
    }
    case 'release': {
      if (args.rest.length !== 0) throw new UsageError('release takes no arguments')
      const wait = spinner('Releasing your number…')
      const me = await parley.whoami({ signal })
      await parley.releaseNumber({ signal }).finally(() => wait.stop())
      if (args.json) out(JSON.stringify({ phone: me.phone, released: true }))
      else out(`✓ ${me.phone ?? 'your number'} is released: another device may register it now`)
      return
    }
    case 'whoami': {
      const me = { ...await parley.whoami({ signal }), safetyNumberSeed: parley.safetyNumberSeed() }
      if (args.json) out(JSON.stringify(me))
      else {
        out(`phone         ${me.phone ?? '(not registered)'}`)
        out(`identity key  ${me.identityKey}`)
        out(`peer id       ${me.peerId}`)
        out(`safety seed   ${me.safetyNumberSeed.replace(/(\d{5})(?=\d)/g, '$1 ')}`)
      }
      return
    }
    case 'lookup': {
      if (args.rest.length === 0) throw new UsageError('lookup takes one or more phone numbers')
      const bar = progressBar('Looking up')
      // always asks the network (maxAge 0); the cache still tells whether a security code changed
      const report = await parley.discover(args.rest, { signal, maxAge: 0, onProgress: (d, t) => bar.update(d, t) })
      bar.done()
      for (const c of report.contacts) {
        const line = {
          input: c.input,
          phone: c.e164 ?? null,
          registered: c.status === 'registered',
          status: c.status,
          ...(c.identityKey != null ? { identityKey: toHexString(c.identityKey) } : {}),
          verified: c.verified === true,
          ...(c.identityChanged === true ? { identityChanged: true } : {})
        }
        if (args.json) out(JSON.stringify(line))
        else out(`${(line.phone ?? c.input).padEnd(16)} ${c.status === 'registered' ? `on Parley${line.verified ? ' ✓ verified' : ' (unverified)'}${line.identityChanged === true ? ' — security code changed' : ''}` : c.status === 'invalid' ? 'not a valid number' : c.status === 'error' ? 'lookup failed' : 'not on Parley'}`)
      }
      if (report.contacts.every(c => c.status === 'error')) throw new Error('no lookup succeeded: is a relay reachable?')
      return
    }
    case 'send':
      return await sendCommand(args, parley, signal)
    case 'receive':
      return await receiveCommand(args, parley, signal, args.timeoutSeconds != null ? args.timeoutSeconds * 1000 : undefined)
    case 'chat':
      return await chatCommand(args, parley, signal)
    case 'profile':
      return await profileCommand(args, parley, signal)
    case 'trust':
      return await trustCommand(args, parley, signal)
    case 'devices':
      return await devicesCommand(args, parley, signal)
    case 'group':
      return await groupCommand(args, parley, signal)
    case 'download':
      return await downloadCommand(args, parley, signal)
    case 'broadcast':
      return await broadcastCommand(args, parley, signal)
    case 'call':
      return await callCommand(args, parley, rtc!, signal)
    case 'answer':
      return await answerCommand(args, parley, rtc!, signal)
    case 'calls':
      return await callsCommand(args, parley)
    case 'daemon':
      if (args.rpcPort == null) throw new UsageError('daemon needs --rpc-port N')
      return await runDaemon(parley, args.rpcPort, signal)
  }
}

async function main (): Promise<void> {
  tuneHeapForStreaming()
  let args: CliArgs
  try {
    args = parseCliArgs(process.argv.slice(2), process.env)
  } catch (err) {
    if (err instanceof UsageError) fail(err.message, 2)
    throw err
  }
  if (args.help || args.command == null) {
    out(usage())
    if (args.command == null && !args.help) process.exit(2)
    return
  }
  if (OFFLINE.has(args.command)) {
    const controller = new AbortController()
    process.once('SIGINT', () => controller.abort(new Error('interrupted')))
    try {
      if (args.command === 'backup') await backupCommand(args, process.env, controller.signal)
      else await restoreCommand(args, process.env, controller.signal)
    } catch (err) {
      const e = err as Error
      fail(e.message ?? String(err), e instanceof UsageError ? 2 : 1)
    }
    process.exit(0)
  }
  if (args.bootstrap.length === 0 && args.command !== 'whoami') fail('no relay given: use --bootstrap MULTIADDR (or PARLEY_BOOTSTRAP)', 2)

  const controller = new AbortController()
  // for receive, --timeout is how long to listen (a normal end), not a deadline
  const timer = args.timeoutSeconds != null && args.command !== 'receive' ? setTimeout(() => controller.abort(new Error(`timed out after ${args.timeoutSeconds} s`)), args.timeoutSeconds * 1000) : undefined
  const interrupted = LONG_RUNNING.has(args.command ?? '') ? () => controller.abort() : () => controller.abort(new Error('interrupted'))
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  let parley: Parley | undefined
  try {
    // files: received ones go to <data>/media unless a folder is named; only the daemon fetches them without being asked
    const media = { mediaFiles: nodeMediaFiles(join(args.dataDir, 'media')), autoDownload: args.command === 'daemon' ? DEFAULT_AUTO_DOWNLOAD : NO_AUTO_DOWNLOAD }
    const rtc = CALLING.has(args.command) ? await loadNodeWebRtc({ signal: controller.signal }) : undefined
    const calling = rtc != null ? { peerConnection: (config: RTCConfiguration) => new rtc.RTCPeerConnection(config) } : {}
    const init: ParleyInit = { ...media, ...calling, dataDir: args.dataDir, bootstrap: args.bootstrap, listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode, createDepositNode: createDepositNodeNode, ...(args.trustedVerifiers.length > 0 ? { trustedVerifiers: args.trustedVerifiers } : {}), maintenance: LONG_RUNNING.has(args.command ?? ''), receive: LONG_RUNNING.has(args.command ?? ''), ...(args.region != null ? { defaultRegion: args.region } : {}) }
    if (args.command === 'link') {
      // reachable through the relays (a circuit address in the code), and kept up after the link so the relays get our prekeys
      parley = await linkCommand(args, { ...init, listen: ['/ip4/127.0.0.1/tcp/0', '/p2p-circuit'], maintenance: true }, controller.signal)
    } else {
      parley = await Parley.create(init)
      // removed from the account on another device: the device wiped itself; say so and stop
      parley.on('device-removed', e => controller.abort(e))
      trustWarning(parley)
      await run(args, parley, controller.signal, rtc)
      if (controller.signal.reason instanceof DeviceRemovedError) throw controller.signal.reason
    }
  } catch (err) {
    const e = err as Error
    await parley?.stop().catch(() => {})
    fail(e instanceof UsageError ? e.message : (e.message ?? String(err)), e instanceof UsageError ? 2 : e instanceof MessageQueuedError || e instanceof CallNotConnectedError ? e.exitCode : 1)
  } finally {
    clearTimeout(timer)
  }
  await parley.stop()
  process.exit(0)
}

main().catch(err => fail(`fatal: ${(err as Error).message}`))
