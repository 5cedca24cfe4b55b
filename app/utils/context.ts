// What the server (server/adapter.ts) hands every loader and action, per request.
export interface RequestContext {
  /** The CSP nonce of this response's scripts. */
  nonce: string;
  /** The visitor's anti-forgery cookie value; form tokens are derived from it. */
  csrfId: string;
  /** The client's address (X-Forwarded-For only with TRUST_PROXY=1). */
  clientIp: string;
  requestId: string;
}

declare module "@remix-run/node" {
  // Declaration merging: Remix's AppLoadContext is an empty interface meant to be extended.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
}
