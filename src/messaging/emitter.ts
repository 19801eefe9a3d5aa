/** A small typed event emitter that works the same in Node and browsers; a listener that throws never breaks the emitter; chosen events wait for their first listener. */

export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<(e: never) => void>>()
  /** events emitted while nobody listened, per event kept until its first listener (see holdUntilListened) */
  private readonly held = new Map<keyof Events, { max: number, events: unknown[], listened: boolean }>()

  on<K extends keyof Events> (event: K, listener: (e: Events[K]) => void): this {
    let set = this.listeners.get(event)
    if (set == null) this.listeners.set(event, set = new Set())
    set.add(listener as (e: never) => void)
    const held = this.held.get(event)
    if (held != null && !held.listened) {
      held.listened = true
      const events = held.events.splice(0) as Array<Events[K]>
      // after the caller's own on() calls of this turn, in the order they were emitted
      queueMicrotask(() => { for (const e of events) this.emit(event, e) })
    }
    return this
  }

  off<K extends keyof Events> (event: K, listener: (e: Events[K]) => void): this {
    this.listeners.get(event)?.delete(listener as (e: never) => void)
    return this
  }

  once<K extends keyof Events> (event: K, listener: (e: Events[K]) => void): this {
    const wrapped = (e: Events[K]): void => { this.off(event, wrapped); listener(e) }
    return this.on(event, wrapped)
  }

  listenerCount (event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0
  }

  /**
   * Events of this kind emitted before anyone ever listened are kept (the newest `max`) and delivered to the
   * first listener added; after that the event behaves as any other. A Parley that starts taking messages before its caller could subscribe (mail waiting at
   * the relay arrives during `create`) must not announce them to nobody.
   */
  protected holdUntilListened (event: keyof Events, max: number): void {
    this.held.set(event, { max, events: [], listened: false })
  }

  protected emit<K extends keyof Events> (event: K, payload: Events[K]): void {
    const held = this.held.get(event)
    if (held != null && !held.listened) {
      held.events.push(payload)
      if (held.events.length > held.max) held.events.shift()
      return
    }
    for (const l of [...(this.listeners.get(event) ?? [])]) {
      try {
        (l as (e: Events[K]) => void)(payload)
      } catch (err) {
        if (event !== 'error') this.emit('error' as K, err as Events[K])
      }
    }
  }
}
