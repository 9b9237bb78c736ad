import type { AccountKind, AccountStatus } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';

export const kindLabel = (k: AccountKind | string): MessageKey => (k === 'platform' ? 'kind.platform' : k === 'agency' ? 'kind.agency' : 'kind.user');
export const statusLabel = (s: AccountStatus): MessageKey => `status.${s}`;
export const statusColor = (s: AccountStatus) => (s === 'active' ? 'teal' : s === 'suspended' ? 'red' : 'gray');
