// Attachments with the server's limits shown before sending: up to 5 files, 5 MB each, PNG/JPEG/PDF/text.
import { FileInput } from '@mantine/core';
import { useI18n } from '../../i18n/i18n.tsx';
import { FILE_ACCEPT, MAX_FILE_BYTES, MAX_FILES } from './types.ts';

export function filesProblem(files: File[]): 'tickets.files.tooMany' | 'tickets.files.tooBig' | 'tickets.files.type' | null {
  if (files.length > MAX_FILES) return 'tickets.files.tooMany';
  if (files.some((f) => f.size > MAX_FILE_BYTES)) return 'tickets.files.tooBig';
  if (files.some((f) => f.type && !FILE_ACCEPT.split(',').includes(f.type))) return 'tickets.files.type';
  return null;
}

export function FilesField({ files, onChange }: { files: File[]; onChange(f: File[]): void }) {
  const { t } = useI18n();
  const problem = filesProblem(files);
  return <FileInput multiple clearable label={`${t('tickets.files')} (${t('common.optional')})`} description={t('tickets.files.hint')} accept={FILE_ACCEPT} value={files} onChange={onChange} error={problem ? t(problem) : undefined} maw={460} />;
}

export function toForm(fields: Record<string, string | undefined>, files: File[]): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') form.append(k, v);
  for (const f of files) form.append('files', f, f.name);
  return form;
}
