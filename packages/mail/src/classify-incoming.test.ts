import { describe, expect, it } from 'vitest';
import { classifyIncoming } from './classify-incoming.js';

const mail = (headers: string): Buffer => Buffer.from(`${headers.trim().replace(/\n/g, '\r\n')}\r\n\r\nbody\r\n`);

describe('classifyIncoming', () => {
  it('recognises delivery status notifications as bounces', () => {
    const dsn = mail(`
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>
To: marketplace@acme.example
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status;
 boundary="8A1B2C3D.1700000000/mx.acme.example"`);
    expect(classifyIncoming(dsn).kind).toBe('bounce');
    const withoutReturnPath = mail(`
From: postmaster@acme.example
Content-Type: multipart/report; report-type="delivery-status"; boundary="x"`);
    expect(classifyIncoming(withoutReturnPath)).toEqual({ kind: 'bounce', reason: 'Content-Type: multipart/report; report-type=delivery-status' });
    expect(classifyIncoming(mail('From: MAILER-DAEMON@mx.example\nSubject: failure')).kind).toBe('bounce');
    expect(classifyIncoming(mail('From: a@b.example\nX-Failed-Recipients: c@d.example')).kind).toBe('bounce');
    expect(classifyIncoming(mail('From: a@b.example'), { envelopeFrom: '' }).kind).toBe('bounce');
  });

  it('recognises vacation and other automatic replies (RFC 3834 and common vendor headers)', () => {
    expect(classifyIncoming(mail('From: dana@acme.example\nSubject: Out of office\nAuto-Submitted: auto-replied'))).toEqual({ kind: 'auto-reply', reason: 'Auto-Submitted: auto-replied' });
    expect(classifyIncoming(mail('From: dana@acme.example\nX-Auto-Response-Suppress: All')).kind).toBe('auto-reply');
    expect(classifyIncoming(mail('From: dana@acme.example\nX-Autoreply: yes')).kind).toBe('auto-reply');
    expect(classifyIncoming(mail('From: dana@acme.example\nPrecedence: auto_reply')).kind).toBe('auto-reply');
    expect(classifyIncoming(mail('From: dana@acme.example\nContent-Type: multipart/report; report-type=disposition-notification; boundary=x')).kind).toBe('auto-reply');
  });

  it('recognises mailing-list and bulk mail', () => {
    expect(classifyIncoming(mail('From: news@acme.example\nList-Id: <announce.acme.example>'))).toEqual({ kind: 'list', reason: 'List-Id' });
    expect(classifyIncoming(mail('From: news@acme.example\nList-Unsubscribe: <mailto:unsub@acme.example>')).kind).toBe('list');
    expect(classifyIncoming(mail('From: news@acme.example\nPrecedence: bulk')).kind).toBe('list');
  });

  it('treats a person\'s mail as normal, including Auto-Submitted: no', () => {
    expect(classifyIncoming(mail('Return-Path: <dana@acme.example>\nFrom: Dana <dana@acme.example>\nSubject: I need a room booking tool')).kind).toBe('normal');
    expect(classifyIncoming(mail('From: dana@acme.example\nAuto-Submitted: no')).kind).toBe('normal');
    expect(classifyIncoming(mail('From: Dana <dana.mailer-daemon-fan@acme.example>')).kind).toBe('normal');
  });
});
