// The shapes of the phonebook API (groups, contacts, custom fields, uploads and imports).
export type Group = { id: string; name: string; description: string; contacts: number; createdAt: string };
export type FieldType = 'text' | 'number' | 'date';
export type FieldDef = { key: string; label: string; type: FieldType };
export type Contact = {
  id: string;
  groupId: string;
  mobile: string;
  name: string;
  fields: Record<string, string | number>;
  tags: string[];
  blockSend: boolean;
  blockReceive: boolean;
  createdAt: string;
  updatedAt: string;
};
export type ContactPage = { items: Contact[]; total: number; page: number; pageSize: number };
export type Preview = {
  uploadId: string;
  format: 'csv' | 'xlsx';
  delimiter: string | null;
  columns: { index: number; header: string; sample: string[] }[];
  rows: string[][];
  suggestedMapping: Record<string, string>;
};
export type ImportJob = {
  id: string;
  groupId: string;
  filename: string;
  status: 'running' | 'done' | 'failed';
  rowsRead: number;
  imported: number;
  merged: number;
  failed: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  errors?: { row: number; value: string; code: string; reason: string }[];
};
export const fieldTypes: FieldType[] = ['text', 'number', 'date'];
