// What the first middlewares leave on `res.locals` for the later ones (Express types
// `res.locals` through this global interface).
export {};

declare global {
  // Express types `res.locals` only through this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** This response's CSP script nonce (headers.ts). */
      nonce: string;
      /** The id logged with every line about this request and shown on error pages (request-log.ts). */
      requestId: string;
      /** When the request arrived, for its log line (process.hrtime.bigint()). */
      started: bigint;
    }
  }
}
