import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequestError, UnauthorizedError } from '../../errors/app-error.js';
import { withErrors } from '../../http/responses.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../security/passwords.js';
import { email } from './account-schemas.js';
import { closeResetLinks, endSessionsExcept, findPasswordOwner, findPasswordReset, setPasswordHash, setPassword, useResetLink } from './password-repository.js';
import { readerLanguage } from '../../http/reader-language.js';
import { hashResetToken, RESET_TTL_MINUTES, sendPasswordReset } from './password-reset.js';

const password = z.string().min(1).max(1024);
/** Reset requests send mail: a few per minute per address of the caller. */
const RESET_RATE = { max: 5, timeWindow: 60_000 };
const RESET_ANSWER = `If an account with this e-mail exists, a link to choose a new password is on its way; it works once, for ${RESET_TTL_MINUTES} minutes.`;

/** Change my password (signed in, with the current one) and reset a forgotten one by e-mail. */
export default async function passwordRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post('/password', {
    config: { auth: { principals: ['user'] }, audit: 'auth.password.change', rateLimit: { max: 10, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'],
      summary: 'Change my password (needs the current one); my other sessions end',
      body: z.object({ currentPassword: password, newPassword: password }).strict(),
      response: withErrors({ 204: z.null() }, [400]),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const user = await findPasswordOwner(app.db, principal.userId!);
      if (!user.password_hash || !(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        throw new UnauthorizedError('The current password is wrong; type it again (or sign out and use “Forgot password?”).', 'WRONG_PASSWORD');
      }
      checkPasswordPolicy(request.body.newPassword, user.email);
      await setPasswordHash(app.db, user.id, await hashPassword(request.body.newPassword));
      // a reset link mailed before the change would undo it: it stops working
      await closeResetLinks(app.db, user.id);
      const others = await endSessionsExcept(app.db, user.id, principal.sessionId ?? null);
      for (const id of others) app.credentialCache.forgetSession(id);
      request.auditInfo = { targetType: 'user', targetId: user.id, details: { otherSessionsEnded: others.length } };
      return reply.status(204).send(null);
    },
  });

  app.post('/password-reset', {
    config: { auth: false, audit: 'auth.password.reset-request', rateLimit: RESET_RATE },
    schema: {
      tags: ['auth'],
      summary: 'E-mail a one-time link to choose a new password (the same answer whether or not the address has an account)',
      security: [],
      body: z.object({ email }).strict(),
      response: withErrors({ 202: z.object({ message: z.string() }) }),
    },
    handler: async (request, reply) => {
      request.auditInfo = { details: { email: request.body.email.toLowerCase() } };
      // sent after answering, so the time taken does not tell whether the address has an account
      const askedIn = readerLanguage(request, ['en', 'pl']);
      setImmediate(() => void sendPasswordReset({ db: app.db, config: app.config, logger: request.log }, request.body.email, askedIn).catch((error) => request.log.error({ err: error }, 'could not send a password reset e-mail')));
      return reply.status(202).send({ message: RESET_ANSWER });
    },
  });

  app.post('/password-reset/confirm', {
    config: { auth: false, audit: 'auth.password.reset', rateLimit: { max: 10, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'],
      summary: 'Choose a new password with the token from the reset e-mail; every session of the account ends',
      security: [],
      body: z.object({ token: z.string().min(20).max(200), newPassword: password }).strict(),
      response: withErrors({ 204: z.null() }, [400]),
    },
    handler: async (request, reply) => {
      const invalid = () => new BadRequestError('This reset link is not valid any more (used, expired or mistyped): ask for a new one from “Forgot password?”.', 'RESET_LINK_INVALID');
      const reset = await findPasswordReset(app.db, hashResetToken(request.body.token));
      if (!reset || reset.used_at || new Date(reset.expires_at) < new Date() || reset.status !== 'active') throw invalid();
      checkPasswordPolicy(request.body.newPassword, reset.email);
      const passwordHash = await hashPassword(request.body.newPassword);
      if (!(await useResetLink(app.db, reset.id))) throw invalid();
      await setPassword(app.db, reset.user_id, passwordHash);
      // the other links of the account stop working too, and so do its sessions
      await closeResetLinks(app.db, reset.user_id);
      const ended = await endSessionsExcept(app.db, reset.user_id, null);
      for (const id of ended) app.credentialCache.forgetSession(id);
      request.auditInfo = { orgId: reset.org_id, actorId: reset.user_id, targetType: 'user', targetId: reset.user_id };
      return reply.status(204).send(null);
    },
  });
}
