/**
 * @opentelemetry/api, loaded here and only here: it is an optional peer dependency, so an
 * application without OpenTelemetry never loads it (the main entry never imports this folder),
 * and one that imports process-sandbox/otel without it gets an error that says what to install,
 * rather than Node's bare "Cannot find package". The rest of the folder imports the API's values
 * from this module and its types from the package (erased).
 */
import type * as Api from '@opentelemetry/api';

async function load(): Promise<typeof Api> {
  try {
    return await import('@opentelemetry/api');
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === 'ERR_MODULE_NOT_FOUND' && String(message).includes('@opentelemetry/api')) {
      throw new Error('[process-sandbox] process-sandbox/otel needs the package @opentelemetry/api, which is not installed '
        + 'where the application resolves its packages: npm install @opentelemetry/api', { cause: error });
    }
    throw error;
  }
}

const api = await load();

export const { context, metrics, trace, createTraceState, isSpanContextValid, isValidSpanId, isValidTraceId, SpanKind, SpanStatusCode } = api;
