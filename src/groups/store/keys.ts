/** The group store's key layout (docs/group-store.md): one record key per group and everything else of a group under `g/<group hex>/`, so forgetting a group is one prefix; knows nothing of what values mean. */
import { u32Key, u53Key } from '../../storage/keys.js'

/** Every key of the group store that is not a group record starts with this. */
export const GROUP_DATA = 'g/'
/** Group records: `i/<group hex>`. */
export const RECORDS = 'i/'

/** The record of a group we are (or were) in. */
export const recordKey = (g: string): string => `${RECORDS}${g}`
/** Everything else of one group. */
export const groupPrefix = (g: string): string => `${GROUP_DATA}${g}/`

/** Changes in arrival order: `c/<seq>` → hash ‖ bytes. */
export const changesPrefix = (g: string): string => `${groupPrefix(g)}c/`
export const changeKey = (g: string, seq: number): string => `${changesPrefix(g)}${u53Key(seq)}`
/** The hash index of the changes: `h/<hash hex>` → seq. */
export const changeHashKey = (g: string, hash: string): string => `${groupPrefix(g)}h/${hash}`

/** Seen marks: `s/<ref hex>` → when seen; and by time, `p/<at>/<ref hex>`, for the sweep. */
export const seenKey = (g: string, ref: string): string => `${groupPrefix(g)}s/${ref}`
export const seenTimePrefix = (g: string): string => `${groupPrefix(g)}p/`
export const seenTimeKey = (g: string, at: number, ref: string): string => `${seenTimePrefix(g)}${u53Key(at)}/${ref}`
/** The first key past every seen-time key of marks made before `before`. */
export const seenTimeBound = (g: string, before: number): string => `${seenTimePrefix(g)}${u53Key(before)}/`

/** The causal-history blob. */
export const historyKey = (g: string): string => `${groupPrefix(g)}y`

/** The image of the group's current photo. */
export const photoKey = (g: string): string => `${groupPrefix(g)}f`

/** Sender-key chains: `k/<chain>/<identity hex>/<device>` → when indexed, and by device, `d/<identity hex>/<device>/<chain>`. */
export const chainPrefix = (g: string, chainId: number): string => `${groupPrefix(g)}k/${u32Key(chainId)}/`
export const chainKey = (g: string, chainId: number, identity: string, deviceId: number): string => `${chainPrefix(g, chainId)}${identity}/${u32Key(deviceId)}`
export const senderPrefix = (g: string, identity: string): string => `${groupPrefix(g)}d/${identity}/`
export const senderDevicePrefix = (g: string, identity: string, deviceId: number): string => `${senderPrefix(g, identity)}${u32Key(deviceId)}/`
export const senderChainKey = (g: string, identity: string, deviceId: number, chainId: number): string => `${senderDevicePrefix(g, identity, deviceId)}${u32Key(chainId)}`

/** Our own sender-key chain, and the devices it went to: `t/<identity hex>/<device>`. */
export const ownChainKey = (g: string): string => `${groupPrefix(g)}o`
export const distributedPrefix = (g: string): string => `${groupPrefix(g)}t/`
export const distributedKey = (g: string, identity: string, deviceId: number): string => `${distributedPrefix(g)}${identity}/${u32Key(deviceId)}`

/** Receipts of our messages: `r/<message id>/<e164>` → receipt, and `n/<message id>` → how many members have one. */
export const receiptsPrefix = (g: string, messageId: string): string => `${groupPrefix(g)}r/${messageId}/`
export const receiptKey = (g: string, messageId: string, e164: string): string => `${receiptsPrefix(g, messageId)}${e164}`
export const receiptCountKey = (g: string, messageId: string): string => `${groupPrefix(g)}n/${messageId}`

/** Relays the group's topic is registered at: `l/<peer id>` → when; their fetch cursors: `u/<peer id>`. */
export const relaysPrefix = (g: string): string => `${groupPrefix(g)}l/`
export const relayKey = (g: string, peerId: string): string => `${relaysPrefix(g)}${peerId}`
export const cursorKey = (g: string, peerId: string): string => `${groupPrefix(g)}u/${peerId}`

/** The last part of a key. */
export const lastPart = (key: string): string => key.slice(key.lastIndexOf('/') + 1)
