// Structured JSON logs (pino). Every line is one JSON object, so user input inside a
// value is escaped and cannot forge a line; secrets and tokens are redacted by path.
import pino from "pino";

export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  messageKey: "msg",
  redact: {
    paths: ["password", "*.password", "token", "*.token", "cookie", "*.cookie", "secret", "*.secret"],
    censor: "[redacted]",
  },
});
