import { sql } from "drizzle-orm";
import nodemailer, { type Transporter } from "nodemailer";
import { type Db, queryRows } from "./db.ts";
import { mailMessages, outboxEvents } from "./outbox.schema.ts";
import { enqueue, type OutboxDispatcher } from "./outbox.ts";
import type { PersonalDataSource } from "./personal-data.ts";
import { insertRows } from "./statements.ts";

/** An email with both an HTML and a plain-text part. */
export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The From header ("Name <address>"); the mailer's own when absent. */
  from?: string;
}

/** Where email goes: SMTP in production, the local mail outbox when embedded. */
export interface Mailer {
  /**
   * Delivers a message. `id` identifies it across retries (it becomes the Message-ID), so a message
   * delivered twice by a retried outbox event is recognisable as one.
   */
  send(message: MailMessage & { id: string }): Promise<void>;
}

/** Sends through an SMTP server (nodemailer), e.g. `smtp://user:pass@smtp.example.com:587`. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(message: MailMessage & { id: string }): Promise<void> {
    const from = message.from ?? this.from;
    const domain = from.match(/@([^>\s]+)/)?.[1] ?? "bazaar.local";
    await this.transport.sendMail({
      from,
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      messageId: `<${message.id}@${domain}>`,
    });
  }

  close(): void {
    this.transport.close();
  }
}

/** Keeps messages in the database (embedded mode): the mail outbox staff read in the admin and tests read. */
export class StoredMailer implements Mailer {
  constructor(
    private readonly db: Db,
    private readonly from: string,
  ) {}

  async send(message: MailMessage & { id: string }): Promise<void> {
    await insertRows(
      this.db,
      mailMessages,
      [
        {
          id: message.id,
          from: message.from ?? this.from,
          to: message.to,
          subject: message.subject,
          html: message.html,
          text: message.text,
        },
      ],
      { onConflictDoNothing: true },
    );
  }
}

export const mailTopic = "mail.send";

/**
 * Queues an email in the caller's transaction; it is sent after commit by the outbox dispatcher
 * (retried with backoff when the mail server fails). Returns the outbox event id.
 */
export function queueMail(db: Db, message: MailMessage): Promise<string> {
  return enqueue(db, mailTopic, message);
}

/**
 * A mailer that sends every message from the shop's current sender (`from()`, read at send time, so a
 * sender changed in the admin applies to the next e-mail), unless the message names its own.
 */
export class ShopSenderMailer implements Mailer {
  constructor(
    private readonly inner: Mailer,
    private readonly from: () => Promise<string>,
  ) {}

  async send(message: MailMessage & { id: string }): Promise<void> {
    await this.inner.send({ ...message, from: message.from ?? (await this.from()) });
  }
}

/** Connects the mail topic of the outbox to a mailer. */
export function registerMailHandler(dispatcher: OutboxDispatcher, mailer: Mailer): void {
  dispatcher.on(mailTopic, async (event) => {
    await mailer.send({ ...(event.payload as MailMessage), id: event.id });
  });
}

/**
 * Personal data in the mail pipeline: copies of messages kept by the local mail outbox, and queued or
 * sent mail events addressed to the person. Erasure deletes both.
 */
export const mailPersonalData: PersonalDataSource = {
  columns: { mail_messages: ["to", "subject", "text", "created_at"] },
  async export(db, { email }) {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select id, "to", subject, text, created_at from ${mailMessages} where lower("to") = lower(${email}) order by created_at`,
    );
    return { mail_messages: rows };
  },
  async erase(db, { email }) {
    await db.delete(mailMessages).where(sql`lower(${mailMessages.to}) = lower(${email})`);
    await db
      .delete(outboxEvents)
      .where(
        sql`${outboxEvents.topic} = ${mailTopic} and lower(${outboxEvents.payload}->>'to') = lower(${email})`,
      );
  },
};
