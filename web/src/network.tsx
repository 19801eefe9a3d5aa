// The "Network" panel: this tab's peer id, relay, status, reachable addresses and live connections (the old status page, kept for diagnostics and tests).
import { useEffect, useState } from 'preact/hooks'
import type { AppModel } from './model.js'

function transportOf (addr: string): string {
  if (addr.includes('/webrtc')) return 'webrtc'
  if (addr.includes('/p2p-circuit')) return 'relayed'
  if (addr.includes('/ws')) return 'websocket'
  return 'other'
}

export function NetworkPanel ({ model }: { model: AppModel }) {
  const parley = model.parley
  const [, setTick] = useState(0)
  useEffect(() => {
    const update = (): void => setTick(t => t + 1)
    parley.on('network', update)
    return () => { parley.off('network', update) }
  }, [parley])

  const { peerId, connections, addresses: addrs, reachable: reserved, relays } = parley.network()
  const relayConns = connections.filter(c => c.relay)
  const state = relayConns.length > 0 ? 'connected' : 'connecting'
  const label = relayConns.length > 0
    ? (reserved ? 'Connected to relay · reachable' : 'Connected to relay · reserving a slot…')
    : (relays === 0 ? 'No relay configured' : 'Connecting to relay…')

  return (
    <section class="network" aria-labelledby="network-title" data-testid="network">
      <h2 id="network-title">Network</h2>
      <dl>
        <dt>Your peer id</dt>
        <dd><code data-testid="peer-id">{peerId}</code></dd>
        <dt>Relay</dt>
        <dd><code data-testid="relay">{relayConns[0]?.addr ?? '—'}</code></dd>
        <dt>Status</dt>
        <dd>
          <span data-testid="status" data-state={state} role="status" aria-live="polite">
            {state !== 'connected' && <span class="spinner" aria-hidden="true" />}<span class="label">{label}</span>
          </span>
        </dd>
        <dt>Reachable at</dt>
        <dd><ul data-testid="addrs" class="mono">{addrs.map(a => <li key={a}>{a}</li>)}</ul></dd>
      </dl>
      <h3>Connections <span data-testid="conn-count">{connections.length}</span></h3>
      <ul data-testid="connections" class="mono">
        {connections.map(c => {
          const transport = transportOf(c.addr)
          return <li key={c.id} data-transport={transport} data-peer={c.peer}><span class="tag">{transport}</span>{c.peer}</li>
        })}
      </ul>
    </section>
  )
}
