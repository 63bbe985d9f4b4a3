import nodemailer from 'nodemailer';

let transport;

/** Sends one email through the SMTP server named in the SMTP_* settings. */
export async function sendMail(settings, message) {
  transport ??= nodemailer.createTransport({
    host: settings.SMTP_HOST,
    port: Number(settings.SMTP_PORT),
    secure: settings.SMTP_SECURE === 'true',
    auth: settings.SMTP_USER ? { user: settings.SMTP_USER, pass: settings.SMTP_PASS } : undefined,
  });
  return transport.sendMail({ from: settings.MAIL_FROM, ...message });
}
