/** Passphrase-encrypted backup of a whole device storage (scrypt + XChaCha20-Poly1305), for Node and browsers alike; knows nothing of where the bytes are kept. */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { scryptAsync } from '@noble/hashes/scrypt.js'
import { systemRandom, type RandomSource } from '../crypto/index.js'
import type { AbortOptions } from '@libp2p/interface'
import { CorruptRecordError, type KeyValueEntry, type Storage, type StorageKind } from '../storage/index.js'
import { constantTimeEqual } from '../crypto/bytes.js'
import { markSessionsRestored } from '../session/index.js'
import { BackupCorruptError, BackupPassphraseError, BackupPassphraseTooShortError, BackupTargetNotEmptyError } from './errors.js'

/** First bytes of every backup file. */
export const BACKUP_MAGIC = new TextEncoder().encode('PARLEYBK')
const BACKUP_VERSION = 1
/** KDF id in the header: 1 = scrypt. */
const KDF_SCRYPT = 1
/**
 * scrypt cost log2(N) = 17: the OWASP/libsodium "interactive-sensitive" level (128 MiB, about a second in
 * pure JS on a laptop), because a backup file may be copied anywhere and attacked offline forever.
 */
export const BACKUP_SCRYPT_LOG_N = 17
/**
 * Shortest passphrase (UTF-16 characters, as `string.length`) accepted for a new backup, by the CLI, the web
 * client and every other app alike: the file can be attacked offline forever, scrypt only slows each guess.
 */
export const MIN_BACKUP_PASSPHRASE_CHARS = 10
const SCRYPT_R = 8
const SCRYPT_P = 1
/** A file may ask for at most 2^20 (1 GiB of memory): more would let a crafted file exhaust the device. */
const MAX_LOG_N = 20
/** and at least 2^15: anything weaker was not written by us. */
const MIN_LOG_N = 15
const SALT_BYTES = 16
/** Bytes of scrypt output kept in the header to tell a wrong passphrase from a damaged file; the other 32 are the key. */
const CHECK_BYTES = 16
const KEY_BYTES = 32
const NONCE_BYTES = 24
const TAG_BYTES = 16
const HEADER_BYTES = BACKUP_MAGIC.length + 5 + SALT_BYTES + CHECK_BYTES + NONCE_BYTES
/** Longest storage kind name in a payload. */
const MAX_KIND_BYTES = 16

export interface BackupProgressOptions extends AbortOptions {
  /** overall progress in percent (done of 100): reading the store, deriving the key, encrypting/writing */
  onProgress?: (done: number, total: number) => void
}

export interface ExportBackupOptions extends BackupProgressOptions {
  random?: RandomSource
}

export interface ImportBackupOptions extends BackupProgressOptions {
  /** restore over a storage that already holds an identity (everything in it is replaced) @default false */
  replace?: boolean
  /** decrypt and check everything (passphrase, integrity, storage kind) but write nothing: lets an app test a passphrase before it stops the running device @default false */
  dryRun?: boolean
}

export interface BackupInfo {
  kind: StorageKind
  entries: number
}

interface Header { logN: number, r: number, p: number, salt: Uint8Array, check: Uint8Array, nonce: Uint8Array, bytes: Uint8Array }

function throwIfAborted (options?: AbortOptions): void {
  if (options?.signal?.aborted === true) throw options.signal.reason ?? new Error('aborted')
}

function assertPassphrase (passphrase: string): Uint8Array {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new BackupPassphraseError('the passphrase must not be empty')
  return new TextEncoder().encode(passphrase.normalize('NFKC'))
}

/** scrypt → 48 bytes: a 32-byte key, then the 16-byte check value. The caller wipes it. */
async function derive (passphrase: Uint8Array, h: Pick<Header, 'logN' | 'r' | 'p' | 'salt'>, options: BackupProgressOptions, from: number, to: number): Promise<Uint8Array> {
  try {
    return await scryptAsync(passphrase, h.salt, {
      N: 2 ** h.logN,
      r: h.r,
      p: h.p,
      dkLen: KEY_BYTES + CHECK_BYTES,
      maxmem: 2 ** MAX_LOG_N * 128 * h.r + 4096,
      onProgress: p => {
        throwIfAborted(options) // thrown inside scrypt's loop, so an abort stops the work
        options.onProgress?.(Math.floor(from + (to - from) * p), 100)
      }
    })
  } finally {
    passphrase.fill(0)
  }
}

/** [u8 kind length][kind][u32 count] then per entry [u32 key length][key][u32 value length][value], big-endian. */
function encodePayload (kind: StorageKind, entries: KeyValueEntry[]): Uint8Array {
  const enc = new TextEncoder()
  const kindBytes = enc.encode(kind)
  const keys = entries.map(e => enc.encode(e.key))
  const size = 1 + kindBytes.length + 4 + entries.reduce((n, e, i) => n + 8 + keys[i].length + e.value.length, 0)
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  let o = 0
  out[o++] = kindBytes.length
  out.set(kindBytes, o); o += kindBytes.length
  view.setUint32(o, entries.length); o += 4
  entries.forEach((e, i) => {
    view.setUint32(o, keys[i].length); o += 4
    out.set(keys[i], o); o += keys[i].length
    view.setUint32(o, e.value.length); o += 4
    out.set(e.value, o); o += e.value.length
  })
  return out
}

function decodePayload (bytes: Uint8Array): { kind: StorageKind, entries: KeyValueEntry[] } {
  const corrupt = (): never => { throw new BackupCorruptError('the backup decrypted but its content is malformed') }
  const dec = new TextDecoder('utf-8', { fatal: true })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let o = 0
  const take = (n: number): Uint8Array => {
    if (n < 0 || o + n > bytes.length) corrupt()
    const part = bytes.subarray(o, o + n)
    o += n
    return part
  }
  const u32 = (): number => { take(4); return view.getUint32(o - 4) }
  const kindLength = take(1)[0]
  if (kindLength > MAX_KIND_BYTES) corrupt()
  const kind = dec.decode(take(kindLength))
  if (kind !== 'level' && kind !== 'memory') throw new BackupCorruptError(`the backup is of an unknown storage kind '${kind}'`)
  const count = u32()
  const entries: KeyValueEntry[] = []
  try {
    for (let i = 0; i < count; i++) {
      const key = dec.decode(take(u32()))
      entries.push({ key, value: take(u32()) })
    }
  } catch (err) {
    if (err instanceof BackupCorruptError) throw err
    corrupt() // invalid UTF-8 in a key
  }
  if (o !== bytes.length) corrupt()
  return { kind, entries }
}

function encodeHeader (h: Omit<Header, 'bytes'>): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES)
  let o = 0
  out.set(BACKUP_MAGIC, o); o += BACKUP_MAGIC.length
  out[o++] = BACKUP_VERSION
  out[o++] = KDF_SCRYPT
  out[o++] = h.logN
  out[o++] = h.r
  out[o++] = h.p
  out.set(h.salt, o); o += SALT_BYTES
  out.set(h.check, o); o += CHECK_BYTES
  out.set(h.nonce, o)
  return out
}

function decodeHeader (bytes: Uint8Array): Header {
  if (!(bytes instanceof Uint8Array) || bytes.length < BACKUP_MAGIC.length || !constantTimeEqual(bytes.subarray(0, BACKUP_MAGIC.length), BACKUP_MAGIC)) {
    throw new BackupCorruptError('not a Parley backup (no PARLEYBK header)')
  }
  if (bytes.length < HEADER_BYTES + TAG_BYTES) throw new BackupCorruptError('the backup is truncated')
  let o = BACKUP_MAGIC.length
  const version = bytes[o++]
  if (version !== BACKUP_VERSION) throw new BackupCorruptError(`backup format version ${version} is not supported by this version of Parley`)
  if (bytes[o++] !== KDF_SCRYPT) throw new BackupCorruptError('the backup names an unknown key derivation')
  const logN = bytes[o++]
  const r = bytes[o++]
  const p = bytes[o++]
  if (logN < MIN_LOG_N || logN > MAX_LOG_N || r < 1 || r > 16 || p < 1 || p > 4) throw new BackupCorruptError('the backup asks for key derivation parameters out of bounds')
  const salt = bytes.slice(o, o + SALT_BYTES); o += SALT_BYTES
  const check = bytes.slice(o, o + CHECK_BYTES); o += CHECK_BYTES
  const nonce = bytes.slice(o, o + NONCE_BYTES)
  return { logN, r, p, salt, check, nonce, bytes: bytes.subarray(0, HEADER_BYTES) }
}

/**
 * Every entry of `storage` (identity, device key, prekeys, sessions, history, outbox, settings…),
 * encrypted under `passphrase`. The result is the whole backup file.
 */
export async function exportBackup (storage: Storage, passphrase: string, options: ExportBackupOptions = {}): Promise<Uint8Array> {
  if (typeof passphrase === 'string' && passphrase.length < MIN_BACKUP_PASSPHRASE_CHARS) throw new BackupPassphraseTooShortError(MIN_BACKUP_PASSPHRASE_CHARS)
  const secret = assertPassphrase(passphrase)
  const random = options.random ?? systemRandom
  const entries: KeyValueEntry[] = []
  for await (const entry of storage.entries(options)) entries.push(entry)
  options.onProgress?.(10, 100)
  const plain = encodePayload(storage.kind, entries)
  for (const e of entries) e.value.fill(0)
  let dk: Uint8Array | undefined
  try {
    const params = { logN: BACKUP_SCRYPT_LOG_N, r: SCRYPT_R, p: SCRYPT_P, salt: random(SALT_BYTES) }
    dk = await derive(secret, params, options, 10, 90)
    const header = encodeHeader({ ...params, check: dk.slice(KEY_BYTES), nonce: random(NONCE_BYTES) })
    const sealed = xchacha20poly1305(dk.subarray(0, KEY_BYTES), header.subarray(header.length - NONCE_BYTES), header).encrypt(plain)
    const out = new Uint8Array(header.length + sealed.length)
    out.set(header)
    out.set(sealed, header.length)
    options.onProgress?.(100, 100)
    return out
  } finally {
    dk?.fill(0)
    plain.fill(0)
  }
}

/**
 * Restores a backup into `storage`, replacing everything in it in one atomic write. Decrypts and parses
 * the whole file first, so a wrong passphrase (BackupPassphraseError) or a damaged file (BackupCorruptError)
 * leaves the storage untouched. Refuses a storage that already holds an identity unless `replace`.
 */
export async function importBackup (storage: Storage, bytes: Uint8Array, passphrase: string, options: ImportBackupOptions = {}): Promise<BackupInfo> {
  const secret = assertPassphrase(passphrase)
  const header = decodeHeader(bytes)
  if (options.replace !== true && (await storage.identity.loadLocalIdentity(options)) != null) throw new BackupTargetNotEmptyError()
  let dk: Uint8Array | undefined
  let plain: Uint8Array | undefined
  try {
    dk = await derive(secret, header, options, 0, 80)
    if (!constantTimeEqual(dk.subarray(KEY_BYTES), header.check)) throw new BackupPassphraseError()
    try {
      plain = xchacha20poly1305(dk.subarray(0, KEY_BYTES), header.nonce, header.bytes).decrypt(bytes.subarray(HEADER_BYTES))
    } catch {
      throw new BackupCorruptError('the backup was altered or truncated (authentication failed)')
    }
    const { kind, entries } = decodePayload(plain)
    if (kind !== storage.kind) throw new BackupCorruptError(`a backup of '${kind}' storage cannot be restored into '${storage.kind}' storage`)
    if (entries.length === 0) throw new BackupCorruptError('the backup holds no data')
    options.onProgress?.(90, 100)
    throwIfAborted(options)
    if (options.dryRun === true) {
      options.onProgress?.(100, 100)
      return { kind, entries: entries.length }
    }
    try {
      await storage.replaceAll(entries, options)
    } catch (err) {
      if (err instanceof CorruptRecordError) throw new BackupCorruptError(`the backup's entries do not fit this storage: ${err.message}`)
      throw err
    }
    // restored sessions only decrypt: the device's first send to each contact starts a new session
    // (docs/backup.md). Not abortable: a half-marked store is what a crash here would leave.
    await markSessionsRestored(storage.sessions)
    options.onProgress?.(100, 100)
    return { kind, entries: entries.length }
  } finally {
    dk?.fill(0)
    plain?.fill(0)
  }
}
