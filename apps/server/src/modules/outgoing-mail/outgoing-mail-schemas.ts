import { z } from 'zod';

/** The wire shapes of outgoing mail and its delivery (the admin list and the inbox thread show them). */
export const recipientDeliverySchema = z
  .object({
    address: z.string(),
    state: z.enum(['pending', 'accepted', 'refused', 'failed', 'blocked', 'bounced', 'delayed', 'delivered']).describe('accepted/refused/failed: the SMTP answer; bounced/delayed/delivered: a delivery report came back later'),
    smtpCode: z.number().int().nullable(),
    smtpResponse: z.string().nullable(),
    dsnAction: z.string().nullable(),
    dsnStatus: z.string().nullable().describe('Enhanced status code of the delivery report, e.g. 5.1.1'),
    diagnostic: z.string().nullable().describe('The remote server’s words'),
    updatedAt: z.string(),
  })
  .meta({ id: 'RecipientDelivery' });
export const outgoingMailSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    language: z.string(),
    messageId: z.string(),
    subject: z.string(),
    state: z.enum(['sent', 'blocked', 'failed']),
    blockCode: z.string().nullable().describe('Why the compliance check blocked it: secret, link-domain, footer-missing, too-large'),
    blockReason: z.string().nullable(),
    inboxMessageId: z.string().nullable(),
    createdAt: z.string(),
    recipients: z.array(recipientDeliverySchema),
  })
  .meta({ id: 'OutgoingMail' });
