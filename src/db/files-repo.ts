// Files (attachments, KYC documents, deposit receipts, agency documents, brand logos) are kept as
// pieces of 256 KiB in `file_pieces`, under a key their owner's repo derives from its own row.
// On PGlite every statement runs on the event loop: one 5 MB value held it for 0.1–0.7 s, a piece
// takes a few milliseconds and the loop turns between pieces. Pieces are written in the caller's
// transaction, so a file is stored whole or not at all.
import type { Db } from './driver.ts';
import { nextTurn } from '../lib/turns.ts';

export const FILE_PIECE_BYTES = 256 * 1024;

// Bytes go in as a binary parameter (PGlite copies them; node-postgres sends hex) and come out as
// base64 text: PGlite's own bytea (hex) coding of a piece, and binding any big text parameter,
// walk it character by character on the event loop.
const asBuffer = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** One piece of a file stored piece by piece as it arrives (phonebook uploads). */
export async function writePiece(db: Db, table: 'file_pieces' | 'phonebook_upload_chunks', key: string, seq: number, data: Uint8Array): Promise<void> {
  const keyColumn = table === 'file_pieces' ? 'file_id' : 'upload_id';
  await db.query(`INSERT INTO ${table} (${keyColumn}, seq, data) VALUES ($1,$2,$3)`, [key, seq, asBuffer(data)]);
}

export async function readPiece(db: Db, table: 'file_pieces' | 'phonebook_upload_chunks', key: string, seq: number): Promise<Buffer | null> {
  const keyColumn = table === 'file_pieces' ? 'file_id' : 'upload_id';
  const { rows } = await db.query<{ data: string }>(`SELECT encode(data, 'base64') AS data FROM ${table} WHERE ${keyColumn} = $1 AND seq = $2`, [key, seq]);
  return rows[0] ? Buffer.from(rows[0].data, 'base64') : null;
}

/** Stores `data` under `key`, replacing what the key held. Run it in the transaction that writes the owner's row. */
export async function writeFile(db: Db, key: string, data: Uint8Array): Promise<void> {
  await db.transaction(async (tx) => {
    await deletePieces(tx, 'file_pieces', key);
    for (let seq = 0; seq * FILE_PIECE_BYTES < data.length; seq++) {
      if (seq > 0) await nextTurn();
      await writePiece(tx, 'file_pieces', key, seq, data.subarray(seq * FILE_PIECE_BYTES, (seq + 1) * FILE_PIECE_BYTES));
    }
  });
}

/** The file under `key`, its pieces read one statement at a time; empty when it has none. */
export async function readFile(db: Db, key: string): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let seq = 0; ; seq++) {
    if (seq > 0) await nextTurn();
    const piece = await readPiece(db, 'file_pieces', key, seq);
    if (!piece) break;
    pieces.push(piece);
  }
  return Buffer.concat(pieces);
}

/** Pieces removed by one statement: deleting a 50 MB upload in one held PGlite for ~0.2 s. */
const PIECES_PER_DELETE = 8;

/** Deletes every piece under `key`, a few per statement with a turn of the event loop between
 * them. Run it in a transaction with whatever else goes with the file. */
export async function deletePieces(db: Db, table: 'file_pieces' | 'phonebook_upload_chunks', key: string): Promise<void> {
  const keyColumn = table === 'file_pieces' ? 'file_id' : 'upload_id';
  for (let first = true; ; first = false) {
    if (!first) await nextTurn();
    const r = await db.query(`DELETE FROM ${table} WHERE ${keyColumn} = $1 AND seq IN (SELECT seq FROM ${table} WHERE ${keyColumn} = $1 ORDER BY seq LIMIT ${PIECES_PER_DELETE})`, [key]);
    if (r.rowCount < PIECES_PER_DELETE) return;
  }
}

export async function deleteFile(db: Db, key: string): Promise<void> {
  await deletePieces(db, 'file_pieces', key);
}
