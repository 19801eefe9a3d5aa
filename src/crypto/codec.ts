/** Encoding the crypto layer's values with the protons codecs of ./pb: protons types bytes fields as `Uint8Array<ArrayBuffer>`, crypto's keys are plain `Uint8Array`s (never shared memory), and the bytes written are the same. */

/** `T` with every bytes field, however deep, typed as a plain Uint8Array. */
type Loose<T> = T extends Uint8Array ? Uint8Array
  : T extends Array<infer U> ? Array<Loose<U>>
    : T extends object ? { [K in keyof T]: Loose<T[K]> }
      : T

/** `pb.encode(obj)`, with the fields still checked against the message. */
export function encodePb<T> (pb: { encode: (obj: Partial<T>) => Uint8Array }, obj: Partial<Loose<T>>): Uint8Array {
  return pb.encode(obj as Partial<T>)
}
