/** A small typed event emitter that works the same in Node and browsers; a listener that throws never breaks the emitter. */

export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<(e: never) => void>>()

  on<K extends keyof Events> (event: K, listener: (e: Events[K]) => void): this {
    let set = this.listeners.get(event)
    if (set == null) this.listeners.set(event, set = new Set())
    set.add(listener as (e: never) => void)
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

  protected emit<K extends keyof Events> (event: K, payload: Events[K]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) {
      try {
        (l as (e: Events[K]) => void)(payload)
      } catch (err) {
        if (event !== 'error') this.emit('error' as K, err as Events[K])
      }
    }
  }
}
