// The messages between the big-body parser (main thread) and its worker.

export type ParseJob = { id: number; route: string; body: Uint8Array };

/** A long array of strings crosses as one string and where each element ends: two objects, not a million. */
export type PackedStrings = { key: string; text: string; ends: Uint32Array };

export type ParseAnswer =
  | { id: number; t: 'value'; value: Record<string, unknown>; packed: PackedStrings[] }
  | { id: number; t: 'invalid'; issues: ({ code: string; message: string; path: PropertyKey[]; input?: unknown } & Record<string, unknown>)[] }
  | { id: number; t: 'empty' }
  | { id: number; t: 'malformed' };
