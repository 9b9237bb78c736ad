// One error type with a closed set of codes, one code → status map, messages in fa and en.
import type { Lang } from '../lib/i18n.ts';
import { errorMessages } from './error-messages.ts';

export const errorStatus = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  OTP_REQUIRED: 401,
  INVALID_OTP: 401,
  CSRF_FAILED: 403,
  FORBIDDEN: 403,
  IP_NOT_ALLOWED: 403,
  ACCOUNT_SUSPENDED: 403,
  NOT_FOUND: 404,
  UNKNOWN_HOST: 404,
  USERNAME_TAKEN: 409,
  CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  CODE_INVALID: 400,
  CODE_EXPIRED: 400,
  WEAK_PASSWORD: 400,
  INVALID_MOBILE: 400,
  TWO_FACTOR_ALREADY_ENABLED: 409,
  TWO_FACTOR_NOT_ENABLED: 409,
  INSUFFICIENT_CREDIT: 402,
  LINE_NOT_ALLOWED: 403,
  TEXT_TOO_LONG: 400,
  TOO_MANY_RECIPIENTS: 400,
  NO_VALID_RECIPIENTS: 400,
  BATCH_NOT_CANCELLABLE: 409,
  NO_LINE: 409,
  LINE_NUMBER_TAKEN: 409,
  ACCOUNT_LOCKED: 423,
  TOO_MANY_REQUESTS: 429,
  NOT_READY: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;
export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  constructor(code: ErrorCode, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(code, options);
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return errorStatus[this.code];
  }
}

export function errorMessage(code: ErrorCode, lang: Lang, details?: ErrorDetails): string {
  const entry = errorMessages[code];
  const text = entry[lang];
  return typeof text === 'function' ? text(details ?? {}) : text;
}

export function errorBody(err: AppError, lang: Lang) {
  return {
    error: {
      code: err.code,
      message: errorMessage(err.code, lang, err.details),
      ...(err.details ? { details: err.details } : {}),
    },
  };
}
