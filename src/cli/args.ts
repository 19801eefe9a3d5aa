/** Command-line parsing for `parley`: global flags, a command and its arguments. Knows nothing of what the commands do. */

export class UsageError extends Error {
  static name = 'UsageError'
  constructor (message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface CliArgs {
  dataDir: string
  bootstrap: string[]
  /** the network's verifier public keys (hex), the device's trust roots */
  trustedVerifiers: Uint8Array[]
  json: boolean
  region?: string
  timeoutSeconds?: number
  /** daemon: loopback port of the JSON-RPC server (0: any free port) */
  rpcPort?: number
  /** restore: over a data folder that already holds a device */
  replace: boolean
  /** link, devices link, devices rename: a device name */
  name?: string
  /** devices link: days of history the new device gets (Infinity: all) */
  historyDays?: number
  /** send, group send: a file to send */
  file?: string
  /** send --file, group send --file: the file's caption */
  caption?: string
  /** receive: save attachments into this folder */
  download?: string
  /** call, answer: a WAV file played as the microphone */
  play?: string
  /** call, answer: the other side's audio written to this WAV file */
  record?: string
  /** call, answer: hang up after this many seconds of connected call */
  seconds?: number
  /** call: a video call (a generated test picture as the camera) */
  video: boolean
  /** send --file of a photo: standard (1,600 px), hd (4,096 px) or original (untouched, as a document) */
  photoSize?: 'standard' | 'hd' | 'original'
  command?: string
  rest: string[]
  help: boolean
}

const COMMANDS: Record<string, string> = {
  register: 'register PHONE        ask a verifier relay to text a code to PHONE',
  verify: 'verify CODE           finish registration with the code and publish your directory record',
  whoami: 'whoami                your phone, identity key, peer id and safety number seed',
  lookup: 'lookup PHONE...       who of these numbers is on Parley',
  send: 'send PHONE TEXT...    send a message; prints its id once a device or relay has it (--file PATH [--caption TEXT]: a file, up to 2 GB)',
  receive: 'receive               print incoming messages (JSON lines with --json) and acknowledge them; ends when the mailboxes are drained, or after --timeout S (--download DIR: save files into DIR)',
  download: 'download ID DIR       save the file of message ID (1:1 or group) into DIR',
  chat: 'chat PHONE            interactive chat in the terminal, with delivery ticks',
  profile: 'profile [name TEXT... | photo FILE]  show or change the name and photo your contacts see (no TEXT/FILE: remove)',
  backup: 'backup FILE           write an encrypted backup of this device (passphrase from PARLEY_PASSPHRASE or asked)',
  restore: 'restore FILE          restore a device from a backup into --data (an empty folder, or --replace)',
  release: 'release               give up your number (changing number): lifts its registration lock at once and stops publishing it',
  trust: 'trust PHONE           accept the new safety number of a contact you had verified (sending to it is blocked until then)',
  link: 'link                  make this empty device a linked device of your account: prints a parley-link: code to approve, then your number',
  devices: 'devices list|link URI [--name NAME]|remove ID|rename ID --name NAME   your account\'s devices',
  group: 'group create NAME PHONE... | send ID TEXT... | add|remove ID PHONE... | promote|demote ID PHONE | leave ID | photo ID [FILE] | invite|revoke ID | join LINK | list | info ID   group chats',
  broadcast: 'broadcast create NAME PHONE... | send ID TEXT... | list   one message sent 1:1 to each contact of a list',
  call: 'call PHONE            call PHONE (voice; --video for video); --play FILE.wav as the microphone, --record OUT.wav the other side, --seconds N then hang up',
  answer: 'answer [PHONE]        wait for a call (from PHONE) and take it, with --play, --record, --seconds as for call; --timeout S to stop waiting',
  calls: 'calls [PHONE]         the call log, newest first (JSON lines with --json)',
  daemon: 'daemon --rpc-port N   JSON-RPC 2.0 over HTTP on 127.0.0.1:N (send, sendFile, download, receive, lookup, history, conversations, markRead, group*, broadcast*; GET /events streams them)'
}

export function usage (): string {
  return [
    'usage: parley --data DIR --bootstrap MULTIADDR... [--json] [--region CC] COMMAND [ARGS]',
    '',
    'commands:',
    ...Object.values(COMMANDS).map(c => `  ${c}`),
    '',
    'options (also as env PARLEY_DATA, PARLEY_BOOTSTRAP, PARLEY_TRUSTED_VERIFIERS, PARLEY_REGION):',
    '  --data DIR            this device\'s data folder (default ./.parley/client)',
    '  --bootstrap MA...     relays to connect to',
    '  --trusted-verifier HEX  a verifier key of your network (repeatable): only numbers it attested are written to',
    '  --region CC           region for numbers without a country code, e.g. GB',
    '  --json                machine-readable output',
    '  --timeout S           give up after S seconds (receive: listen for S seconds)',
    '  --rpc-port N          daemon: port of the JSON-RPC server on 127.0.0.1',
    '  --replace             restore: replace the device in --data',
    '  --name NAME           link, devices link/rename: the device\'s name',
    '  --history-days N|all  devices link: how much history the new device gets (default 90 days)',
    '  --file PATH           send, group send: send this file (photo, video, voice note or document)',
    '  --caption TEXT        send --file, group send --file: its caption',
    '  --photo-size S        send --file of a photo: standard (1600 px, default), hd (4096 px) or original (untouched, as a document);',
    '                        photos are re-encoded without metadata (no location)',
    '  --download DIR        receive: save each file into DIR as it arrives',
    '  --play FILE.wav       call, answer: play this WAV (PCM 16-bit) as the microphone',
    '  --record OUT.wav      call, answer: write what the other side says to this WAV',
    '  --seconds N           call, answer: hang up after N seconds connected (default: when the other side hangs up)',
    '  --video               call: a video call (a test picture as the camera)'
  ].join('\n')
}

/** An Ed25519 verifier public key as hex. */
const VERIFIER_KEY_HEX = /^[0-9a-fA-F]{64}$/

function verifierKey (hex: string, from: string): Uint8Array {
  if (!VERIFIER_KEY_HEX.test(hex)) throw new UsageError(`${from}: expected a verifier key of 64 hex digits, got '${hex.length > 80 ? hex.slice(0, 80) + '…' : hex}'`)
  return Uint8Array.from(hex.match(/../g) ?? [], b => parseInt(b, 16))
}

export function parseCliArgs (argv: string[], env: Record<string, string | undefined> = {}): CliArgs {
  const out: CliArgs = {
    dataDir: env.PARLEY_DATA ?? '.parley/client',
    bootstrap: (env.PARLEY_BOOTSTRAP ?? '').split(/[\s,]+/).filter(Boolean),
    trustedVerifiers: (env.PARLEY_TRUSTED_VERIFIERS ?? '').split(/[\s,]+/).filter(Boolean).map(h => verifierKey(h, 'PARLEY_TRUSTED_VERIFIERS')),
    json: false,
    replace: false,
    video: false,
    rest: [],
    help: false,
    ...(env.PARLEY_REGION != null ? { region: env.PARLEY_REGION } : {})
  }
  let bootstrapFromFlags: string[] | undefined
  let verifiersFromFlags: Uint8Array[] | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v == null || v.startsWith('--')) throw new UsageError(`${arg} needs a value`)
      return v
    }
    if (arg === '--help' || arg === '-h') out.help = true
    else if (arg === '--json') out.json = true
    else if (arg === '--replace') out.replace = true
    else if (arg === '--data') out.dataDir = value()
    else if (arg === '--region') out.region = value()
    else if (arg === '--name') out.name = value()
    else if (arg === '--file') out.file = value()
    else if (arg === '--caption') out.caption = value()
    else if (arg === '--download') out.download = value()
    else if (arg === '--play') out.play = value()
    else if (arg === '--record') out.record = value()
    else if (arg === '--video') out.video = true
    else if (arg === '--seconds') {
      const v = value()
      if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new UsageError(`--seconds: expected a number of seconds, got '${v}'`)
      out.seconds = Number(v)
    }
    else if (arg === '--photo-size') {
      const v = value()
      if (v !== 'standard' && v !== 'hd' && v !== 'original') throw new UsageError(`--photo-size: expected standard, hd or original, got '${v}'`)
      out.photoSize = v
    }
    else if (arg === '--history-days') {
      const v = value()
      if (!/^(\d+|all)$/.test(v)) throw new UsageError(`--history-days: expected a number of days or 'all', got '${v}'`)
      out.historyDays = v === 'all' ? Infinity : Number(v)
    }
    else if (arg === '--trusted-verifier') (verifiersFromFlags ??= []).push(verifierKey(value(), '--trusted-verifier'))
    else if (arg === '--timeout') {
      const v = value()
      if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--timeout: expected seconds, got '${v}'`)
      out.timeoutSeconds = Number(v)
    } else if (arg === '--rpc-port') {
      const v = value()
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`--rpc-port: expected a port number, got '${v}'`)
      out.rpcPort = Number(v)
    } else if (arg === '--bootstrap') {
      bootstrapFromFlags ??= []
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--') && argv[i + 1].startsWith('/')) bootstrapFromFlags.push(argv[++i])
      if (bootstrapFromFlags.length === 0) throw new UsageError('--bootstrap needs at least one multiaddr')
    } else if (arg.startsWith('--')) throw new UsageError(`unknown flag ${arg} (see --help)`)
    else if (out.command == null) out.command = arg
    else out.rest.push(arg)
  }
  if (bootstrapFromFlags != null) out.bootstrap = bootstrapFromFlags
  // flags replace the env list, as for --bootstrap
  if (verifiersFromFlags != null) out.trustedVerifiers = verifiersFromFlags
  if (out.command != null && COMMANDS[out.command] == null) throw new UsageError(`unknown command '${out.command}' (see --help)`)
  return out
}
