/** What the OpenTelemetry span tests call: a worker that traces with the real SDK and writes its spans to a file. */
export interface ITraced {
  /** Runs a span of its own ("inner") inside the call for `ms`; returns the traceparent the call arrived with, or null. */
  work(ms: number): Promise<string | null>;
  /** Throws an Error with `message`. */
  fail(message: string): number;
  /** Yields 0 … n-1, each inside a span of its own ("item"). */
  items(n: number): AsyncIterable<number>;
}
