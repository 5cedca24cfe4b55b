// The password lengths, shared by the policy (server) and the forms (browser too).
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
