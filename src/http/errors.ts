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
  ALREADY_CREATED: 409,
  CODE_INVALID: 400,
  CODE_EXPIRED: 400,
  WEAK_PASSWORD: 400,
  INVALID_MOBILE: 400,
  TWO_FACTOR_ALREADY_ENABLED: 409,
  TWO_FACTOR_NOT_ENABLED: 409,
  INSUFFICIENT_CREDIT: 402,
  LINE_NOT_ALLOWED: 403,
  LINE_EXPIRED: 403,
  LINE_NOT_RENEWABLE: 409,
  TEXT_TOO_LONG: 400,
  TOO_MANY_RECIPIENTS: 400,
  NO_VALID_RECIPIENTS: 400,
  BATCH_NOT_CANCELLABLE: 409,
  NO_LINE: 409,
  LINE_NUMBER_TAKEN: 409,
  TICKET_CLOSED: 409,
  TICKET_NOT_FORWARDABLE: 409,
  ATTACHMENT_TOO_LARGE: 413,
  ATTACHMENT_TYPE_NOT_ALLOWED: 415,
  TOO_MANY_ATTACHMENTS: 400,
  AMOUNT_EXCEEDS_BALANCE: 409,
  CREDIT_LIMIT_BELOW_DEBT: 409,
  CREDIT_LIMIT_UNBACKED: 402,
  PRICE_ABOVE_CEILING: 422,
  GROUP_IN_USE: 409,
  INVALID_IBAN: 400,
  INVALID_CARD_NUMBER: 400,
  RECEIPT_NOT_ALLOWED: 415,
  GATEWAY_UNAVAILABLE: 502,
  URL_NOT_ALLOWED: 422,
  SANDBOX_GATEWAY_REFUSED: 409,
  ACCOUNT_LOCKED: 423,
  TOO_MANY_REQUESTS: 429,
  TOO_MANY_STREAMS: 429,
  CALLBACK_TOKEN_IN_URL: 400,
  TOO_MANY_ATTEMPTS: 429,
  CAPTCHA_REQUIRED: 428,
  CAPTCHA_INVALID: 428,
  IMPERSONATION_NOT_ALLOWED: 403,
  POLICY_LOOSENING: 403,
  OPT_OUT_FOOTER_MISSING: 422,
  OUTSIDE_SENDING_HOURS: 422,
  CONTENT_FORBIDDEN_WORD: 422,
  CONTENT_LINK_NOT_ALLOWED: 422,
  CONTENT_CARD_NUMBER: 422,
  RECIPIENTS_BLACKLISTED: 422,
  KYC_REQUIRED: 403,
  INVALID_NATIONAL_CODE: 400,
  INVALID_NATIONAL_ID: 400,
  INVALID_BIRTH_DATE: 400,
  KYC_INCOMPLETE: 422,
  KYC_NOT_EDITABLE: 409,
  KYC_NOT_SUBMITTED: 409,
  KYC_DOCUMENT_NOT_ALLOWED: 415,
  MODERATION_ALREADY_DECIDED: 409,
  MODERATION_NEEDS_PLATFORM: 403,
  APPLICATION_STATE: 409,
  APPLICATION_INCOMPLETE: 422,
  AGENCY_ADMIN_SUSPENDED: 403,
  PERMISSION_DENIED: 403,
  SUBACCOUNT_LIMIT: 409,
  DOMAIN_TAKEN: 409,
  INVALID_DOMAIN: 400,
  ASSET_NOT_ALLOWED: 415,
  IMPORT_FILE_INVALID: 400,
  IMPORT_FILE_TOO_LARGE: 413,
  BODY_TOO_LARGE: 413,
  FIELD_KEY_TAKEN: 409,
  GROUP_NAME_TAKEN: 409,
  PATTERN_INVALID: 400,
  PATTERN_NOT_APPROVED: 409,
  PATTERN_NOT_EDITABLE: 409,
  PATTERN_PARAM_INVALID: 400,
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
