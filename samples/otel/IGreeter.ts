/** The sample's service: one method, run in a worker process. */
export interface IGreeter {
  /** A greeting for `name`, composed in a span of the implementation's own. */
  greet(name: string): Promise<string>;
}
