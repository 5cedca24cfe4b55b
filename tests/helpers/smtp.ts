// A real SMTP server (smtp-server) on a free port that keeps what it receives, parsed
// with mailparser, so tests read mails and follow their links as an applicant would.
import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Every http(s) link in the text part. */
  links: string[];
}

export interface TestSmtp {
  url: string;
  mails: ReceivedMail[];
  /** While true, the server refuses every message (to test retries). */
  failing: boolean;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const state: TestSmtp = {
    url: "",
    mails: [],
    failing: false,
    async waitFor(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (state.mails.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} mails, received ${state.mails.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return state.mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      if (state.failing) {
        stream.resume();
        stream.on("end", () => callback(Object.assign(new Error("mailbox unavailable (test)"), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail: ParsedMail) => {
          const text = mail.text ?? "";
          state.mails.push({
            to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(", ") : (mail.to?.text ?? ""),
            subject: mail.subject ?? "",
            text,
            html: typeof mail.html === "string" ? mail.html : "",
            messageId: mail.messageId ?? "",
            links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  state.url = `smtp://127.0.0.1:${port}`;
  return state;
}
