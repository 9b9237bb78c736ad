// A small valid value for a route's zod schema, so a sweep's request passes validation and reaches
// the handler's scope check (an invalid body is refused before the handler ever reads an id).
import { z } from 'zod';

type Json = Record<string, any>;

const STRING_CANDIDATES = ['1000', '09121234567', '2026-01-10', '10:00', 'IR062960000000100324200001', '0013542419', 'sweep', 'a'];

function sampleString(s: Json): string {
  if (s.format === 'date-time') return '2026-01-10T10:00:00Z';
  if (s.format === 'date') return '2026-01-10';
  if (s.format === 'email') return 'sweep@example.test';
  if (s.format === 'uri' || s.format === 'url') return 'https://hooks.example.test/sweep';
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? Infinity;
  if (s.pattern) {
    const re = new RegExp(s.pattern, 'u');
    const hit = STRING_CANDIDATES.find((c) => re.test(c) && c.length >= min && c.length <= max);
    if (hit) return hit;
  }
  const base = 'sweep'.padEnd(Math.max(min, 1), 'x');
  return base.slice(0, Math.min(base.length, max));
}

function sampleNumber(s: Json): number {
  let n = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
  if (s.maximum !== undefined && n > s.maximum) n = s.maximum;
  return n;
}

function sampleJson(s: Json | boolean | undefined, full: boolean, depth = 0): unknown {
  if (s === undefined || s === true || s === false || depth > 8) return undefined;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.default !== undefined && !full) return s.default;
  const options: Json[] | undefined = s.anyOf ?? s.oneOf;
  if (options) return sampleJson(options.find((o) => o.type !== 'null') ?? options[0], full, depth + 1);
  if (s.allOf) return sampleJson(s.allOf[0], full, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const keys: string[] = full ? Object.keys(s.properties ?? {}) : (s.required ?? []);
      for (const key of keys) out[key] = sampleJson(s.properties?.[key], full, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sampleJson(s.items, full, depth + 1));
    case 'string':
      return sampleString(s);
    case 'number':
    case 'integer':
      return sampleNumber(s);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return undefined;
  }
}

/**
 * Values the schema accepts: the smallest (required properties only) and the fullest (every
 * property given), each only when it passes the schema; a service may refuse an empty optional
 * field before it looks the id up, so the sweep tries both.
 */
export function samplesFor(schema: unknown): unknown[] {
  if (!(schema instanceof z.ZodType)) return [];
  let json: Json;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  } catch {
    return [];
  }
  const values = [sampleJson(json, false) ?? {}, sampleJson(json, true) ?? {}];
  return values.filter((v, i) => schema.safeParse(v).success && (i === 0 || JSON.stringify(v) !== JSON.stringify(values[0])));
}
