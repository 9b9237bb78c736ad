import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError } from '../lib/app-error.ts';
import { errorBody, errorStatus } from './errors.ts';
import { MAX_RECIPIENTS_PER_REQUEST } from '../modules/messages/schema.ts';
import { unknownHostPage } from './pages.ts';
import { describeIssue } from './validation-messages.ts';

function wantsHtml(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
}

export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let appError: AppError;
    if (err instanceof AppError) {
      appError = err;
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => {
        // `reason` is what the message names; `message` stays for clients that read it, now in their language too
        const reason = describeIssue(v, request.lang);
        return { path: [String(err.validationContext ?? ''), ...String(v.instancePath ?? '').split('/').filter(Boolean)].filter(Boolean).join('.'), message: reason, reason };
      });
      appError = new AppError('VALIDATION_FAILED', { fields });
    } else if (err instanceof ZodError) {
      // The domain checked a value with a schema of its own (a connector's settings): answered like
      // a request that failed its route's schema, each field's reason in the caller's language.
      const fields = err.issues.map(({ code, message, path, ...params }) => {
        const reason = describeIssue({ keyword: code, message, params }, request.lang);
        return { path: ['body', ...path.map(String)].join('.'), message: reason, reason };
      });
      appError = new AppError('VALIDATION_FAILED', { fields });
    } else if (err.validation) {
      appError = new AppError('VALIDATION_FAILED', { fields: err.validation.map((v) => ({ path: String(v.instancePath ?? ''), message: v.message })) });
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const maxBytes = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit;
      const send = request.routeOptions.url === '/api/v1/messages' || request.routeOptions.url === '/api/v1/messages/quote';
      appError = new AppError('BODY_TOO_LARGE', send ? { maxBytes, maxRecipients: MAX_RECIPIENTS_PER_REQUEST } : { maxBytes });
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, body too large, wrong content type.
      const status = err.statusCode;
      reply.code(status);
      return reply.send({ error: { code: status === 429 ? 'TOO_MANY_REQUESTS' : 'BAD_REQUEST', message: request.lang === 'fa' ? 'درخواست نامعتبر است.' : err.message } });
    } else {
      request.log.error({ err, reqId: request.id }, 'unhandled error');
      appError = new AppError('INTERNAL', undefined, { cause: err });
    }
    if (appError.code === 'UNKNOWN_HOST' && wantsHtml(request)) {
      return reply.code(404).type('text/html; charset=utf-8').send(unknownHostPage());
    }
    if (errorStatus[appError.code] === 429 && appError.details?.retryAfterSeconds) reply.header('retry-after', String(appError.details.retryAfterSeconds));
    return reply.code(errorStatus[appError.code]).send(errorBody(appError, request.lang));
  });
}
