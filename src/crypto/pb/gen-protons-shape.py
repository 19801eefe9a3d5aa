# Emits protons-9-shaped TypeScript for the proto3 subset in src/crypto/pb (stand-in while `npx protons` cannot run: its protobufjs peer dependency is not installed).
# Usage: python3 src/crypto/pb/gen-protons-shape.py src/crypto/pb/*.proto
import re, sys
def parse(src):
    src = re.sub(r'//[^\n]*', '', src)
    msgs = []
    for m in re.finditer(r'message\s+(\w+)\s*\{([^}]*)\}', src):
        fields = []
        for f in re.finditer(r'(optional\s+|repeated\s+)?(\w+)\s+(\w+)\s*=\s*(\d+)\s*;', m.group(2)):
            fields.append(dict(label=(f.group(1) or '').strip(), type=f.group(2), name=f.group(3), num=int(f.group(4))))
        msgs.append((m.group(1), fields))
    return msgs
SC = {'bytes': ('Uint8Array', 2, 'bytes', 'uint8ArrayAlloc(0)', lambda v: f'({v} != null && {v}.byteLength > 0)'),
      'uint32': ('number', 0, 'uint32', '0', lambda v: f'({v} != null && {v} !== 0)'),
      'uint64': ('bigint', 0, 'uint64', '0n', lambda v: f'({v} != null && {v} !== 0n)'),
      'bool': ('boolean', 0, 'bool', 'false', lambda v: f'({v} != null && {v} !== false)')}
def emit(msgs):
    names = {n for n, _ in msgs}
    o = []
    o.append("// Generated from the .proto beside this file in the shape `protons` 9 emits (see docs/crypto.md); do not edit.\n/* eslint-disable import/export */\n/* eslint-disable complexity */\n/* eslint-disable @typescript-eslint/no-namespace */\n/* eslint-disable @typescript-eslint/no-unnecessary-boolean-literal-compare */\n/* eslint-disable @typescript-eslint/no-empty-interface */\n/* eslint-disable import/consistent-type-specifier-style */\n/* eslint-disable @typescript-eslint/no-unused-vars */\n")
    o.append("import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'\nimport { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'\nimport type { Codec, DecodeOptions } from 'protons-runtime'\n")
    for name, fields in msgs:
        o.append(f"export interface {name} {{")
        for f in fields:
            t = f['type']; ts = SC[t][0] if t in SC else t
            if f['label'] == 'repeated': o.append(f"  {f['name']}: {ts}[]")
            elif f['label'] == 'optional' or t in names: o.append(f"  {f['name']}?: {ts}")
            else: o.append(f"  {f['name']}: {ts}")
        o.append("}\n")
        o.append(f"export namespace {name} {{\n  let _codec: Codec<{name}>\n\n  export const codec = (): Codec<{name}> => {{\n    if (_codec == null) {{\n      _codec = message<{name}>((obj, w, opts = {{}}) => {{\n        if (opts.lengthDelimited !== false) {{\n          w.fork()\n        }}\n")
        for f in fields:
            t, n, num = f['type'], f['name'], f['num']
            if t in SC:
                _, wt, meth, dflt, cond = SC[t]; tag = (num << 3) | wt
                if f['label'] == 'repeated':
                    o.append(f"        if (obj.{n} != null) {{\n          for (const value of obj.{n}) {{\n            w.uint32({tag})\n            w.{meth}(value)\n          }}\n        }}\n")
                elif f['label'] == 'optional':
                    o.append(f"        if (obj.{n} != null) {{\n          w.uint32({tag})\n          w.{meth}(obj.{n})\n        }}\n")
                else:
                    o.append(f"        if {cond('obj.'+n)} {{\n          w.uint32({tag})\n          w.{meth}(obj.{n})\n        }}\n")
            else:
                tag = (num << 3) | 2
                if f['label'] == 'repeated':
                    o.append(f"        if (obj.{n} != null) {{\n          for (const value of obj.{n}) {{\n            w.uint32({tag})\n            {t}.codec().encode(value, w)\n          }}\n        }}\n")
                else:
                    o.append(f"        if (obj.{n} != null) {{\n          w.uint32({tag})\n          {t}.codec().encode(obj.{n}, w)\n        }}\n")
        o.append("        if (opts.lengthDelimited !== false) {\n          w.ldelim()\n        }\n      }, (reader, length, opts = {}) => {\n        const obj: any = {")
        init = []
        for f in fields:
            if f['label'] == 'repeated': init.append(f"          {f['name']}: []")
            elif f['label'] == '' and f['type'] in SC: init.append(f"          {f['name']}: {SC[f['type']][3]}")
        o.append(",\n".join(init))
        o.append("        }\n\n        const end = length == null ? reader.len : reader.pos + length\n\n        while (reader.pos < end) {\n          const tag = reader.uint32()\n\n          switch (tag >>> 3) {")
        for f in fields:
            t, n, num = f['type'], f['name'], f['num']
            read = f"reader.{SC[t][2]}()" if t in SC else f"{t}.codec().decode(reader, reader.uint32(), {{\n                limits: opts.limits?.{n}{'$' if f['label']=='repeated' else ''}\n              }})"
            o.append(f"            case {num}: {{")
            if f['label'] == 'repeated':
                o.append(f"              if (opts.limits?.{n} != null && obj.{n}.length === opts.limits.{n}) {{\n                throw new MaxLengthError('Decode error - repeated field \"{n}\" had too many elements')\n              }}\n\n              obj.{n}.push({read})")
            else:
                o.append(f"              obj.{n} = {read}")
            o.append("              break\n            }")
        o.append("            default: {\n              reader.skipType(tag & 7)\n              break\n            }\n          }\n        }\n\n        return obj\n      }, function * (reader, length, prefix, opts = {}) {\n        const end = length == null ? reader.len : reader.pos + length\n\n        while (reader.pos < end) {\n          const tag = reader.uint32()\n\n          switch (tag >>> 3) {")
        for f in fields:
            t, n, num = f['type'], f['name'], f['num']
            o.append(f"            case {num}: {{")
            if t in SC:
                o.append(f"              yield {{\n                field: `${{prefix}}.{n}`,\n                value: reader.{SC[t][2]}()\n              }}")
            else:
                o.append(f"              yield * {t}.codec().stream(reader, reader.uint32(), `${{prefix}}.{n}{'[]' if f['label']=='repeated' else ''}`, {{\n                limits: opts.limits?.{n}{'$' if f['label']=='repeated' else ''}\n              }})")
            o.append("              break\n            }")
        o.append("            default: {\n              reader.skipType(tag & 7)\n              break\n            }\n          }\n        }\n      })\n    }\n\n    return _codec\n  }\n")
        o.append(f"  export function encode (obj: Partial<{name}>): Uint8Array {{\n    return encodeMessage(obj, {name}.codec())\n  }}\n\n  export function decode (buf: Uint8Array, opts?: DecodeOptions<{name}>): {name} {{\n    return decodeMessage(buf, {name}.codec(), opts)\n  }}\n\n  export function stream (buf: Uint8Array, opts?: DecodeOptions<{name}>): Generator<{{ field: string, value: unknown }}> {{\n    return streamMessage(buf, {name}.codec(), opts)\n  }}\n}}\n")
    return "\n".join(o)
for p in sys.argv[1:]:
    open(p[:-6] + '.ts', 'w').write(emit(parse(open(p).read())))
