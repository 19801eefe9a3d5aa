/** Types for the parts of node-turn 0.0.6 (plain JavaScript, no types of its own) the embedded TURN server uses, its internals included (see embedded.ts for why). */
declare module 'node-turn' {
  import type { Socket } from 'node:dgram'

  namespace NodeTurn {
    interface Options {
      listeningPort?: number
      listeningIps?: string[]
      relayIps?: string[]
      externalIps?: string | Record<string, string> | null
      minPort?: number
      maxPort?: number
      authMech?: 'none' | 'short-term' | 'long-term'
      credentials?: Record<string, string>
      realm?: string
      debugLevel?: 'OFF' | 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE' | 'ALL'
      log?: (message: unknown) => void
      maxAllocateLifetime?: number
      defaultAllocatetLifetime?: number
    }

    /** A transport address as node-turn's attributes carry it. */
    interface Address {
      address: string
      port: number
    }

    /** An allocation: its relayed sockets, the user that made it, its expiry timer. */
    interface Allocation {
      fiveTuple: string
      transactionID: string
      user: { username: string, password: string }
      sockets: Socket[]
      lifetime: number
      /** ms since the epoch */
      timeToExpiry: number
      timer: ReturnType<typeof setTimeout>
      update: (lifetime?: number) => void
    }

    /** A received STUN message (attributes by their dashed lower-case names). */
    interface Message {
      transactionID: string
      allocation: Allocation | null
      transport: { get5Tuple: () => string }
      getAttribute: (name: string) => unknown
      getAttributes: (name: string) => unknown[]
    }

    /** The response being built for a message. */
    interface Reply {
      addAttribute: (name: string, value?: unknown) => void
      resolve: () => void
      reject: (code: number, reason: string) => void
    }

    type Handler = (msg: Message, reply: Reply) => void
  }

  class NodeTurn {
    constructor (options?: NodeTurn.Options)
    software: string
    realm: string
    maxAllocateLifetime: number
    defaultAllocatetLifetime: number
    allocations: Record<string, NodeTurn.Allocation>
    network: { sockets: Socket[] }
    authentification: {
      credentials: Record<string, string>
      generateNonce: () => string
      checkNonce: (nonce: string) => boolean
    }
    allocate: { allocate: NodeTurn.Handler }
    refresh: { refresh: NodeTurn.Handler }
    createPermission: { createPermission: NodeTurn.Handler }
    channelBind: { channelBind: NodeTurn.Handler }
    start (): void
    stop (): void
    addUser (username: string, password: string): void
    removeUser (username: string): void
  }

  export = NodeTurn
}
