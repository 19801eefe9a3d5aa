// The web client's start page: runs this tab's libp2p node, connects to the relay named by the server, shows live status.
import { createBrowserNode, multiaddr, type BrowserNode } from '../../src/browser.js'

interface PageConfig {
  /** relay multiaddrs reachable from a browser (WebSockets), handed out by the server */
  bootstrap: string[]
}

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id)
  if (el == null) throw new Error(`missing #${id}`)
  return el
}

function setStatus (state: 'starting' | 'connecting' | 'connected' | 'error', text: string): void {
  const status = $('status')
  status.dataset.state = state
  status.querySelector('.label')!.textContent = text
}

function transportOf (addr: string): string {
  if (addr.includes('/webrtc')) return 'webrtc'
  if (addr.includes('/p2p-circuit')) return 'relayed'
  if (addr.includes('/ws')) return 'websocket'
  return 'other'
}

function render (node: BrowserNode, relays: Set<string>): void {
  const connections = node.getConnections()
  $('conn-count').textContent = String(connections.length)
  const list = $('connections')
  list.replaceChildren(...connections.map(c => {
    const li = document.createElement('li')
    const tag = document.createElement('span')
    tag.className = 'tag'
    tag.textContent = transportOf(c.remoteAddr.toString())
    li.append(tag, c.remotePeer.toString())
    li.dataset.transport = tag.textContent
    li.dataset.peer = c.remotePeer.toString()
    return li
  }))
  const addrs = node.getMultiaddrs().map(ma => ma.toString())
  $('addrs').replaceChildren(...addrs.map(a => {
    const li = document.createElement('li')
    li.textContent = a
    return li
  }))
  const connectedRelays = connections.filter(c => relays.has(c.remotePeer.toString()))
  if (connectedRelays.length > 0) {
    const reserved = addrs.some(a => a.includes('/p2p-circuit'))
    setStatus('connected', reserved ? 'Connected to relay · reachable' : 'Connected to relay · reserving a slot…')
    $('relay').textContent = connectedRelays[0].remoteAddr.toString()
  } else if (node.status === 'started') {
    setStatus('connecting', relays.size === 0 ? 'No relay configured' : 'Connecting to relay…')
  }
}

async function main (): Promise<void> {
  const response = await fetch('/config.json', { cache: 'no-store' })
  if (!response.ok) throw new Error(`the server gave no configuration (${response.status})`)
  const config = await response.json() as PageConfig
  const relays = new Set(config.bootstrap.map(a => multiaddr(a).getComponents().findLast(c => c.name === 'p2p')?.value).filter((p): p is string => p != null))

  setStatus('connecting', 'Connecting to relay…')
  const node = await createBrowserNode({ bootstrap: config.bootstrap })
  $('peer-id').textContent = node.peerId.toString()
  const update = (): void => render(node, relays)
  for (const event of ['connection:open', 'connection:close', 'self:peer:update'] as const) {
    node.addEventListener(event, update)
  }
  update()
  // Exposed for diagnostics in the console and for the browser tests.
  ;(globalThis as unknown as { parley: unknown }).parley = { node }
}

main().catch(err => {
  console.error(err)
  setStatus('error', `Could not start: ${(err as Error).message}`)
})
