import { EventEmitter } from "node:events";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type SmtpPeer = {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** "message" after each mail is kept: wait on it rather than polling `messages`. */
  events: EventEmitter<{ message: [ParsedMail] }>;
  close: () => Promise<void>;
  rejectNext: (n: number) => void;
};

/** A real SMTP server on 127.0.0.1 that keeps what it receives (parsed), for mail tests. */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const messages: ParsedMail[] = [];
  const events = new EventEmitter<{ message: [ParsedMail] }>();
  let rejections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      if (rejections > 0) {
        rejections--;
        stream.resume();
        stream.on("end", () =>
          callback(Object.assign(new Error("451 try again later"), { responseCode: 451 })),
        );
        return;
      }
      simpleParser(stream)
        .then((m) => {
          messages.push(m);
          callback();
          events.emit("message", m);
        })
        .catch(callback);
    },
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as { port: number }).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    events,
    rejectNext: (n) => {
      rejections = n;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
