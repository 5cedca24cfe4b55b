/** The anti-forgery token every state-changing form carries (see csrf.server.ts). */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />;
}
